import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TransportError } from '@switchboard/core';
import type { RunningSimulator } from '@switchboard/simulators/common';
import { startKalemSimulator } from '@switchboard/simulators/kalem';
import { ADDRESS_REFUSED_CODE } from './axios-transport';
import { createUndiciTransport, type PooledTransport } from './undici-transport';

// The gateway's vendor transport against a real simulator: the same outcomes the axios
// transport gave (the adapters' specs and the e2e failover/ambiguity tests rely on them).
describe('createUndiciTransport', () => {
  let sim: RunningSimulator;
  let transport: PooledTransport;
  let redirector: Server;
  let redirectorUrl: string;

  const control = async (path: string, body: unknown) => {
    const res = await fetch(`${sim.url}/__sim/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, `/__sim/${path}`);
  };
  const createCall = (t: PooledTransport, timeoutMs?: number) =>
    t.request({
      method: 'POST',
      url: `${sim.url}/api/v1/calls`,
      headers: { Authorization: `Bearer ${sim.apiKey}` },
      body: { to_number: '+15550100001', number_id: 1, trunk_id: 1, agent_id: 1 },
      timeoutMs,
    });
  const rejectsWith = (p: Promise<unknown>, reason: TransportError['reason'], sent: boolean) =>
    assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof TransportError, String(e));
      assert.equal(e.reason, reason, e.message);
      assert.equal(e.sent, sent, e.message);
      return true;
    });

  before(async () => {
    sim = await startKalemSimulator({ speed: 200 });
    transport = createUndiciTransport({ defaultTimeoutMs: 2_000 });
    // Not a vendor behaviour the simulators offer: a 302 that must come back as a response.
    redirector = createServer((_req, res) => res.writeHead(302, { location: `${sim.url}/api/v1/calls` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  });
  after(async () => {
    await transport.close();
    await new Promise((resolve) => redirector.close(resolve));
    await sim.close();
  });
  beforeEach(() => control('reset', {}));

  it('sends JSON and parses the JSON answer; any status resolves', async () => {
    const created = await createCall(transport);
    assert.ok(created.status >= 200 && created.status < 300, JSON.stringify(created.body));
    assert.equal(typeof created.body, 'object');
    const unauthorized = await transport.request({ method: 'GET', url: `${sim.url}/api/v1/calls`, query: { page: 1 } });
    assert.equal(unauthorized.status, 401);
  });

  it('a timeout after the request was written is sent (the vendor may have acted)', async () => {
    await control('faults', { mode: 'timeout', after_create: true, delay_ms: 1_500, count: 1 });
    await rejectsWith(createCall(transport, 300), 'timeout', true);
  });

  it('a reset is sent; a refused connection is not', async () => {
    await control('faults', { mode: 'reset', count: 1 });
    await rejectsWith(createCall(transport), 'reset', true);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await rejectsWith(transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }), 'refused', false);
  });

  it('never follows a redirect', async () => {
    const response = await transport.request({ method: 'GET', url: `${redirectorUrl}/calls` });
    assert.equal(response.status, 302);
  });

  it("the guard's lookup refuses at connect time, its literal check before sending", async () => {
    let looked = 0;
    const guarded = createUndiciTransport({
      guard: {
        lookup: (hostname, _options, callback) => {
          looked += 1;
          callback(Object.assign(new Error(`${hostname} refused`), { code: ADDRESS_REFUSED_CODE }), '', 0);
        },
        refuse: (url) => (url.hostname === '127.0.0.1' ? 'is loopback' : null),
      },
    });
    try {
      await rejectsWith(guarded.request({ method: 'GET', url: `${sim.url}/api/v1/calls` }), 'refused', false);
      const byName = sim.url.replace('127.0.0.1', 'localhost');
      await rejectsWith(guarded.request({ method: 'GET', url: `${byName}/api/v1/calls` }), 'refused', false);
      assert.equal(looked, 1);
    } finally {
      await guarded.close();
    }
  });

  describe('against a loopback server of its own', () => {
    // Behaviours no simulator offers: a body that stalls, an answer too large, one socket busy.
    let server: Server;
    let origin: string;
    let received: string[];
    const stalled: Array<() => void> = [];
    before(async () => {
      server = createServer((req, res) => {
        received.push(req.url ?? '');
        if (req.url === '/stall-body') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"partial":');
          stalled.push(() => res.end('1}'));
        } else if (req.url === '/hold') {
          stalled.push(() => res.writeHead(200).end('{}'));
        } else if (req.url === '/large') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`"${'x'.repeat(64 * 1024)}"`);
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'x-Mixed-Case': 'v' }).end('{"ok":true}');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    beforeEach(() => {
      received = [];
    });
    after(async () => {
      stalled.splice(0).forEach((release) => release());
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('answers with lower-cased headers and the parsed body', async () => {
      const response = await transport.request({ method: 'GET', url: `${origin}/ok` });
      assert.deepEqual([response.status, response.body, response.headers['x-mixed-case']], [200, { ok: true }, 'v']);
    });

    it('the deadline covers the body: headers in time, the rest never, is a timeout (sent)', async () => {
      await rejectsWith(
        transport.request({ method: 'GET', url: `${origin}/stall-body`, timeoutMs: 200 }),
        'timeout',
        true,
      );
    });

    it('an answer larger than maxResponseBytes fails instead of being held in memory', async () => {
      const small = createUndiciTransport({ maxResponseBytes: 1024 });
      try {
        await rejectsWith(small.request({ method: 'GET', url: `${origin}/large` }), 'other', true);
        const fits = await small.request({ method: 'GET', url: `${origin}/ok` });
        assert.equal(fits.status, 200);
      } finally {
        await small.close();
      }
    });

    it('a request whose deadline passes while it waits for a socket fails then and is never written', async () => {
      const single = createUndiciTransport({ connectionsPerOrigin: 1 });
      try {
        const held = single.request({ method: 'GET', url: `${origin}/hold`, timeoutMs: 5_000 });
        const queued = single.request({ method: 'GET', url: `${origin}/queued`, timeoutMs: 150 });
        await rejectsWith(queued, 'timeout', true);
        stalled.splice(0).forEach((release) => release());
        assert.equal((await held).status, 200);
        // The socket is free again: a later request goes through, the expired one never did.
        assert.equal((await single.request({ method: 'GET', url: `${origin}/after` })).status, 200);
        assert.deepEqual(received, ['/hold', '/after']);
      } finally {
        await single.close();
      }
    });

    it('a body JSON cannot encode rejects rather than throws', async () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const pending = transport.request({ method: 'POST', url: `${origin}/ok`, body: circular });
      await assert.rejects(pending, TypeError);
      assert.deepEqual(received, []);
    });
  });
});
