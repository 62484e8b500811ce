/**
 * Test-only harness for the adapter specs: a KaiCalls simulator and a webhook receiver on
 * loopback, reset before every test, plus the helpers the specs share. Never imported by
 * adapter code.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach } from 'node:test';
import axios from 'axios';
import type {
  AdapterContext,
  CreateCallInput,
  InboundWebhookRequest,
  ProviderAdapter,
  ProviderCall,
  WebhookTarget,
} from '@switchboard/core';
import { isTerminal, ProviderError } from '@switchboard/core';
import { KAICALLS_SEED, startKaiCallsSimulator } from '@switchboard/simulators/kaicalls';
import type { RunningSimulator } from '@switchboard/simulators/common';
import type { ReceivedWebhook } from '@switchboard/simulators/testing';
import { pollUntil, WebhookReceiver } from '@switchboard/simulators/testing';
import { createAxiosTransport } from '../common';
import { createKaiCallsAdapter } from './kaicalls.adapter';

export const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const KAI = KAICALLS_SEED.agents.kai.id;

/** What the gateway hands the adapter: lower-cased headers, raw bytes, the URL's last segment. */
export function inbound(hook: ReceivedWebhook): InboundWebhookRequest {
  return {
    headers: Object.fromEntries(
      Object.entries(hook.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]),
    ),
    rawBody: Buffer.from(hook.raw, 'utf8'),
    pathToken: new URL(hook.path, 'http://gw').pathname.split('/').pop() || null,
  };
}

export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProviderError, `expected ProviderError, got ${String(error)}`);
  return error;
}

/** Registers the suite's hooks; call it synchronously inside `describe`. */
export function useKaiCallsSimulator() {
  let sim: RunningSimulator;
  let hooks: WebhookReceiver;
  let sut: ProviderAdapter;

  const harness = {
    get sim() {
      return sim;
    },
    get hooks() {
      return hooks;
    },
    get sut() {
      return sut;
    },

    contextFor: (overrides: Partial<AdapterContext> = {}): AdapterContext => ({
      baseUrl: `${sim.url}/api/v1`,
      credentials: { api_key: sim.apiKey },
      defaults: {},
      http: createAxiosTransport(axios.create()),
      now: () => new Date(),
      ...overrides,
    }),

    async control(path: string, body: unknown = {}): Promise<any> {
      const response = await fetch(`${sim.url}/__sim${path}`, {
        method: path === '/calls' ? 'GET' : 'POST',
        headers: path === '/calls' ? {} : { 'Content-Type': 'application/json' },
        body: path === '/calls' ? undefined : JSON.stringify(body),
      });
      assert.equal(response.status, 200, `control ${path}`);
      return response.json();
    },

    dialed: async (id: string) => ((await harness.control('/calls')).calls as any[]).find((c) => c.id === id),

    input: (to: string, extra: Partial<CreateCallInput> = {}): CreateCallInput => ({
      to,
      providerAgentId: KAI,
      customer: { name: 'Dana' },
      context: 'Confirm Friday delivery window',
      firstMessage: 'Hi Dana, this is Kai.',
      record: true,
      maxDurationSeconds: 300,
      metadata: { order: 'A-17' },
      reference: `call_${to.slice(-4)}`,
      ...extra,
    }),

    /** As the gateway builds it: the connection's secret is the URL's last path segment. */
    webhookTarget: (): WebhookTarget => {
      const secret = randomBytes(24).toString('base64url');
      return { url: `${hooks.url}/webhooks/kaicalls/con_123/${secret}`, secret };
    },

    untilTerminal: (id: string) =>
      pollUntil(
        () => sut.getCall(id),
        (c: ProviderCall) => isTerminal(c.status),
        { timeoutMs: 10_000, intervalMs: 20, what: `call ${id} terminal` },
      ),
  };

  before(async () => {
    sim = await startKaiCallsSimulator({ speed: 200 });
    hooks = await new WebhookReceiver().start();
    sut = createKaiCallsAdapter(harness.contextFor());
  });

  after(async () => {
    await hooks.stop();
    await sim.close();
  });

  beforeEach(async () => {
    await harness.control('/reset');
    hooks.clear();
  });

  return harness;
}
