import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../support/http';
import type { Api } from '../support/calls';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/** Numbers no column holds are 422 naming the field, not a database error (found by the fuzz suite). */
describe('numbers past what is stored', () => {
  let gw: TestGateway;
  let api: Api;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
  });
  after(() => gw.close());

  const expect422 = (res: { status: number; body: any; text: string }, field: string) => {
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(
      res.body.error.details.map((d: any) => d.field),
      [field],
    );
  };

  it('refuses an event position past 2^53 (no bigint holds 1e23)', async () => {
    expect422(await api.get('/v1/events?after=99999999999999999999999'), 'after');
    expect422(await api.get('/v1/events/stream?after=99999999999999999999999'), 'after');
    assert.equal((await api.get(`/v1/events?after=${Number.MAX_SAFE_INTEGER}`)).status, 200);
  });

  it('refuses a replay position past 2^53', async () => {
    const endpoint = await api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hook' });
    assert.equal(endpoint.status, 201, endpoint.text);
    expect422(
      await api.post(`/v1/webhook-endpoints/${endpoint.body.id}/replay`, undefined, {
        rawBody: '{"after_sequence": 99999999999999999999999}',
        headers: { 'content-type': 'application/json' },
      }),
      'after_sequence',
    );
  });

  it('refuses a cost per minute its numeric(10,4) column cannot hold', async () => {
    const created = await api.post('/v1/providers', {
      provider: 'kalem',
      name: 'costly',
      credentials: { api_key: 'k' },
      base_url: 'http://127.0.0.1:9/api/v1',
      cost_per_minute: 1e7,
      verify: false,
    });
    expect422(created, 'cost_per_minute');
    const providers = (await api.get('/v1/providers?limit=200')).body.data;
    assert.equal(providers.filter((p: any) => p.name === 'costly').length, 0, 'nothing stored');
  });
});
