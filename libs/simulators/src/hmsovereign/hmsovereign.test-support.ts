import assert from 'node:assert/strict';
import * as hms from '@switchboard/vendor-docs/hmsovereign.examples';
import type { RunningSimulator } from '../common';
import { HMSOVEREIGN_BASE_PATH } from './hmsovereign.seed';

/** Documented example shapes from docs/vendors/hmsovereign.md (the calls reference and the webhook pages), via @switchboard/vendor-docs. */
export const DOCUMENTED = {
  listResponse: hms.listCallsResponse,
  outboundResponse: hms.outboundCallResponse,
  controlResponse: hms.controlResponse,
  authError: hms.unauthorizedError,
  rateLimitError: hms.rateLimitedError,
  statusUpdate: hms.statusUpdateWebhook,
} as const;

/** Optional call fields the official SDK types add to the seed's list item. */
export const SDK_CALL_EXTRAS = [
  'direction',
  'end_reason',
  'analysis_result',
  'messages',
  'room_name',
  'recording_url',
  'agent_id',
  'number_id',
  'phone_number',
];
export const RECORD_STATUSES = ['connecting', 'in-progress', 'ended', 'failed'];
export const WEBHOOK_CALL_STATUSES = ['in-progress', 'ended', 'ended-with-error'];
export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export interface ShapeOptions {
  /** Keys the actual object may have beyond the example's. */
  extras?: string[];
  /** Keys whose value may be null on one side and a value on the other (state-dependent fields). */
  nullable?: string[];
}

/** Same keys (plus allowed extras) and the same JSON types, recursively, as a documented example. */
export function assertShape(actual: unknown, example: unknown, options: ShapeOptions = {}, path = '$'): void {
  const key = path.split('.').pop()!;
  if (options.nullable?.includes(key) && (actual === null || example === null)) return;
  assert.equal(typeOf(actual), typeOf(example), `${path}: expected ${typeOf(example)}, got ${JSON.stringify(actual)}`);
  if (Array.isArray(example) && Array.isArray(actual)) {
    if (example.length) actual.forEach((item, i) => assertShape(item, example[0], options, `${path}[${i}]`));
    return;
  }
  if (typeOf(example) !== 'object') return;
  const a = actual as Record<string, unknown>;
  const e = example as Record<string, unknown>;
  // `{}` in an example stands for a free-form object (e.g. an stt_config).
  if (Object.keys(e).length === 0) return;
  for (const k of Object.keys(e)) {
    assert.ok(k in a, `${path}.${k} is missing`);
    assertShape(a[k], e[k], options, `${path}.${k}`);
  }
  const unexpected = Object.keys(a).filter((k) => !(k in e) && !(options.extras ?? []).includes(k));
  assert.deepEqual(unexpected, [], `${path}: undocumented keys`);
}

/** A thin client that talks to the simulator the way the official SDK does. */
export class HmsTestClient {
  constructor(
    readonly sim: RunningSimulator,
    private readonly key = sim.apiKey,
  ) {}

  /** Same headers as `hmsovereign-node`: JSON content type even on GET and DELETE. */
  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.sim.url}${HMSOVEREIGN_BASE_PATH}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.key}`,
        'Content-Type': 'application/json',
        'User-Agent': 'hmsovereign-node/1.0.0',
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await this.request(method, path, body);
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  get = (path: string) => this.json('GET', path);
  post = (path: string, body?: unknown) => this.json('POST', path, body);

  /** `/__sim/*` control calls (no auth). */
  async control(path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${this.sim.url}/__sim/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(response.status, 200, `/__sim/${path} failed: ${await response.clone().text()}`);
    return response.json();
  }

  async dial(body: Record<string, unknown>): Promise<string> {
    const { status, body: created } = await this.post('/calls/outbound', body);
    assert.equal(status, 200, JSON.stringify(created));
    return created.call_id as string;
  }
}
