import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '@switchboard/simulators/testing';
import { startSlowRequest } from '../support/gateway-process';
import { startTestGateway } from '../support/test-gateway';

interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Splits the bytes of responses sent one after another on one connection (each with a Content-Length). */
function parseResponses(raw: string): ParsedResponse[] {
  const responses: ParsedResponse[] = [];
  let rest = Buffer.from(raw, 'utf8');
  while (rest.length) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end > 0, `a complete response head in ${rest.toString('utf8').slice(0, 300)}`);
    const [statusLine, ...lines] = rest.subarray(0, end).toString('utf8').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length']);
    assert.ok(Number.isInteger(length), `a Content-Length in ${statusLine}`);
    const body = rest.subarray(end + 4, end + 4 + length).toString('utf8');
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) });
    rest = rest.subarray(end + 4 + length);
  }
  return responses;
}

describe('graceful shutdown', () => {
  it('answers a request that reaches the closing server with 503 unavailable in the contract envelope, with Retry-After', async () => {
    const gw = await startTestGateway();
    let closing: Promise<void> | undefined;
    try {
      const body = JSON.stringify({ name: 'in-flight', scopes: ['calls:read'] });
      const half = Math.floor(body.length / 2);
      // A kept-alive connection busy with a request whose body has not all arrived: closing
      // the server leaves it open until that request is answered.
      const connection = await startSlowRequest(
        Number(new URL(gw.url).port),
        `POST /v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
      );
      // A round trip on another connection: the first request's head has been read by then.
      assert.equal((await fetch(`${gw.url}/health/live`)).status, 200);
      closing = gw.close();
      await pollUntil(
        () =>
          fetch(`${gw.url}/health/live`).then(
            () => 'open',
            () => 'refused',
          ),
        (s) => s === 'refused',
        { what: 'the listener to close' },
      );

      // The rest of the first body, and a second request on the same connection after it.
      const raw = await connection.finish(
        `${body.slice(half)}GET /v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.adminKey}\r\n\r\n`,
      );
      const [inFlight, late, ...more] = parseResponses(raw);
      assert.equal(more.length, 0);
      assert.equal(inFlight.status, 201, 'the request in flight when the close began completes');
      assert.equal(late.status, 503, JSON.stringify(late));
      assert.deepEqual(Object.keys(late.body), ['error']);
      assert.deepEqual(Object.keys(late.body.error).sort(), ['code', 'details', 'message', 'request_id']);
      assert.equal(late.body.error.code, 'unavailable');
      assert.match(late.body.error.message, /shutting down/);
      assert.equal(late.body.error.request_id, late.headers['x-request-id']);
      assert.match(late.body.error.request_id, /^req_/);
      assert.equal(late.headers['retry-after'], '5');
      assert.equal(late.headers.connection, 'close');
      assert.match(late.headers['content-type'], /^application\/json/);
    } finally {
      await (closing ?? gw.close());
    }
  });
});
