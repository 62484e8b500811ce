import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Api } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/** METRICS_ACCESS: who may read /metrics. The default asks for a key with metrics:read. */
describe('/metrics access', () => {
  describe('METRICS_ACCESS=key (the default)', () => {
    let gw: TestGateway;
    let api: Api;
    before(async () => {
      gw = await startTestGateway();
      api = client(gw.url, gw.adminKey);
    });
    after(() => gw.close());

    it('refuses without a key, and with a key that lacks metrics:read', async () => {
      const anonymous = await api.get('/metrics', { key: null });
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error.code, 'unauthorized');
      assert.doesNotMatch(anonymous.text, /switchboard_http_requests_total/);
      const calls = await api.post('/v1/keys', { name: 'calls only', scopes: ['calls:read'] });
      const lacking = await api.get('/metrics', { key: calls.body.key });
      assert.equal(lacking.status, 403);
      assert.equal(lacking.body.error.details[0].required_scope, 'metrics:read');
      assert.equal((await api.get('/metrics', { key: 'sk_test_not-a-real-key-0000000000' })).status, 401);
    });

    it('serves a metrics:read key (what a scraper gets) and a * key', async () => {
      const scraper = await api.post('/v1/keys', { name: 'prometheus', scopes: ['metrics:read'] });
      assert.equal(scraper.status, 201, scraper.text);
      const res = await api.get('/metrics', { key: scraper.body.key });
      assert.equal(res.status, 200);
      assert.match(res.text, /switchboard_http_requests_total/);
      assert.equal((await api.get('/metrics')).status, 200);
      assert.equal(
        (await api.get('/v1/keys', { key: scraper.body.key })).status,
        403,
        'metrics:read opens nothing else',
      );
    });
  });

  for (const [access, status] of [
    ['public', 200],
    ['off', 404],
  ] as const) {
    describe(`METRICS_ACCESS=${access}`, () => {
      let gw: TestGateway;
      before(async () => {
        gw = await startTestGateway({ METRICS_ACCESS: access });
      });
      after(() => gw.close());

      it(`answers ${status} without a key, and the same with one`, async () => {
        const api = client(gw.url, gw.adminKey);
        const anonymous = await api.get('/metrics', { key: null });
        assert.equal(anonymous.status, status, anonymous.text);
        assert.equal((await api.get('/metrics')).status, status);
        if (access === 'off') assert.equal(anonymous.body.error.code, 'not_found');
        else assert.match(anonymous.text, /switchboard_http_requests_total/);
      });
    });
  }
});
