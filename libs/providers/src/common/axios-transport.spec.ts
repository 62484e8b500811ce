import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { TransportError } from '@switchboard/core';
import { createAxiosTransport } from './axios-transport';

// The admin paths' transport (credential checks) against a loopback server of its own.
describe('createAxiosTransport', () => {
  let server: Server;
  let origin: string;
  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/large' ? `"${'x'.repeat(64 * 1024)}"` : '{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('an answer larger than its cap fails (other, sent) instead of being held in memory', async () => {
    const transport = createAxiosTransport(axios.create(), 2_000, undefined, 1024);
    await assert.rejects(transport.request({ method: 'GET', url: `${origin}/large` }), (e: unknown) => {
      assert.ok(e instanceof TransportError, String(e));
      assert.deepEqual([e.reason, e.sent], ['other', true], e.message);
      return true;
    });
    const fits = await transport.request({ method: 'GET', url: `${origin}/ok` });
    assert.deepEqual([fits.status, fits.body], [200, { ok: true }]);
  });
});
