/**
 * The simulated Klen account: API keys, agents, contacts, Do-Not-Call list and prices.
 * Ids reuse the values of the vendor's own examples where there are any (agent 12 /
 * `assistant_777`, contact 55, team 3), so responses look like the documentation.
 */

export const KLEN_PERMISSIONS = [
  'can_read_calls',
  'can_initiate_calls',
  'can_read_agents',
  'can_read_contacts',
  'can_read_calendar',
  'can_write_calendar',
] as const;
export type KlenPermission = (typeof KLEN_PERMISSIONS)[number];

/** Field names follow the documented per-key limit settings. */
export interface KlenApiKey {
  key: string;
  active: boolean;
  permissions: readonly KlenPermission[];
  requests_per_minute_limit: number;
  calls_per_day_limit: number;
}

export const KLEN_DEFAULT_API_KEY = 'klen_sim_7d3f9a2c4b8e1f06';
/** Only `can_read_calls` and `can_read_agents`: POST /calls answers 403. */
export const KLEN_READ_ONLY_API_KEY = 'klen_sim_readonly_5e2a9c71';
/** Exists but deactivated: answers 401 `invalid_key`. */
export const KLEN_INACTIVE_API_KEY = 'klen_sim_inactive_0b4d6f13';
/**
 * A partner key with a negotiated request rate but the standard call quota, so the
 * 100 calls/day cap can be reached without the 60 req/min limit tripping first.
 */
export const KLEN_PARTNER_API_KEY = 'klen_sim_partner_8c1e3a95';

export const STANDARD_LIMITS = { requests_per_minute_limit: 60, calls_per_day_limit: 100 } as const;

export function seedKeys(defaultKey: string, extra: readonly KlenApiKey[] = []): Map<string, KlenApiKey> {
  const all: KlenApiKey[] = [
    { key: defaultKey, active: true, permissions: KLEN_PERMISSIONS, ...STANDARD_LIMITS },
    {
      key: KLEN_READ_ONLY_API_KEY,
      active: true,
      permissions: ['can_read_calls', 'can_read_agents'],
      ...STANDARD_LIMITS,
    },
    { key: KLEN_INACTIVE_API_KEY, active: false, permissions: KLEN_PERMISSIONS, ...STANDARD_LIMITS },
    {
      key: KLEN_PARTNER_API_KEY,
      active: true,
      permissions: KLEN_PERMISSIONS,
      requests_per_minute_limit: 1_000,
      calls_per_day_limit: 100,
    },
    ...extra,
  ];
  return new Map(all.map((k) => [k.key, k]));
}

export interface KlenTeam {
  id: number;
  name: string;
}

export interface KlenAgent {
  id: number;
  assistant_id: string;
  name: string;
  /** The number the agent calls from; Klen has no from-number field on create. */
  caller_number: string | null;
  team: KlenTeam;
}

const RETENTION: KlenTeam = { id: 3, name: 'Retention' };
const SUPPORT: KlenTeam = { id: 4, name: 'Support' };

export const KLEN_AGENTS: readonly KlenAgent[] = [
  { id: 12, assistant_id: 'assistant_777', name: 'Renewals Bot', caller_number: '+15550100012', team: RETENTION },
  { id: 456, assistant_id: 'assistant_12345', name: 'Support Agent', caller_number: '+15550100456', team: SUPPORT },
  /** Has no caller number assigned: POST /calls answers 404 `no_phone_number`. */
  { id: 789, assistant_id: 'assistant_draft01', name: 'Draft Agent', caller_number: null, team: SUPPORT },
];

export interface KlenContact {
  id: number;
  name: string;
  email: string;
  phone: string;
  company: string;
  status: string;
  stage: string;
  last_call_date: string | null;
}

/** Fresh copies each time: a call updates its contact's status and last_call_date. */
export function seedContacts(): Map<number, KlenContact> {
  const contacts: KlenContact[] = [
    {
      id: 55,
      name: 'Ana Ruiz',
      email: 'ana@example.com',
      phone: '+15550004444',
      company: 'Ruiz LLC',
      status: 'contacted',
      stage: 'qualified_lead',
      last_call_date: '2025-05-02T10:03:10Z',
    },
    {
      id: 56,
      name: 'Ben Okafor',
      email: 'ben@example.com',
      phone: '+15550005555',
      company: 'Okafor & Sons',
      status: 'new',
      stage: 'lead',
      last_call_date: null,
    },
  ];
  return new Map(contacts.map((c) => [c.id, c]));
}

/** Numbers on the account's Do-Not-Call list: POST /calls answers 403 `do_not_call`. */
export const KLEN_DO_NOT_CALL: readonly string[] = ['+15550009999'];

/**
 * Pricing fitted to the documented billing example (190 s billed 0.95 = 0.30/min);
 * `initial_charge` is held when the call is accepted, and the balance must cover it.
 */
export const PRICING = { initial_charge: 0.5, per_minute: 0.3 } as const;
export const DEFAULT_BALANCE = 100;
