import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * `null` on each field of every PATCH the reference documents (the fuzz suite found
 * `{"name": null}` answering 500: the null reached a NOT NULL column). Every field either
 * takes null (a nullable one is cleared) or refuses it with 422 on that field, and a refusal
 * changes nothing.
 */
describe('PATCH with a null field', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  const ids: Record<string, string> = {};

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    ids['/v1/agents/{id}'] = (await api.post('/v1/agents', { name: 'null probe' })).body.id;
    ids['/v1/providers/{id}'] = (await api.get('/v1/providers')).body.data[0].id;
    ids['/v1/webhook-endpoints/{id}'] = (
      await api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' })
    ).body.id;
  });
  after(async () => {
    await gw?.close();
  });

  it('is refused on fields that cannot be empty, naming the field, and never answers 5xx', async () => {
    const doc = (await api.get('/openapi.json')).body;
    const schemaOf = (s: { $ref?: string; properties?: Record<string, unknown> }) =>
      s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s;
    const refused: string[] = [];
    let tried = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      if (!item.patch) continue;
      const id = ids[path];
      assert.ok(id, `a resource to PATCH at ${path}`);
      const url = path.replace('{id}', id);
      const fields = Object.keys(schemaOf(item.patch.requestBody.content['application/json'].schema).properties ?? {});
      for (const field of fields) {
        const before = (await api.get(url)).body;
        const res = await api.patch(url, { [field]: null });
        tried++;
        assert.ok(res.status < 500, `${path} ${field}: null → ${res.status} ${res.text}`);
        if (res.status === 200) continue;
        assert.equal(res.status, 422, `${path} ${field}: ${res.text}`);
        assert.deepEqual(
          res.body.error.details.map((d: { field: string }) => d.field),
          [field],
        );
        assert.deepEqual((await api.get(url)).body, before, `${path} ${field}: a refusal changes nothing`);
        refused.push(`${path.split('/')[2]}.${field}`);
      }
    }
    assert.ok(tried >= 15, `every PATCH field tried (${tried})`);
    for (const mustRefuse of [
      'agents.name',
      'providers.priority',
      'providers.enabled',
      'webhook-endpoints.url',
      'webhook-endpoints.enabled',
    ])
      assert.ok(refused.includes(mustRefuse), `${mustRefuse} refuses null (refused: ${refused.join(', ')})`);
  });
});
