import { randomBytes } from 'node:crypto';
import { failureReasons } from '@switchboard/vendor-docs/klen.examples';
import type { KlenAgent, KlenContact } from './klen.seed';
import { DEFAULT_BALANCE, KLEN_AGENTS, seedContacts } from './klen.seed';

export const KLEN_STATUSES = ['queued', 'in-progress', 'completed', 'failed'] as const;
export type KlenStatus = (typeof KLEN_STATUSES)[number];

/** The documented `call.failed` reasons. */
export const KLEN_FAILURE_REASONS = failureReasons;
export type KlenFailureReason = (typeof KLEN_FAILURE_REASONS)[number];

export const KLEN_CALL_EVENTS = [
  'call.started',
  'call.ended',
  'call.failed',
  'call.transcript',
  'call.recording',
  'call.summary',
] as const;
export type KlenCallEvent = (typeof KLEN_CALL_EVENTS)[number];
/** Subscribable, but never sent: calendars are outside the simulator. */
export const KLEN_CALENDAR_EVENTS = [
  'calendar.created',
  'calendar.updated',
  'calendar.cancelled',
  'calendar.completed',
  'calendar.reminder',
] as const;

export type AuthStyle = 'bearer' | 'x-api-key' | 'query';

export interface KlenBilling {
  status: 'pending' | 'billed' | 'refunded';
  initial_charge: number;
  final_charge: number;
  total_charge: number;
}

export interface KlenCall {
  id: number;
  call_id: string;
  status: KlenStatus;
  /** Only ever shown in the `call.failed` webhook (`call.failure_reason`). */
  failure_reason: KlenFailureReason | null;
  type: 'outbound' | 'inbound';
  phone_number: string;
  agent: KlenAgent;
  contact: KlenContact | null;
  variables: Record<string, unknown> | null;
  created_at: Date;
  estimated_start: Date;
  /** When dialing began; Klen shows no ringing status, so this stays internal. */
  dialing_at: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
  transcript: string | null;
  summary: string | null;
  recording_url: string | null;
  billing: KlenBilling;
  /** The create request exactly as the client sent it, for `GET /__sim/calls`. */
  request: unknown;
  auth_style: AuthStyle;
}

export interface KlenWebhookEndpoint {
  id: number;
  name: string;
  url: string;
  subscribed_events: string[];
  secret: string;
  is_active: boolean;
}

/** Calls, webhook endpoints, contacts and balance of the one simulated account. */
export class KlenState {
  readonly calls: KlenCall[] = [];
  readonly endpoints: KlenWebhookEndpoint[] = [];
  contacts = seedContacts();
  balance: number;
  private readonly byRef = new Map<string, KlenCall>();
  // Never reset, so a gateway never sees the same vendor id for two different calls.
  private nextCallId = 1001;
  private nextEndpointId = 1;

  constructor(private readonly startingBalance = DEFAULT_BALANCE) {
    this.balance = startingBalance;
  }

  reset(): void {
    this.calls.length = 0;
    this.endpoints.length = 0;
    this.byRef.clear();
    this.contacts = seedContacts();
    this.balance = this.startingBalance;
  }

  newCallIds(): { id: number; call_id: string } {
    return { id: this.nextCallId++, call_id: `call_${randomBytes(6).toString('hex')}` };
  }

  addCall(call: KlenCall): void {
    this.calls.push(call);
    this.byRef.set(String(call.id), call);
    this.byRef.set(call.call_id, call);
  }

  /** Path ids may be the integer DB id or the `call_…` string id. */
  findCall(ref: string): KlenCall | undefined {
    return this.byRef.get(ref);
  }

  addEndpoint(input: Omit<KlenWebhookEndpoint, 'id' | 'secret' | 'is_active'>): KlenWebhookEndpoint {
    const endpoint = {
      id: this.nextEndpointId++,
      ...input,
      secret: `whsec_${randomBytes(24).toString('hex')}`,
      is_active: true,
    };
    this.endpoints.push(endpoint);
    return endpoint;
  }

  subscribers(event: KlenCallEvent): KlenWebhookEndpoint[] {
    return this.endpoints.filter((e) => e.is_active && e.subscribed_events.includes(event));
  }
}

/** Agent ids may be the integer DB id (as number or digit string) or the assistant id. */
export function findAgent(ref: unknown): KlenAgent | undefined {
  if (typeof ref === 'number') return KLEN_AGENTS.find((a) => a.id === ref);
  if (typeof ref !== 'string') return undefined;
  return KLEN_AGENTS.find((a) => a.assistant_id === ref || (/^\d+$/.test(ref) && a.id === Number(ref)));
}

export interface ListQuery {
  /** `null` when an agent filter names no known agent: nothing matches. */
  agent?: KlenAgent | null;
  status?: string;
  type?: string;
  page: number;
  limit: number;
}

export interface CallPage {
  count: number;
  page: number;
  limit: number;
  pages: number;
  calls: KlenCall[];
}

/** Newest first, page-number pagination as documented. */
export function pageOfCalls(calls: readonly KlenCall[], query: ListQuery): CallPage {
  const matches = calls
    .filter((c) => query.agent === undefined || c.agent === query.agent)
    .filter((c) => query.status === undefined || c.status === query.status)
    .filter((c) => query.type === undefined || c.type === query.type)
    .sort((a, b) => b.id - a.id);
  const start = (query.page - 1) * query.limit;
  return {
    count: matches.length,
    page: query.page,
    limit: query.limit,
    pages: Math.ceil(matches.length / query.limit),
    calls: matches.slice(start, start + query.limit),
  };
}
