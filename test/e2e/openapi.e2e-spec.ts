import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES } from '@switchboard/core';
import { pollUntil } from '@switchboard/simulators/testing';
import { HTTP_STATUS } from '../../src/common/error-response';
import { EVENT_TYPES } from '../../src/events/event-types';
import { configureSimulators, sandboxOf } from '../support/calls';
import { client } from '../support/http';
import { schemaProblems, unresolvedRefs } from '../support/openapi-check';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: any[];
  requestBody?: any;
  responses: Record<string, any>;
  'x-error-codes'?: string[];
};
const METHODS = ['get', 'post', 'patch', 'delete'] as const;

/** The resource a path's `{id}` names, by the id prefix the gateway gives it. */
const ID_PREFIX_BY_COLLECTION: Record<string, string> = {
  calls: 'call',
  agents: 'agt',
  providers: 'con',
  events: 'evt',
  'webhook-endpoints': 'whe',
  keys: 'key',
};
const EXAMPLE_ID = /^(call|agt|con|evt|whe|dlv|key)_[0-9a-z]{26}$/;

describe('the OpenAPI document', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  let doc: any;
  const ids: Record<string, string> = {};

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
    );

  /** Example ids replaced by real ones of the same type, so an example fails only on its shape. */
  const withRealIds = (value: unknown): unknown => {
    if (typeof value === 'string') return EXAMPLE_ID.test(value) ? ids[value.split('_')[0]] : value;
    if (Array.isArray(value)) return value.map(withRealIds);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRealIds(v)]));
    return value;
  };
  const realPath = (path: string, method = 'get') =>
    // A PATCH example may replace credentials: aim it at a connection of its own, not the one calls use.
    method === 'patch' && path === '/v1/providers/{id}'
      ? `/v1/providers/${ids.scratchConnection}`
      : path.replace(
          /\/v1\/([a-z-]+)\/\{id\}/,
          (_, collection: string) => `/v1/${collection}/${ids[ID_PREFIX_BY_COLLECTION[collection]]}`,
        );

  /** A 2xx must match the documented schema; an error must be one the operation documents. */
  const assertDocumented = (where: string, op: Operation, response: { status: number; body: any; text: string }) => {
    const documented = op.responses[String(response.status)];
    assert.ok(documented, `${where}: answered ${response.status}, which is not documented: ${response.text}`);
    if (response.status >= 400) {
      assert.ok(
        op['x-error-codes']?.includes(response.body?.error?.code),
        `${where}: ${response.body?.error?.code} is not among its documented codes`,
      );
      return;
    }
    const schema = documented.content?.['application/json']?.schema;
    if (response.status === 204) return assert.equal(response.text, '', `${where}: 204 with a body`);
    assert.ok(schema, `${where}: no schema for ${response.status}`);
    assert.deepEqual(schemaProblems(doc, schema, response.body), [], `${where}: the answer does not match its schema`);
  };

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    const sandbox = await sandboxOf(api);
    await configureSimulators(sandbox, { ring_ms: 100, talk_ms: 300 });
    const spec = await api.get('/openapi.json', { key: null });
    assert.equal(spec.status, 200);
    doc = spec.body;

    ids.agt = sandbox.agentId;
    ids.con = sandbox.vendors.hmsovereign.connectionId;
    const call = await api.post('/v1/calls', {
      to: '+15550102030',
      agent_id: sandbox.agentId,
      provider: 'hmsovereign',
    });
    assert.equal(call.status, 201, call.text);
    ids.call = call.body.id;
    const endpoint = await api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' });
    assert.equal(endpoint.status, 201, endpoint.text);
    ids.whe = endpoint.body.id;
    const scratch = await api.post('/v1/providers', {
      provider: 'kalem',
      name: 'scratch',
      credentials: { api_key: 'k' },
      verify: false,
    });
    assert.equal(scratch.status, 201, scratch.text);
    ids.scratchConnection = scratch.body.id;
    const key = await api.post('/v1/keys', { name: 'to revoke', scopes: ['calls:read'] });
    ids.key = key.body.id;
    const events = await pollUntil(
      async () => (await api.get(`/v1/events?call_id=${ids.call}&after=0`)).body.data,
      (data: any[]) => data.length >= 2,
      { what: 'the call has events' },
    );
    ids.evt = events[0].id;
  });
  after(() => gw.close());

  it('resolves every $ref, names every operation, and gives every operation a success response with a schema', () => {
    assert.deepEqual(unresolvedRefs(doc), []);
    const seen = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.operationId && !seen.has(op.operationId), `${where}: a unique operationId`);
      seen.add(op.operationId);
      assert.ok(op.summary, `${where}: a summary`);
      const success = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s));
      assert.equal(success.length >= 1, true, `${where}: a 2xx response`);
      for (const status of success) {
        if (status === '204') continue;
        const content = op.responses[status].content ?? {};
        assert.ok(
          Object.values(content).some((c: any) => c.schema),
          `${where} ${status}: a schema`,
        );
      }
      if (path.startsWith('/v1/')) assert.ok(op.description?.includes('Scope `'), `${where}: names its scope`);
    }
    assert.ok(seen.size >= 35, `only ${seen.size} operations`);
  });

  it('documents the resources a client needs, limit and cursor on lists, and gateway keys as bearer tokens that are not JWTs', () => {
    for (const name of [
      'Call',
      'CallList',
      'CallBatch',
      'Agent',
      'Connection',
      'ConnectionHealth',
      'Capabilities',
      'Event',
      'EventList',
      'Key',
      'KeyCreated',
      'WebhookEndpoint',
      'WebhookEndpointWithSecret',
      'Delivery',
      'DeliveryList',
      'Error',
    ])
      assert.ok(doc.components.schemas[name], `schema ${name}`);
    for (const path of [
      '/v1/calls',
      '/v1/agents',
      '/v1/providers',
      '/v1/keys',
      '/v1/webhook-endpoints',
      '/v1/webhook-endpoints/{id}/deliveries',
    ]) {
      const names = doc.paths[path].get.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name);
      assert.ok(names.includes('limit') && names.includes('cursor'), `${path}: limit and cursor (${names})`);
    }
    assert.notEqual(doc.components.securitySchemes.bearer.bearerFormat, 'JWT');
    assert.deepEqual(doc.tags.map((t: any) => t.name).slice(0, 3), ['calls', 'agents', 'providers']);
  });

  it('lists per operation only the errors it can return: no 413 on a GET, no vendor errors on local reads', () => {
    const get = doc.paths['/v1/calls'].get;
    assert.equal(get.responses['413'], undefined);
    assert.equal(get.responses['400'], undefined);
    assert.equal(doc.paths['/v1/agents/{id}'].get.responses['502'], undefined);
    assert.equal(doc.paths['/v1/keys'].get.responses['404'], undefined);
    assert.ok(doc.paths['/v1/calls'].post.responses['503'], 'a create can find every provider out');
    assert.ok(doc.paths['/v1/calls/{id}/cancel'].post['x-error-codes'].includes('conflict'));
    for (const { path, method, op } of operations())
      for (const code of op['x-error-codes'] ?? []) {
        const example =
          op.responses[String(HTTP_STATUS[code as keyof typeof HTTP_STATUS])]?.content['application/json'].examples[
            code
          ];
        assert.equal(example?.value.error.code, code, `${method} ${path}: an example of ${code}`);
      }
  });

  it('publishes the whole error-code catalog with each code at its HTTP status', () => {
    assert.deepEqual([...ERROR_CODES].sort(), Object.keys(HTTP_STATUS).sort());
    assert.deepEqual(doc.components.schemas.ErrorCode.enum, [...ERROR_CODES]);
    assert.equal(doc.components.schemas.Error.properties.error.properties.code.$ref, '#/components/schemas/ErrorCode');
    for (const code of ERROR_CODES)
      assert.match(doc.info.description, new RegExp(`\\| ${HTTP_STATUS[code]} \\| \`${code}\` \\|`), code);
  });

  it('publishes every event type, and only those', () => {
    assert.deepEqual(doc.components.schemas.EventType.enum, [...EVENT_TYPES]);
    assert.equal(doc.components.schemas.Event.properties.type.$ref, '#/components/schemas/EventType');
    for (const type of EVENT_TYPES)
      assert.ok(doc.components.schemas.EventType.description.includes(`\`${type}\``), type);
  });

  it('has request examples that the gateway accepts, answered as documented', async () => {
    let sent = 0;
    for (const { path, method, op } of operations()) {
      const content = op.requestBody?.content?.['application/json'];
      if (!content) continue;
      const examples = [
        ...(content.example !== undefined ? [content.example] : []),
        ...Object.values(content.examples ?? {}).map((e: any) => e.value),
      ];
      assert.ok(examples.length >= 1, `${method} ${path}: an example body`);
      for (const example of examples) {
        const where = `${method.toUpperCase()} ${path} ${JSON.stringify(example)}`;
        const response = await api.call(method.toUpperCase(), realPath(path, method), withRealIds(example));
        assert.notEqual(response.status, 400, `${where}: ${response.text}`);
        assert.notEqual(response.body?.error?.code, 'validation_failed', `${where}: ${response.text}`);
        assertDocumented(where, op, response);
        sent += 1;
      }
    }
    assert.ok(sent >= 20, `only ${sent} examples`);
  });

  it('describes what every read really answers', async () => {
    let read = 0;
    for (const { path, method, op } of operations()) {
      if (method !== 'get' || path === '/v1/events/stream') continue;
      const response = await api.get(realPath(path));
      assertDocumented(`GET ${path}`, op, response);
      read += 1;
    }
    assert.ok(read >= 15, `only ${read} reads`);
    // The call has ended by now: its answer carries every field a finished call has.
    const finished = await pollUntil(
      async () => (await api.get(`/v1/calls/${ids.call}`)).body,
      (call: any) => call.ended_at !== null,
      { what: 'the call ended' },
    );
    assert.deepEqual(schemaProblems(doc, { $ref: '#/components/schemas/Call' }, finished), []);
  });
});
