/**
 * Shared by the Kalem specs: the documented example bodies (from @switchboard/vendor-docs, the one
 * copy of docs/vendors/kalem.md's examples), a shape comparison, and a tiny HTTP client.
 * Not part of the simulator itself.
 */
import assert from 'node:assert/strict';
import * as kalem from '@switchboard/vendor-docs/kalem.examples';
import type { RunningSimulator } from '../common';
import type { ReceivedWebhook, WebhookReceiver } from '../testing';
import { pollUntil } from '../testing';

const { summary, transcriptions, metadata } = kalem.postCallWebhook;

/** Examples as docs/vendors/kalem.md records them (ids shortened there are full UUIDs here). */
export const DOC = {
  callObject: kalem.callObject,
  created: kalem.createCallResponse,
  validation: kalem.trunkRequiredError,
  listPage: kalem.listCallsPage,
  statusWebhook: kalem.statusWebhook,
  /** Assumed in docs/vendors/kalem.md: the full Call object plus the post-call example's summary, transcriptions and metadata. */
  postCallWebhook: { ...kalem.callObject, summary, transcriptions, metadata },
  deleted: kalem.deleteCallResponse,
  deleteActive: kalem.deleteActiveCallError,
};

/** Fields the Call object may leave null (docs/vendors/kalem.md § Endpoints). */
export const NULLABLE_CALL_FIELDS = [
  'duration_seconds',
  'duration_minutes',
  'cost',
  'realtime_cost',
  'started_at',
  'answered_at',
  'ended_at',
  'recording_url',
  'hangup_cause',
];
export const CALL_STATUSES = ['pending', 'ringing', 'in_progress', 'completed', 'failed', 'no_answer', 'busy'];
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Same keys and same JSON types as the documented example, recursively. A field named in
 * `nullable` may be null; a null in the example stands for "string or null" (e.g. `links.prev`).
 */
export function assertShape(actual: unknown, example: unknown, nullable: string[] = [], path = '$'): void {
  const field = path.slice(path.lastIndexOf('.') + 1);
  if (example === null) {
    assert.ok(actual === null || typeof actual === 'string', `${path}: string or null, got ${kind(actual)}`);
    return;
  }
  if (actual === null && nullable.includes(field)) return;
  assert.equal(kind(actual), kind(example), `${path}: type`);
  if (Array.isArray(example) && Array.isArray(actual) && example.length) {
    actual.forEach((item, i) => assertShape(item, example[0], nullable, `${path}[${i}]`));
  } else if (kind(example) === 'object') {
    const a = actual as Record<string, unknown>;
    const e = example as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${path}: keys`);
    for (const key of Object.keys(e)) assertShape(a[key], e[key], nullable, `${path}.${key}`);
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // JSON of unknown shape; specs assert on it.
  body: any;
}

export const BASE_CREATE = { to_number: '+15550001111', agent_id: 1, number_id: 1, trunk_id: 1 };

/** Talks to one running Kalem simulator over real HTTP. */
export class KalemApi {
  constructor(
    readonly sim: RunningSimulator,
    readonly token = sim.apiKey,
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const response = await fetch(`${this.sim.url}${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${this.token}`,
        'Content-Type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }

  create(body: Record<string, unknown>): Promise<ApiResponse> {
    return this.request('POST', '/api/v1/calls', body);
  }

  get(callId: string): Promise<ApiResponse> {
    return this.request('GET', `/api/v1/calls/${callId}`);
  }

  /** Control API (no auth). */
  async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${this.sim.url}/__sim/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(response.status, 200, `/__sim/${path}`);
    return response.json();
  }

  /** Creates one call and returns its id. */
  async dial(overrides: Record<string, unknown> = {}): Promise<string> {
    const response = await this.create({ ...BASE_CREATE, ...overrides });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.data.call_id as string;
  }

  /** Polls GET until the call reaches one of `statuses`; returns the Call object. */
  async waitFor(callId: string, statuses: string[]): Promise<any> {
    const response = await pollUntil(
      () => this.get(callId),
      (r) => r.status === 200 && statuses.includes(r.body.data.status),
      { what: `call ${callId} in ${statuses.join('/')}`, intervalMs: 10 },
    );
    return response.body.data;
  }
}

export const TERMINAL = ['completed', 'failed', 'no_answer', 'busy'];

/** What a received Kalem webhook was: the status it carries, or `post-call` (told apart by URL path). */
export function webhookLabel(hook: ReceivedWebhook): string {
  return hook.path.startsWith('/status') ? String(hook.json?.status) : 'post-call';
}

/** Webhook URLs on `receiver`, tagged so each test only looks at its own call's deliveries. */
export function webhookFields(receiver: WebhookReceiver, tag: string): Record<string, unknown> {
  return {
    call_status_webhook_url: `${receiver.url}/status/${tag}`,
    post_call_webhook_url: `${receiver.url}/post-call/${tag}`,
  };
}

export function receivedFor(receiver: WebhookReceiver, tag: string): ReceivedWebhook[] {
  return receiver.received.filter((h) => h.path.endsWith(`/${tag}`));
}
