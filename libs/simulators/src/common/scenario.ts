import { magicNumber, magicScenario } from './magic-numbers';

export const OUTCOMES = ['completed', 'no_answer', 'busy', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const WEBHOOK_MODES = ['normal', 'duplicate', 'shuffle', 'drop', 'late'] as const;
export type WebhookMode = (typeof WEBHOOK_MODES)[number];

export interface Scenario {
  outcome: Outcome;
  /** Simulated ms from dialing to answer (or to giving up, for no_answer/busy/failed). */
  ring_ms: number;
  /** Simulated ms of conversation once answered (completed only). */
  talk_ms: number;
  webhooks: WebhookMode;
}

export const DEFAULT_SCENARIO: Scenario = { outcome: 'completed', ring_ms: 6_000, talk_ms: 30_000, webhooks: 'normal' };

/** Scenario input problems, as `field: message` strings; empty when valid. */
export function scenarioProblems(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (input.outcome !== undefined && !(OUTCOMES as readonly unknown[]).includes(input.outcome))
    problems.push(`outcome: one of ${OUTCOMES.join(', ')}`);
  if (input.webhooks !== undefined && !(WEBHOOK_MODES as readonly unknown[]).includes(input.webhooks))
    problems.push(`webhooks: one of ${WEBHOOK_MODES.join(', ')}`);
  for (const key of ['ring_ms', 'talk_ms'] as const) {
    const v = input[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      problems.push(`${key}: a number >= 0`);
  }
  if (input.to !== undefined && typeof input.to !== 'string') problems.push('to: a string');
  return problems;
}

/** The default scenario, plus overrides for single destination numbers. */
export class ScenarioBook {
  private fallback: Scenario = { ...DEFAULT_SCENARIO };
  private readonly byNumber = new Map<string, Scenario>();

  set(input: Partial<Scenario> & { to?: string }): Scenario {
    const { to, ...rest } = input;
    const base = to ? this.forNumber(to) : this.fallback;
    const merged: Scenario = { ...base, ...stripUndefined(rest) };
    if (to) this.byNumber.set(normalizeNumber(to), merged);
    else this.fallback = merged;
    return merged;
  }

  /** A number's own scenario, else its magic number's (see magic-numbers.ts), else the default. */
  for(to: string): Scenario {
    return this.forNumber(to);
  }

  private forNumber(to: string): Scenario {
    const own = this.byNumber.get(normalizeNumber(to));
    if (own) return own;
    const magic = magicNumber(to);
    return magic ? { ...DEFAULT_SCENARIO, ...magicScenario(magic) } : this.fallback;
  }

  reset(): void {
    this.fallback = { ...DEFAULT_SCENARIO };
    this.byNumber.clear();
  }
}

/** Numbers match whatever punctuation either side used: `+1 (555) 000-1111` = `+15550001111`. */
export function normalizeNumber(value: string): string {
  return value.startsWith('sip:') ? value : value.replace(/[\s().-]/g, '');
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
