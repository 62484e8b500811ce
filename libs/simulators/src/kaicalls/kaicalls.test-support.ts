/**
 * Test helpers for the KaiCalls specs: an HTTP helper and the documented example shapes. The
 * seed's examples come from @switchboard/vendor-docs (the one copy of docs/vendors/kaicalls.md's
 * examples); the shapes the vendor gives only as field lists are built here (SDK additions marked).
 */
import assert from 'node:assert/strict';
import * as kaicalls from '@switchboard/vendor-docs/kaicalls.examples';
import type { RunningSimulator } from '../common';

export interface ApiResponse {
  status: number;
  headers: Headers;
  json: any;
}

export interface ApiOptions {
  body?: unknown;
  key?: string | null;
  headers?: Record<string, string>;
}

/** Calls the simulator like the official SDK does: Bearer key and JSON content type on every request. */
export async function kc(
  sim: RunningSimulator,
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<ApiResponse> {
  const key = options.key === undefined ? sim.apiKey : options.key;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const response = await fetch(`${sim.url}/api/v1${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

export async function control(sim: RunningSimulator, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${sim.url}/__sim${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(response.status, 200, `control ${path}`);
  return response.json();
}

/**
 * Same keys and same JSON types as the documented example (integers stay integers).
 * Keys listed in `nullable` may be null where the example shows a value (absent data).
 */
export function assertShape(actual: unknown, example: unknown, nullable: string[] = [], path = '$'): void {
  const key = path.split('.').pop() ?? '';
  if (actual === null && (example === null || nullable.includes(key))) return;
  if (Array.isArray(example)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    if (example.length)
      (actual as unknown[]).forEach((item, i) => assertShape(item, example[0], nullable, `${path}[${i}]`));
    return;
  }
  if (example !== null && typeof example === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${path}: expected an object`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(example).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(example))
      assertShape((actual as Record<string, unknown>)[k], v, nullable, `${path}.${k}`);
    return;
  }
  assert.equal(typeof actual, typeof example, `${path}: type of ${JSON.stringify(actual)}`);
  if (typeof example === 'number' && Number.isInteger(example)) assert.ok(Number.isInteger(actual), `${path}: integer`);
}

export const STATUSES = ['queued', 'in-progress', 'completed', 'failed'];
export const FAILURES = ['no_answer', 'busy', 'failed'];
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const T = '2026-02-15T14:30:00Z';

export const DOC = {
  error: kaicalls.forbiddenError,
  callCreated: kaicalls.createCallResponse,
  /** Seed row, plus `direction` and `summary` from the quickstart. */
  callList: {
    ...kaicalls.listCallsResponse,
    calls: [{ ...kaicalls.listCallsResponse.calls[0], direction: 'outbound', summary: 'Delivery window confirmed.' }],
  },
  callDetail: {
    id: 'c1a2-call',
    conversation_id: 'vapi-conv-123',
    status: 'completed',
    direction: 'outbound',
    duration: 127,
    agent_id: '5f0c-agent',
    agent_name: 'Kai',
    business_id: 'biz-1',
    lead_id: 'lead-1',
    summary: 'Delivery window confirmed.',
    recording_url: 'https://example/rec.wav',
    quality_dimensions: { professionalism: 90, empathy: 80, information_gathering: 70, resolution: 60 },
    created_at: T,
  },
  agentList: { agents: [{ id: 'a', name: 'Kai', business_id: 'b', created_at: T }] },
  /** Seed detail, plus `first_message`, `voice`, `model`, `prompts` which the SDK says a detail may carry. */
  agentDetail: {
    id: 'a',
    name: 'Kai',
    business_id: 'b',
    vapi_assistant_id: 'v',
    phone_number: '+15125550142',
    created_at: T,
    first_message: 'Hello! How can I help you today?',
    voice: { provider: '11labs', voiceId: 'sarah' },
    model: { provider: 'openai', model: 'gpt-4.1', temperature: 0.7 },
    prompts: { system: 's', inbound: 'i', outbound: 'o', sms: 'm' },
  },
  agentCreated: { id: 'a', name: 'Kai', business_id: 'b', vapi_assistant_id: 'v', created_at: T },
  agentUpdated: { id: 'a', name: 'Kai', business_id: 'b', vapi_assistant_id: 'v', updated: true },
  numbers: { numbers: [{ id: 'n', phone_number: '+15125550142', agent_id: 'a', business_id: 'b', created_at: T }] },
  key: {
    id: 'k',
    prefix: 'kc_live_abc1',
    name: 'n',
    scopes: ['calls:read'],
    business_id: 'b',
    created_at: T,
    last_used_at: T,
    expires_at: T,
    is_active: true,
  },
  balance: { businesses: [{ business_id: 'b', minutes_used: 3, phone_numbers: 2, subscription_status: 'active' }] },
  usage: {
    usage: [
      { id: 'u', endpoint: '/v1/calls', method: 'POST', status_code: 201, call_id: 'c', cost_cents: 12, created_at: T },
    ],
    has_more: false,
  },
  /** SDK (`/api/v1/webhooks`). */
  webhookList: {
    webhooks: [
      {
        id: 'w',
        url: 'https://x',
        events: ['call.completed'],
        description: 'd',
        is_active: true,
        webhook_secret_masked: 'whsec_****abcd',
      },
    ],
    events: ['call.completed'],
  },
  completed: kaicalls.callCompletedWebhook,
  failed: kaicalls.callFailedWebhook,
};
