import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';

describe('request ids, health, metrics and OpenAPI', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
  });
  after(() => gw.close());

  it('puts a request id on every response, echoing a sane one from the client', async () => {
    const generated = await api.get('/health/live');
    assert.match(generated.headers.get('x-request-id') ?? '', /^req_[0-9a-z]{26}$/);
    const echoed = await api.get('/v1/keys', { headers: { 'x-request-id': 'client-trace-42' } });
    assert.equal(echoed.headers.get('x-request-id'), 'client-trace-42');
    const onError = await api.get('/v1/keys', { key: null, headers: { 'x-request-id': 'client-trace-43' } });
    assert.equal(onError.headers.get('x-request-id'), 'client-trace-43');
    assert.equal(onError.body.error.request_id, 'client-trace-43');
    const insane = await api.get('/health/live', { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(insane.headers.get('x-request-id') ?? '', /^req_/);
  });

  it('serves Prometheus metrics by route template and status', async () => {
    await api.delete('/v1/keys/key_01h455vb4pex5vsknk084sn02q');
    const res = await api.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(res.text, /switchboard_http_requests_total\{method="DELETE",route="\/v1\/keys\/:id",status="404"\} 1/);
    assert.match(
      res.text,
      /switchboard_http_request_duration_seconds_bucket\{le="0.005",method="DELETE",route="\/v1\/keys\/:id",status="404"\}/,
    );
    assert.doesNotMatch(res.text, /key_01h455/, 'raw ids never become labels');
  });

  it('serves the OpenAPI document generated from the code, and the docs page', async () => {
    const spec = await api.get('/openapi.json', { key: null });
    assert.equal(spec.status, 200);
    assert.match(spec.body.openapi, /^3\./);
    assert.ok(spec.body.paths['/v1/keys'].post);
    assert.ok(spec.body.paths['/v1/keys/{id}'].delete);
    assert.ok(spec.body.components.schemas.CreateKeyDto.properties.scopes);
    assert.ok(spec.body.components.schemas.Error.properties.error);
    assert.equal(
      spec.body.paths['/v1/keys'].post.responses['422'].content['application/json'].schema.$ref,
      '#/components/schemas/Error',
    );
    assert.ok(spec.body.paths['/v1/keys'].post.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'));
    const docs = await api.get('/docs', { key: null });
    assert.equal(docs.status, 200);
    assert.match(docs.text, /<html/i);
  });

  it('is ready while the database answers and 503 once it is gone, while still live', async () => {
    const ready = await api.get('/health/ready', { key: null });
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ok', checks: { database: 'ok' } });

    if (gw.database.kind === 'postgres') await gw.database.drop();
    else await gw.gateway.embedded!.pglite.close();

    const gone = await api.get('/health/ready', { key: null });
    assert.equal(gone.status, 503);
    assert.equal(gone.body.checks.database, 'unreachable');
    assert.equal((await api.get('/health/live', { key: null })).status, 200);
  });
});
