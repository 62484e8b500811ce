import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { client } from '../support/http';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, sandboxOf } from '../support/calls';
import type { BodyVariant } from '../support/hostile-input';
import { bodyVariant, HOSTILE_IDS, hostileQuery, mutate, Rng, sampleOf } from '../support/hostile-input';
import { rawExchange } from '../support/raw-http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { WebhookConsumer } from '../support/webhook-consumer';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const REQUESTS_PER_OPERATION = 30;
const REQUEST_TIMEOUT_MS = 1_500;

/**
 * The fingerprint of everything a request could store, by table. Columns that only
 * background work writes are left out: an endpoint's `failing_since` follows deliveries.
 */
const TABLES: Record<string, string[]> = {
  api_keys: [],
  agents: [],
  agent_bindings: [],
  provider_connections: [],
  calls: [],
  webhook_endpoints: ['failing_since'],
  events: [],
};

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: string[];
  body?: Record<string, any>;
}

interface Problem {
  request: string;
  status: number;
  why: string;
  body: string;
}

/** Stack frames, source paths and framework internals: none of them may reach a client. */
const LEAK =
  /\n\s+at |\bat [\w.<>]+ \(|\.(ts|js):\d+|node_modules|\/work\/|\/home\/|\/src\/|FST_ERR|QueryFailedError|TypeORM|stack/i;

/**
 * Walks /openapi.json (and the vendor webhook receiver, which it leaves out) and throws
 * hostile input at every operation: ids, query values, bodies from each schema with values
 * broken, wrong content types, malformed and deep JSON, prototype-pollution keys, slow
 * bodies. No answer may be a 5xx; every refusal is the envelope with the request id, no body
 * leaks a stack, and a refused request changes nothing stored. Seeded: FUZZ_SEED reproduces.
 */
describe('fuzz: hostile input at every operation', () => {
  let gw: TestGateway;
  let api: Api;
  let sandbox: Sandbox;
  let db: DataSource;
  let consumer: WebhookConsumer;
  let operations: Operation[];
  let schemas: Record<string, any>;
  const realIds: Record<string, string[]> = {};
  const known: Record<string, unknown> = {};

  before(async () => {
    consumer = await new WebhookConsumer().start();
    gw = await startTestGateway({
      RATE_LIMIT_PER_KEY: '1000000',
      VENDOR_RATE_BUDGETS: 'off',
      // Calls the fuzz manages to place stay ringing without vendor news, so no background
      // work changes a table between two requests.
      RECONCILE_AFTER_SECONDS: '36000',
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    api = client(gw.url, gw.adminKey);
    db = gw.gateway.app.get(DataSource);
    sandbox = await sandboxOf(api);
    await configureSimulators(sandbox, { ring_ms: 36_000_000, webhooks: 'drop' });

    const kalem = sandbox.vendors.kalem;
    // A connection no agent routes through, so whatever a PATCH does to it harms no call.
    const spare = await api.post('/v1/providers', {
      provider: 'kalem',
      name: 'fuzz spare',
      credentials: { api_key: 'fuzz-spare-key' },
      base_url: kalem.baseUrl,
      defaults: kalem.defaults,
      verify: false,
    });
    assert.equal(spare.status, 201, spare.text);
    const call = await api.post('/v1/calls', {
      to: '+15550160001',
      agent_id: sandbox.agentId,
      provider: 'hmsovereign',
    });
    assert.equal(call.status, 201, call.text);
    const endpoint = await api.post('/v1/webhook-endpoints', { url: `${consumer.url}/fuzz` });
    assert.equal(endpoint.status, 201, endpoint.text);
    const key = await api.post('/v1/keys', { name: 'fuzz target', scopes: ['calls:read'] });
    assert.equal(key.status, 201, key.text);
    const event = (await api.get(`/v1/calls/${call.body.id}/events`)).body.data[0];
    const spareAgent = await api.post('/v1/agents', { name: 'fuzz spare agent' });
    assert.equal(spareAgent.status, 201, spareAgent.text);

    // Real ids per path, so bodies reach validation; sandbox connections only where nothing is written.
    realIds['/v1/providers/{id}'] = [spare.body.id];
    realIds['/v1/providers/{id}/agents'] = [kalem.connectionId];
    realIds['/v1/providers/{id}/numbers'] = [kalem.connectionId];
    realIds['/v1/agents/{id}'] = [spareAgent.body.id];
    realIds['/v1/calls/{id}'] = [call.body.id];
    realIds['/v1/webhook-endpoints/{id}'] = [endpoint.body.id];
    realIds['/v1/events/{id}'] = [event.id];
    realIds['/v1/keys/{id}'] = [key.body.id];
    Object.assign(known, {
      to: '+15550160002',
      agent_id: sandbox.agentId,
      connection_id: spare.body.id,
      connections: [spare.body.id],
      provision: [],
      bindings: [],
      url: `${consumer.url}/fuzz`,
      webhook_url: `${consumer.url}/fuzz`,
      base_url: kalem.baseUrl,
      endpoint_id: endpoint.body.id,
      scopes: ['calls:read'],
      provider: 'kalem',
      credentials: { api_key: 'fuzz-key' },
      after_sequence: 0,
    });

    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, any>>;
      components: { schemas: Record<string, any> };
    };
    schemas = doc.components.schemas;
    operations = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths))
      for (const [method, op] of Object.entries<any>(item)) {
        const params = (op.parameters ?? []) as { in: string; name: string }[];
        operations.push({
          method: method.toUpperCase(),
          path,
          pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
          query: params.filter((p) => p.in === 'query').map((p) => p.name),
          body: op.requestBody?.content?.['application/json']?.schema,
        });
      }
    // The vendor webhook receiver is left out of the document (vendors, not clients, call it).
    for (const provider of ['kalem', 'klen', 'kaicalls', 'hmsovereign'])
      operations.push({
        method: 'POST',
        path: `/webhooks/${provider}/{connection_id}`,
        pathParams: ['connection_id'],
        query: [],
        body: { type: 'object', properties: { event: { type: 'string' }, call_id: { type: 'string' } } },
      });
    operations.push({
      method: 'POST',
      path: '/webhooks/kaicalls/{connection_id}/{token}',
      pathParams: ['connection_id', 'token'],
      query: [],
      body: { type: 'object', properties: { status: { type: 'string' } } },
    });
    realIds['/webhooks/{connection_id}'] = Object.values(sandbox.vendors).map((v) => v.connectionId);
  });
  after(async () => {
    await gw?.close();
    await consumer?.stop();
  });

  /** One statement for all tables: it runs after every refusal. */
  const fingerprint = async (): Promise<Record<string, string>> => {
    const parts = Object.entries(TABLES).map(([table, skipped]) => {
      const row = `to_jsonb(t)${skipped.map((c) => ` - '${c}'`).join('')}`;
      return `(SELECT count(*)::text || ':' || md5(coalesce(string_agg((${row})::text, '|' ORDER BY (${row})::text), '')) FROM ${table} t) AS ${table}`;
    });
    const [row] = await db.query(`SELECT ${parts.join(', ')}`);
    return row;
  };

  /** The call a refused create names as stored, if the vendor (not the gateway) refused it. */
  const storedRefusal = (op: Operation, details: unknown): string | null => {
    if (op.method !== 'POST' || op.path !== '/v1/calls' || !Array.isArray(details)) return null;
    const named = details.find((d) => typeof d?.call_id === 'string');
    return named ? named.call_id : null;
  };

  /** The tables a refused create may have changed: one more call, failed, and its events. */
  const refusedCallKept = async (
    callId: string,
    before: Record<string, string>,
    after: Record<string, string>,
  ): Promise<string[]> => {
    const count = (f: Record<string, string>) => Number(f.calls.split(':')[0]);
    const [row] = await db.query('SELECT status FROM calls WHERE id = $1', [callId]);
    return row?.status === 'failed' && count(after) === count(before) + 1 ? ['calls', 'events'] : [];
  };

  const resolve = (ref: string) => schemas[ref.replace('#/components/schemas/', '')];

  function pathFor(op: Operation, rng: Rng): string {
    let path = op.path;
    for (const name of op.pathParams) {
      const pool = op.path.startsWith('/webhooks/')
        ? realIds['/webhooks/{connection_id}']
        : (realIds[op.path.replace(/\/(cancel|control|events|deliveries|rotate-secret|replay|redeliver)$/, '')] ?? []);
      // History sync runs on in the background, so it only ever gets ids that exist nowhere.
      const real = pool.length && name !== 'token' && !op.path.endsWith('/sync') && rng.chance(0.4);
      path = path.replace(`{${name}}`, real ? rng.pick(pool) : rng.pick(HOSTILE_IDS));
    }
    return path;
  }

  function requestFor(
    op: Operation,
    rng: Rng,
  ): { path: string; headers: Record<string, string>; payload?: BodyVariant } {
    let path = pathFor(op, rng);
    if (op.query.length ? rng.chance(0.7) : rng.chance(0.15)) path += `?${hostileQuery(rng, op.query)}`;
    const headers: Record<string, string> = {};
    if (op.method === 'POST' && rng.chance(0.2))
      headers['idempotency-key'] = rng.pick(['fuzz-1', 'a'.repeat(300), ' ', '😀', `fuzz-${rng.int(5)}`]);
    if (rng.chance(0.1)) headers['x-request-id'] = rng.pick(['a'.repeat(300), 'spaces are not ok', '../x', 'ok-id-1']);
    if (rng.chance(0.05))
      headers.authorization = rng.pick([
        'Bearer ',
        'Bearer sk_test_',
        `Bearer ${gw.adminKey}x`,
        'Basic Zm9vOmJhcg==',
        `bearer ${gw.adminKey}`,
      ]);
    let payload: BodyVariant | undefined;
    if (op.body && rng.chance(0.9))
      payload = bodyVariant(
        rng.chance(0.15) ? sampleOf(op.body, rng, resolve, known) : mutate(sampleOf(op.body, rng, resolve, known), rng),
        rng,
      );
    else if (!op.body && rng.chance(0.2)) payload = bodyVariant({ unexpected: rng.pick(HOSTILE_IDS) }, rng);
    return { path, headers, payload };
  }

  it(`answers no 5xx, the envelope on every refusal, and changes nothing when refusing (seed ${SEED})`, async (t) => {
    t.diagnostic(`FUZZ_SEED=${SEED}`);
    const rng = new Rng(SEED);
    const histogram: Record<string, number> = {};
    const problems: Problem[] = [];
    let sent = 0;
    let keptRefusals = 0;

    // Slow bodies trickle in alongside the rest; none may reach a handler.
    const slow = operations
      .filter((op) => op.body && !op.path.startsWith('/webhooks/'))
      .slice(0, 6)
      .map(async (op) => {
        // A real or plausible path: the body, not the URL, must be what gets refused.
        const path = op.path.replace(
          /\{(\w+)\}/g,
          (_, name) => realIds[op.path.replace(/\/(cancel|control|replay|redeliver|sync)$/, '')]?.[0] ?? `x${name}`,
        );
        const res = await rawExchange(
          gw.url,
          (s) => {
            s.write(
              `${op.method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.adminKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
            );
            const tick = setInterval(() => (s.writable ? s.write(' ') : clearInterval(tick)), 400);
            s.on('close', () => clearInterval(tick));
          },
          REQUEST_TIMEOUT_MS * 4,
        );
        histogram[res.status] = (histogram[res.status] ?? 0) + 1;
        sent++;
        if (
          res.status !== 408 ||
          res.body?.error?.code !== 'request_timeout' ||
          !res.closed ||
          res.body.error.request_id !== res.headers['x-request-id']
        )
          problems.push({
            request: `slow ${op.method} ${path.slice(0, 200)}`,
            status: res.status,
            why: 'a slow body must get 408 request_timeout and a closed connection',
            body: res.text.slice(0, 300),
          });
      });

    let before = await fingerprint();
    for (const op of operations) {
      const opStart = Date.now();
      for (let i = 0; i < REQUESTS_PER_OPERATION; i++) {
        const { path, headers, payload } = requestFor(op, rng);
        const label = `${op.method} ${path.slice(0, 200)}${payload ? ` [${payload.contentType ?? 'no content-type'}] ${String(payload.body).slice(0, 200)}` : ''}`;
        const init: RequestInit = {
          method: op.method,
          headers: {
            authorization: `Bearer ${gw.adminKey}`,
            ...headers,
            ...(payload?.contentType ? { 'content-type': payload.contentType } : {}),
          },
          body: payload?.body,
        };
        let response: Response;
        try {
          response = await fetch(gw.url + path, { ...init, signal: AbortSignal.timeout(10_000) });
        } catch (e) {
          // fetch refuses some header values itself (control characters): nothing was sent.
          if (e instanceof TypeError && !String((e as { cause?: unknown }).cause ?? '').includes('other side closed'))
            continue;
          problems.push({ request: label, status: 0, why: `no answer: ${(e as Error).message}`, body: '' });
          continue;
        }
        sent++;
        const stream = response.headers.get('content-type')?.startsWith('text/event-stream');
        const text = stream ? '' : await response.text();
        if (stream) await response.body?.cancel();
        histogram[response.status] = (histogram[response.status] ?? 0) + 1;
        const problem = (why: string) =>
          problems.push({ request: label, status: response.status, why, body: text.slice(0, 300) });
        const requestId = response.headers.get('x-request-id');
        if (!requestId) problem('no X-Request-Id');
        // A new connection without `base_url` is checked at the vendor's own address, which this
        // closed machine cannot reach: an honest 503 about the vendor, not about the input.
        const unreachableVendor =
          op.method === 'POST' &&
          op.path === '/v1/providers' &&
          response.status === 503 &&
          /"code":"providers_unavailable"/.test(text) &&
          /could not be reached/.test(text);
        if (response.status >= 500 && !unreachableVendor) problem('a 5xx');
        if (LEAK.test(text)) problem('the body leaks internals');
        if (response.status >= 400) {
          let envelope: any = null;
          try {
            envelope = JSON.parse(text);
          } catch {
            /* checked below */
          }
          const e = envelope?.error;
          if (
            !e ||
            typeof e.code !== 'string' ||
            typeof e.message !== 'string' ||
            !Array.isArray(e.details) ||
            e.request_id !== requestId
          )
            problem('not the envelope with the request id');
          if (text.length > 20_000) problem(`a ${text.length}-byte refusal`);
          const after = await fingerprint();
          const changed = Object.keys(TABLES).filter((table) => after[table] !== before[table]);
          // A create the vendor itself refused is kept as a failed call, named in `details`:
          // that call and its events may be new, nothing else.
          const stored = storedRefusal(op, e?.details);
          if (stored) keptRefusals++;
          const allowed = stored ? await refusedCallKept(stored, before, after) : [];
          const unexpected = changed.filter((table) => !allowed.includes(table));
          if (unexpected.length) problem(`refused, yet changed ${unexpected.join(', ')}`);
          before = after;
        } else {
          before = await fingerprint();
        }
        if (problems.length > 20) break;
      }
      if (process.env.FUZZ_PROFILE) t.diagnostic(`${op.method} ${op.path}: ${Date.now() - opStart} ms`);
    }
    await Promise.all(slow);

    t.diagnostic(
      `requests: ${sent}; statuses: ${JSON.stringify(histogram)}; vendor-refused creates kept: ${keptRefusals}`,
    );
    assert.ok(sent >= 1_000, `at least 1,000 requests, sent ${sent}`);
    assert.deepEqual(problems, [], `FUZZ_SEED=${SEED} reproduces these`);
    assert.ok(
      Object.keys(histogram).some((s) => Number(s) < 300),
      'some requests got through, so the bases are sound',
    );
  });
});
