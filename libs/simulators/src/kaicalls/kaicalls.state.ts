import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SimContext } from '../common';
import { KAICALLS_DEFAULT_API_KEY, KAICALLS_SEED } from './kaicalls.seed';
import type { KcAgent, KcCall, KcKey, KcNumber, KcSubscription, KcUsageRow } from './kaicalls.types';

export const DEFAULT_FIRST_MESSAGE = 'Hello! How can I help you today?';
export const DEFAULT_MODEL = { provider: 'openai', model: 'gpt-4.1', temperature: 0.7 };
export const DEFAULT_VOICE = { provider: '11labs', voiceId: 'sarah' };

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** `kc_live_` + 44 base64url characters (33 random bytes). */
export function generateApiKey(): string {
  return `kc_live_${randomBytes(33).toString('base64url')}`;
}

/** The shown prefix, e.g. `kc_live_abc1`. */
export function keyPrefix(key: string): string {
  return key.slice(0, 'kc_live_'.length + 4);
}

/** True when `scopes` grant `needed`: exact, `*`, or a family wildcard like `calls:*`. */
export function hasScope(scopes: readonly string[], needed: string): boolean {
  const family = `${needed.split(':')[0]}:*`;
  return scopes.some((s) => s === '*' || s === needed || s === family);
}

/** What every KaiCalls route needs. */
export interface KcDeps {
  context: SimContext;
  state: KaiCallsState;
}

/**
 * The simulated account. Everything lives in memory; `reset()` goes back to the seed.
 * `stamp()` hands out strictly increasing timestamps so `after=<created_at>` is exact.
 */
export class KaiCallsState {
  readonly calls = new Map<string, KcCall>();
  readonly agents = new Map<string, KcAgent>();
  readonly numbers = new Map<string, KcNumber>();
  readonly keys = new Map<string, KcKey>();
  readonly subscriptions = new Map<string, KcSubscription>();
  readonly usage: KcUsageRow[] = [];
  private lastStampMs = 0;

  constructor(private readonly defaultKey: string = KAICALLS_DEFAULT_API_KEY) {
    this.reset();
  }

  /** Now, but at least 1 ms after the previous stamp (two calls never share a created_at). */
  stamp(now: Date = new Date()): string {
    this.lastStampMs = Math.max(now.getTime(), this.lastStampMs + 1);
    return new Date(this.lastStampMs).toISOString();
  }

  reset(): void {
    this.calls.clear();
    this.agents.clear();
    this.numbers.clear();
    this.keys.clear();
    this.subscriptions.clear();
    this.usage.length = 0;
    this.seed();
  }

  keyFor(plain: string): KcKey | undefined {
    return this.keys.get(hashKey(plain));
  }

  keyById(id: string): KcKey | undefined {
    return [...this.keys.values()].find((k) => k.id === id);
  }

  /** Stores a new key and returns it with the plaintext, which is shown only this once. */
  createKey(input: { name: string; scopes: string[]; business_id: string | null }): { record: KcKey; key: string } {
    const key = generateApiKey();
    const record = this.storeKey(key, { id: randomUUID(), created_at: this.stamp(), ...input });
    return { record, key };
  }

  /** Agents, numbers and calls the key may see (keys bound to one business see only it). */
  canAccess(key: KcKey, businessId: string): boolean {
    return key.business_id === null || key.business_id === businessId;
  }

  businesses(): string[] {
    return [KAICALLS_SEED.businessId];
  }

  agentNumber(agentId: string): string | null {
    return [...this.numbers.values()].find((n) => n.agent_id === agentId)?.phone_number ?? null;
  }

  private storeKey(plain: string, input: Pick<KcKey, 'id' | 'name' | 'scopes' | 'business_id' | 'created_at'>): KcKey {
    const record: KcKey = {
      ...input,
      hash: hashKey(plain),
      prefix: keyPrefix(plain),
      last_used_at: null,
      expires_at: null,
      is_active: true,
    };
    this.keys.set(record.hash, record);
    return record;
  }

  private seed(): void {
    const { businessId, createdAt, agents, numbers, defaultKeyId } = KAICALLS_SEED;
    this.storeKey(this.defaultKey, {
      id: defaultKeyId,
      name: 'Switchboard sandbox',
      scopes: ['*'],
      business_id: null,
      created_at: createdAt,
    });
    for (const [agent, number] of [
      [agents.kai, numbers.main],
      [agents.support, numbers.support],
    ] as const) {
      this.agents.set(agent.id, {
        id: agent.id,
        name: agent.name,
        business_id: businessId,
        vapi_assistant_id: agent.vapiAssistantId,
        phone_number: number.phoneNumber,
        system_prompt: `You are ${agent.name}, a friendly phone agent for ${KAICALLS_SEED.businessName}.`,
        first_message: DEFAULT_FIRST_MESSAGE,
        voice: { ...DEFAULT_VOICE },
        model: { ...DEFAULT_MODEL },
        metadata: {},
        sdk_fields: {},
        created_at: createdAt,
      });
      this.numbers.set(number.id, {
        id: number.id,
        phone_number: number.phoneNumber,
        agent_id: agent.id,
        business_id: businessId,
        created_at: createdAt,
      });
    }
  }
}
