import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

type Problem = { field: string; message: string };
type Case = { name: string; method: 'GET' | 'POST'; path: string; body?: unknown; details: Problem[] };

const PHONE = 'must be a phone number in E.164 with country code (e.g. +15551234567) or a sip: URI';

/**
 * One entry per bad field, each with the first rule the field breaks in the order
 * required → type → range/format, and every bad field in the one answer.
 */
const CASES: Case[] = [
  {
    name: 'an empty call names both required fields, `to` among them',
    method: 'POST',
    path: '/v1/calls',
    body: {},
    details: [
      { field: 'agent_id', message: 'is required' },
      { field: 'to', message: 'is required' },
    ],
  },
  {
    name: 'a call of wrong types is told the type of each field, not its range',
    method: 'POST',
    path: '/v1/calls',
    body: {
      to: 5,
      agent_id: 5,
      record: 'yes',
      max_duration_seconds: '600',
      customer: 'Ada',
      metadata: 'x',
      routing: { strategy: 5, failover: 'no' },
    },
    details: [
      { field: 'agent_id', message: 'must be a string' },
      { field: 'customer', message: 'must be an object' },
      { field: 'max_duration_seconds', message: 'must be an integer number' },
      { field: 'metadata', message: 'must be an object' },
      { field: 'record', message: 'must be a boolean value' },
      { field: 'routing.failover', message: 'must be a boolean value' },
      {
        field: 'routing.strategy',
        message: 'must be one of the following values: priority, weighted, least_cost, pinned',
      },
      { field: 'to', message: PHONE },
    ],
  },
  {
    name: 'a call of out-of-range values is told each range, with the bad destination of a batch',
    method: 'POST',
    path: '/v1/calls',
    body: {
      to: ['+15550102030', 'tomorrow'],
      agent_id: 'a'.repeat(65),
      max_duration_seconds: 5,
      first_message: 'x'.repeat(2001),
      customer: { email: 'ada-at-example' },
      metadata: { plan: 'x'.repeat(501) },
    },
    details: [
      { field: 'agent_id', message: 'must be shorter than or equal to 64 characters' },
      { field: 'customer.email', message: 'must be an email' },
      { field: 'first_message', message: 'must be shorter than or equal to 2000 characters' },
      { field: 'max_duration_seconds', message: 'must not be less than 10' },
      { field: 'metadata.plan', message: 'values are at most 500 characters' },
      { field: 'to[1]', message: PHONE },
    ],
  },
  {
    name: 'a required field sent as null is required',
    method: 'POST',
    path: '/v1/calls',
    body: { to: null, agent_id: null, metadata: null },
    details: [
      { field: 'agent_id', message: 'is required' },
      { field: 'to', message: 'is required' },
    ],
  },
  {
    name: '?limit=x is not an integer',
    method: 'GET',
    path: '/v1/calls?limit=x',
    details: [{ field: 'limit', message: 'must be an integer number' }],
  },
  {
    name: '?limit=9999 is above the maximum',
    method: 'GET',
    path: '/v1/calls?limit=9999',
    details: [{ field: 'limit', message: 'must not be greater than 200' }],
  },
  {
    name: '?limit=0 is below the minimum',
    method: 'GET',
    path: '/v1/agents?limit=0',
    details: [{ field: 'limit', message: 'must not be less than 1' }],
  },
  {
    name: 'every bad query parameter at once',
    method: 'GET',
    path: '/v1/events?limit=many&after=-1',
    details: [
      { field: 'after', message: 'must not be less than 0' },
      { field: 'limit', message: 'must be an integer number' },
    ],
  },
  {
    name: 'an empty agent',
    method: 'POST',
    path: '/v1/agents',
    body: {},
    details: [{ field: 'name', message: 'is required' }],
  },
  {
    name: 'an agent of wrong types, with nested bindings',
    method: 'POST',
    path: '/v1/agents',
    body: { name: 5, bindings: [{}], provision: [1], routing: { strategy: 'cheapest' } },
    details: [
      { field: 'bindings[0].connection_id', message: 'is required' },
      { field: 'bindings[0].provider_agent_id', message: 'is required' },
      { field: 'name', message: 'must be a string' },
      { field: 'provision', message: 'each value in provision must be a string' },
      {
        field: 'routing.strategy',
        message: 'must be one of the following values: priority, weighted, least_cost, pinned',
      },
    ],
  },
  {
    name: 'an empty connection',
    method: 'POST',
    path: '/v1/providers',
    body: {},
    details: [
      { field: 'credentials', message: 'is required' },
      { field: 'name', message: 'is required' },
      { field: 'provider', message: 'is required' },
    ],
  },
  {
    name: 'a connection of wrong types and ranges',
    method: 'POST',
    path: '/v1/providers',
    body: {
      provider: 'kalem',
      name: '',
      credentials: { api_key: 7 },
      priority: 'high',
      weight: -1,
      cost_per_minute: 'cheap',
      rate_limits: { calls_per_minute: 'ten' },
    },
    details: [
      { field: 'cost_per_minute', message: 'must be a number conforming to the specified constraints' },
      { field: 'credentials.api_key', message: 'must be a string' },
      { field: 'name', message: 'must be longer than or equal to 1 characters' },
      { field: 'priority', message: 'must be an integer number' },
      { field: 'rate_limits.calls_per_minute', message: 'must be an integer from 0 (no limit) to 1000000' },
      { field: 'weight', message: 'must not be less than 0' },
    ],
  },
];

describe('validation messages', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['/v1/calls', '/v1/agents', '/v1/providers'].map(async (path) => [
          path,
          (await api.get(`${path}?limit=200`)).body.data.length,
        ]),
      ),
    );
  let before_: Record<string, number>;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    before_ = await counts();
  });
  after(() => gw.close());

  for (const c of CASES)
    it(`${c.method} ${c.path}: ${c.name}`, async () => {
      const res = await api.call(c.method, c.path, c.body);
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      const details = [...(res.body.error.details as Problem[])].sort((a, b) => a.field.localeCompare(b.field));
      assert.deepEqual(details, c.details);
      const message =
        c.details.length === 1
          ? `Invalid value for '${c.details[0].field}': ${c.details[0].message}`
          : `${c.details.length} fields are invalid.`;
      assert.equal(res.body.error.message, message);
    });

  it('lists the fields of a create in the order the API declares them', async () => {
    const res = await api.post('/v1/calls', { max_duration_seconds: 1, agent_id: 1 });
    assert.deepEqual(
      res.body.error.details.map((d: Problem) => d.field),
      ['to', 'agent_id', 'max_duration_seconds'],
    );
  });

  it('changed nothing', async () => {
    assert.deepEqual(await counts(), before_);
  });
});
