import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';

/** Every error row of the contract that the foundation owns, over real HTTP. */
describe('error envelope', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;

  before(async () => {
    gw = await startTestGateway({ BODY_LIMIT_BYTES: '4096' });
    api = client(gw.url, gw.adminKey);
  });
  after(() => gw.close());

  const assertEnvelope = (res: { status: number; body: any; headers: Headers }, status: number, code: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.error.code, code);
    assert.equal(typeof res.body.error.message, 'string');
    assert.ok(Array.isArray(res.body.error.details));
    assert.equal(res.body.error.request_id, res.headers.get('x-request-id'));
    assert.doesNotMatch(JSON.stringify(res.body), /at .*\.js:\d+|node_modules|stack/i);
  };

  it('answers an unknown route with 404 not_found', async () => {
    assertEnvelope(await api.get('/v1/nothing-here'), 404, 'not_found');
    assertEnvelope(await api.post('/v1/keys/extra/segments', {}), 404, 'not_found');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    assertEnvelope(
      await api.post('/v1/keys', undefined, { rawBody: '{"name": ', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_json',
    );
  });

  it('answers a non-JSON content type with 400 invalid_json', async () => {
    assertEnvelope(
      await api.post('/v1/keys', undefined, {
        rawBody: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      400,
      'invalid_json',
    );
    assertEnvelope(
      await api.post('/v1/keys', undefined, { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }),
      400,
      'invalid_json',
    );
  });

  it('answers an oversized body with 413 payload_too_large, at the configured limit', async () => {
    const ok = await api.post('/v1/keys', { name: 'x'.repeat(50), scopes: ['calls:read'] });
    assert.equal(ok.status, 201);
    const big = JSON.stringify({ name: 'x'.repeat(5000), scopes: ['calls:read'] });
    assertEnvelope(
      await api.post('/v1/keys', undefined, { rawBody: big, headers: { 'content-type': 'application/json' } }),
      413,
      'payload_too_large',
    );
  });

  it('answers validation problems with 422 and one details entry per bad field', async () => {
    const res = await api.post('/v1/keys', { name: '', scopes: ['calls:read', 'launch:missiles'], colour: 'red' });
    assertEnvelope(res, 422, 'validation_failed');
    const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['colour', 'name', 'scopes']);
    for (const d of res.body.error.details) assert.ok(d.message.length > 0);
  });

  it('refuses a JSON body that is not an object', async () => {
    const res = await api.post('/v1/keys', undefined, {
      rawBody: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    assertEnvelope(res, 422, 'validation_failed');
    assert.deepEqual(res.body.error.details, [{ field: 'body', message: 'must be a JSON object' }]);
  });

  it('answers a missing, malformed or unknown key with 401', async () => {
    assertEnvelope(await api.get('/v1/keys', { key: null }), 401, 'unauthorized');
    assertEnvelope(
      await api.get('/v1/keys', { key: null, headers: { authorization: 'Basic abc' } }),
      401,
      'unauthorized',
    );
    assertEnvelope(await api.get('/v1/keys', { key: 'sk_test_notarealkeynotarealkey00' }), 401, 'unauthorized');
    assertEnvelope(await api.get('/v1/keys', { key: 'garbage' }), 401, 'unauthorized');
  });

  it('answers a key without the scope with 403 forbidden naming the scope', async () => {
    const created = await api.post('/v1/keys', { name: 'reader', scopes: ['calls:read'] });
    const res = await api.get('/v1/keys', { key: created.body.key });
    assertEnvelope(res, 403, 'forbidden');
    assert.match(res.body.error.message, /keys:write/);
  });

  it('answers an id of the wrong type or an unknown id with 404', async () => {
    assertEnvelope(await api.delete('/v1/keys/call_01h455vb4pex5vsknk084sn02q'), 404, 'not_found');
    assertEnvelope(await api.delete('/v1/keys/key_01h455vb4pex5vsknk084sn02q'), 404, 'not_found');
  });

  it('refuses a cursor it never issued', async () => {
    const res = await api.get('/v1/keys?cursor=not-a-cursor');
    assertEnvelope(res, 422, 'validation_failed');
    assert.equal(res.body.error.details[0].field, 'cursor');
    assertEnvelope(await api.get('/v1/keys?limit=0'), 422, 'validation_failed');
    assertEnvelope(await api.get('/v1/keys?limit=201'), 422, 'validation_failed');
  });
});
