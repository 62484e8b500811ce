import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { pollUntil } from '@switchboard/simulators/testing';
import { client } from '../support/http';
import type { Api } from '../support/calls';
import type { RawResponse } from '../support/raw-http';
import { rawExchange } from '../support/raw-http';
import { SseClient } from '../support/sse';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

const REQUEST_TIMEOUT_MS = 2_000;
const HEADERS_TIMEOUT_MS = 1_000;

/**
 * What the HTTP layer refuses before any route runs — malformed HTTP, oversized URLs and
 * headers, deep JSON, slow clients — answered in the contract's envelope with a request id,
 * echoing nothing of the input.
 */
describe('refusals at the HTTP edge', () => {
  let gw: TestGateway;
  let api: Api;

  before(async () => {
    gw = await startTestGateway({
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      SSE_HEARTBEAT_MS: '400',
    });
    api = client(gw.url, gw.adminKey);
  });
  after(() => gw.close());

  const assertEnvelope = (
    res: { status: number; body: any; text: string },
    status: number,
    code: string,
    requestId: string | null | undefined,
  ) => {
    assert.equal(res.status, status, res.text.slice(0, 500));
    assert.equal(res.body?.error?.code, code, res.text.slice(0, 500));
    assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'details', 'message', 'request_id']);
    assert.ok(requestId, 'an X-Request-Id header');
    assert.equal(res.body.error.request_id, requestId);
    assert.ok(res.text.length < 1_000, `a short answer, got ${res.text.length} bytes`);
    assert.doesNotMatch(res.text, /aaaaaaaaaa|FST_ERR|statusCode/);
  };
  const assertRawRefusal = (res: RawResponse, status: number, code: string) => {
    assertEnvelope(res, status, code, res.headers['x-request-id']);
    assert.ok(res.closed, 'the connection is closed');
  };
  const agentCount = async () => (await api.get('/v1/agents?limit=200')).body.data.length;
  const deep = (levels: number) =>
    `{"name":"deep","metadata":{"a":${'['.repeat(levels - 2)}${']'.repeat(levels - 2)}}}`;

  it('bounds JSON nesting at 64 levels, before parsing: deeper is 400 invalid_json and stores nothing', async () => {
    const before = await agentCount();
    const json = { 'content-type': 'application/json' };
    for (const levels of [65, 3_000, 100_000]) {
      const res = await api.post('/v1/agents', undefined, { rawBody: deep(levels), headers: json });
      assertEnvelope(res, 400, 'invalid_json', res.headers.get('x-request-id'));
      assert.match(res.body.error.message, /deeper than 64 levels/);
    }
    assert.equal(await agentCount(), before);
    const atBound = await api.post('/v1/agents', undefined, { rawBody: deep(64), headers: json });
    assert.equal(atBound.status, 201, atBound.text);
  });

  it('bounds the nesting of vendor webhook bodies too, whatever their content type', async () => {
    for (const type of ['application/json', 'text/plain']) {
      const res = await api.post('/webhooks/kalem/con_01h455vb4pex5vsknk084sn02q', undefined, {
        key: null,
        rawBody: '['.repeat(3_000),
        headers: { 'content-type': type },
      });
      assertEnvelope(res, 400, 'invalid_json', res.headers.get('x-request-id'));
    }
  });

  it('answers a 9 KB URL with 414 uri_too_long, echoing none of it', async () => {
    const long = 'a'.repeat(9_000);
    for (const path of [`/v1/agents/${long}`, `/v1/agents?name=${long}`, `/v1/calls/${'a'.repeat(101)}`]) {
      const res = await api.get(path);
      assertEnvelope(res, 414, 'uri_too_long', res.headers.get('x-request-id'));
    }
    const ok = await api.get(`/v1/agents/agt_${'a'.repeat(96)}`);
    assert.equal(ok.status, 404, 'a 100-character segment is still routed');
  });

  it('answers oversized headers with 431 headers_too_large and closes the connection', async () => {
    const res = await rawExchange(gw.url, (s) =>
      s.write(`GET /v1/agents HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    assertRawRefusal(res, 431, 'headers_too_large');
  });

  it("answers 2,000 headers with 431 headers_too_large, instead of dropping those past Node's count", async () => {
    const headers = Array.from({ length: 2_000 }, (_, i) => `X-H${i}: v\r\n`).join('');
    const res = await rawExchange(gw.url, (s) =>
      s.write(`GET /v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.adminKey}\r\n${headers}\r\n`),
    );
    assertRawRefusal(res, 431, 'headers_too_large');
    assert.match(res.body.error.message, /more than 100 header lines/);
  });

  it('answers what is not HTTP, or a URL that does not decode, with 400 invalid_request', async () => {
    assertRawRefusal(await rawExchange(gw.url, (s) => s.write('HELLO THERE\r\n\r\n')), 400, 'invalid_request');
    assertRawRefusal(
      await rawExchange(gw.url, (s) =>
        s.write('POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n'),
      ),
      400,
      'invalid_request',
    );
    const res = await rawExchange(gw.url, (s) =>
      s.write('GET /v1/agents/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    assertEnvelope(res, 400, 'invalid_request', res.headers['x-request-id']);
  });

  it('answers a client that trickles its headers with 408 request_timeout and closes the connection', async () => {
    const res = await rawExchange(gw.url, (s) => s.write('GET /v1/agents HTTP/1.1\r\nHost: x\r\n'));
    assertRawRefusal(res, 408, 'request_timeout');
    assert.ok(res.elapsedMs < HEADERS_TIMEOUT_MS + 1_000, `closed after ${res.elapsedMs} ms`);
  });

  it('answers a body sent one byte a second with 408 request_timeout within the bound, and closes the connection', async () => {
    let ticker: NodeJS.Timeout | undefined;
    const body = '{"name":"slow"}'.padEnd(100, ' ');
    const res = await rawExchange(gw.url, (s: Socket) => {
      s.write(
        `POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-Request-Id: slow-body-1\r\n\r\n`,
      );
      let sent = 0;
      ticker = setInterval(() => (s.writable ? s.write(body[sent++]) : clearInterval(ticker)), 1_000);
      s.on('close', () => clearInterval(ticker));
    });
    clearInterval(ticker);
    assertRawRefusal(res, 408, 'request_timeout');
    assert.equal(res.body.error.request_id, 'slow-body-1', 'the id of the request it cut off');
    assert.ok(
      res.elapsedMs >= REQUEST_TIMEOUT_MS - 100 && res.elapsedMs < REQUEST_TIMEOUT_MS + 1_000,
      `closed after ${res.elapsedMs} ms`,
    );
  });

  it('lets a body that arrives in pieces within the bound through', async () => {
    const body = JSON.stringify({ name: 'in pieces' });
    const res = await rawExchange(gw.url, (s) => {
      s.write(
        `POST /v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
      );
      setTimeout(() => s.write(body.slice(5)), 200);
    });
    assert.equal(res.status, 201, res.text);
  });

  it('never cuts an event stream: the request timeout bounds receiving the request, not the response', async () => {
    const stream = await SseClient.open(`${gw.url}/v1/events/stream`, { key: gw.adminKey });
    try {
      assert.equal(stream.status, 200, stream.text);
      const opened = Date.now();
      // Heartbeats keep coming well past the request timeout (plus the checking interval).
      await pollUntil(
        () => ({ beats: stream.comments.filter((c) => c === 'heartbeat').length, ended: stream.ended }),
        (s) => s.ended || (s.beats >= 2 && Date.now() - opened > REQUEST_TIMEOUT_MS * 1.5),
        { timeoutMs: REQUEST_TIMEOUT_MS * 4, intervalMs: 50, what: 'heartbeats past the request timeout' },
      );
      assert.equal(stream.ended, false, 'the stream is still open');
    } finally {
      stream.close();
    }
  });
});
