import { randomUUID } from 'node:crypto';
import {
  defaultAccount,
  defaultLlmConfig,
  defaultSttConfig,
  defaultTtsConfig,
  seedAssistants,
  seedNumbers,
} from './hmsovereign.seed';
import type { AccountSettings, AssistantRecord, HmsCall, NumberRecord } from './hmsovereign.types';
import type { ListQuery } from './hmsovereign.validation';

/** Fields a client may not set: the vendor owns them. */
const OWNED = new Set(['id', 'created_at', 'updated_at']);

const writable = (input: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(input).filter(([k]) => !OWNED.has(k)));

/** The simulated organisation: assistants, numbers, calls and dashboard settings. */
export class HmsStore {
  readonly assistants = new Map<string, AssistantRecord>();
  readonly numbers = new Map<string, NumberRecord>();
  readonly calls = new Map<string, HmsCall>();
  account: AccountSettings = defaultAccount();

  constructor() {
    this.reset();
  }

  reset(): void {
    for (const call of this.calls.values()) call.stop();
    this.calls.clear();
    this.assistants.clear();
    this.numbers.clear();
    const assistants = seedAssistants();
    assistants.forEach((a) => this.assistants.set(a.id, a));
    seedNumbers(assistants).forEach((n) => this.numbers.set(n.id, n));
    this.account = defaultAccount();
  }

  createAssistant(input: Record<string, unknown>): AssistantRecord {
    const now = new Date().toISOString();
    const record: AssistantRecord = {
      id: randomUUID(),
      name: String(input.name),
      business_name: null,
      first_message: null,
      is_active: true,
      max_duration_seconds: null,
      webhook_url: null,
      webhook_secret: null,
      webhook_events: null,
      stt_config: defaultSttConfig(),
      llm_config: defaultLlmConfig(),
      tts_config: defaultTtsConfig(),
      ...writable(input),
      created_at: now,
      updated_at: now,
    };
    this.assistants.set(record.id, record);
    return record;
  }

  updateAssistant(record: AssistantRecord, input: Record<string, unknown>): AssistantRecord {
    Object.assign(record, writable(input), { updated_at: new Date().toISOString() });
    return record;
  }

  /** Numbers keep existing but lose their assistant, as a dashboard unlink would. */
  deleteAssistant(id: string): void {
    this.assistants.delete(id);
    for (const n of this.numbers.values()) if (n.agent_id === id) n.agent_id = null;
  }

  createNumber(input: Record<string, unknown>): NumberRecord {
    const now = new Date().toISOString();
    const record: NumberRecord = {
      id: randomUUID(),
      phone_number: String(input.phone_number),
      agent_id: (input.agent_id as string | undefined) ?? null,
      agent_name: null,
      business_name: null,
      transfer_trunk_id: (input.transfer_trunk_id as string | undefined) ?? null,
      transfer_trunk_name: null,
      source: 'imported',
      is_active: (input.is_active as boolean | undefined) ?? true,
      created_at: now,
      updated_at: now,
    };
    this.numbers.set(record.id, record);
    return record;
  }

  updateNumber(record: NumberRecord, input: Record<string, unknown>): NumberRecord {
    for (const key of ['agent_id', 'transfer_trunk_id', 'is_active'] as const)
      if (input[key] !== undefined) Object.assign(record, { [key]: input[key] });
    record.updated_at = new Date().toISOString();
    return record;
  }

  /** Names are read through the link, so renaming an assistant shows on its numbers. */
  numberView(record: NumberRecord): NumberRecord {
    const agent = record.agent_id ? this.assistants.get(record.agent_id) : undefined;
    return { ...record, agent_name: agent?.name ?? null, business_name: agent?.business_name ?? null };
  }

  /** The caller id of an outbound call when none is given: the assistant's own number first. */
  callerNumberFor(assistantId: string | null): NumberRecord | undefined {
    const active = [...this.numbers.values()].filter((n) => n.is_active);
    return active.find((n) => assistantId !== null && n.agent_id === assistantId) ?? active[0];
  }

  /** Newest first, the way a call log reads. */
  callsNewestFirst(): HmsCall[] {
    return [...this.calls.values()].reverse();
  }
}

export function withinDates(iso: string, query: Pick<ListQuery, 'from' | 'to'>): boolean {
  const t = Date.parse(iso);
  return (query.from === null || t >= query.from) && (query.to === null || t <= query.to);
}

export function paginate<T>(rows: T[], query: Pick<ListQuery, 'limit' | 'offset'>) {
  return {
    rows: rows.slice(query.offset, query.offset + query.limit),
    pagination: { total: rows.length, limit: query.limit, offset: query.offset },
  };
}
