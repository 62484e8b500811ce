import type { WebhookMethod, WebhookTarget } from './kalem.views';
import type { FieldErrors } from './kalem.laravel';
import { asBoolean, asInteger, display, ErrorBag, isMissing, isPlainObject } from './kalem.laravel';
import type { KalemAccount, KalemAgent, KalemNumber } from './kalem.seed';

export interface CreateCallInput {
  /** Normalised destinations, one call each. */
  destinations: string[];
  /** `to_number` was an array: the response's `data` is an array too. */
  batch: boolean;
  agent: KalemAgent;
  number: KalemNumber;
  trunkId: number | null;
  record: boolean;
  metadata: Record<string, unknown> | null;
  postCall: WebhookTarget | null;
  callStatus: WebhookTarget | null;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const POST_CALL_METHODS: readonly WebhookMethod[] = ['POST', 'GET', 'PUT', 'PATCH'];
// Kalem lists no GET for status webhooks (docs/vendors/kalem.md § Endpoints).
const CALL_STATUS_METHODS: readonly WebhookMethod[] = ['POST', 'PUT', 'PATCH'];
const MAX_URL_LENGTH = 2048;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** E.164 after Kalem strips spaces, dashes and parentheses; SIP URIs pass as they are. */
export function normalizeDestination(value: string): string | null {
  const trimmed = value.trim();
  if (/^sips?:[^@\s]+@[^@\s]+$/i.test(trimmed)) return trimmed;
  const stripped = trimmed.replace(/[\s()-]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(stripped) ? stripped : null;
}

export const isE164 = (destination: string) => destination.startsWith('+');

/** Validates a create-call body the way Kalem's Laravel form request is documented to. */
export function validateCreateCall(body: unknown, account: KalemAccount): Validated<CreateCallInput> {
  const input = isPlainObject(body) ? body : {};
  const bag = new ErrorBag();
  const { destinations, batch } = destinationsOf(input.to_number, bag);
  const agentId = idField(input, 'agent_id', bag, true);
  const agent = agentId === null ? undefined : account.agents.find((a) => a.id === agentId);
  if (agentId !== null && !agent) bag.add('agent_id', 'The selected agent id is invalid.');
  const numberId = idField(input, 'number_id', bag, true);
  const number = numberId === null ? undefined : account.numbers.find((n) => n.id === numberId && n.active);
  if (numberId !== null && !number) bag.add('number_id', 'The selected number id is invalid.');
  const trunkId = trunkField(input, destinations, account, bag);
  const record = input.record === undefined || input.record === null ? true : asBoolean(input.record);
  if (record === null) bag.add('record', 'The record field must be true or false.');
  if (!isMissing(input.metadata) && !isPlainObject(input.metadata))
    bag.add('metadata', 'The metadata field must be an array.');
  const postCall = webhookTarget(input, 'post_call', POST_CALL_METHODS, bag);
  const callStatus = webhookTarget(input, 'call_status', CALL_STATUS_METHODS, bag);

  if (!bag.empty || !agent || !number || record === null) return { ok: false, errors: bag.errors };
  const metadata = isPlainObject(input.metadata) ? input.metadata : null;
  return { ok: true, value: { destinations, batch, agent, number, trunkId, record, metadata, postCall, callStatus } };
}

function destinationsOf(value: unknown, bag: ErrorBag): { destinations: string[]; batch: boolean } {
  const invalid = (field: string) => `The ${display(field)} field must be a valid E.164 phone number or SIP URI.`;
  if (isMissing(value)) {
    bag.add('to_number', 'The to number field is required.');
    return { destinations: [], batch: Array.isArray(value) };
  }
  if (typeof value === 'string') {
    const destination = normalizeDestination(value);
    if (!destination) bag.add('to_number', invalid('to_number'));
    return { destinations: destination ? [destination] : [], batch: false };
  }
  if (!Array.isArray(value)) {
    bag.add('to_number', 'The to number field must be a string or an array.');
    return { destinations: [], batch: false };
  }
  const destinations: string[] = [];
  value.forEach((entry, index) => {
    const field = `to_number.${index}`;
    const destination = typeof entry === 'string' ? normalizeDestination(entry) : null;
    if (destination) destinations.push(destination);
    else bag.add(field, typeof entry === 'string' ? invalid(field) : `The ${display(field)} field must be a string.`);
  });
  return { destinations, batch: true };
}

function idField(input: Record<string, unknown>, field: string, bag: ErrorBag, required: boolean): number | null {
  const value = input[field];
  if (isMissing(value)) {
    if (required) bag.add(field, `The ${display(field)} field is required.`);
    return null;
  }
  const id = asInteger(value);
  if (id === null) bag.add(field, `The ${display(field)} field must be an integer.`);
  return id;
}

function trunkField(
  input: Record<string, unknown>,
  destinations: string[],
  account: KalemAccount,
  bag: ErrorBag,
): number | null {
  if (isMissing(input.trunk_id)) {
    // Documented message; SIP URIs route without a trunk.
    if (destinations.some(isE164)) bag.add('trunk_id', 'A trunk is required when calling E.164 phone numbers.');
    return null;
  }
  const trunkId = idField(input, 'trunk_id', bag, false);
  if (trunkId !== null && !account.trunks.some((t) => t.id === trunkId && t.active))
    bag.add('trunk_id', 'The selected trunk id is invalid.');
  return trunkId;
}

function webhookTarget(
  input: Record<string, unknown>,
  kind: 'post_call' | 'call_status',
  methods: readonly WebhookMethod[],
  bag: ErrorBag,
): WebhookTarget | null {
  const urlField = `${kind}_webhook_url`;
  const methodField = `${kind}_webhook_method`;
  const headersField = `${kind}_webhook_headers`;
  const url = input[urlField];
  let validUrl: string | null = null;
  if (!isMissing(url)) {
    if (typeof url !== 'string' || !isHttpUrl(url))
      bag.add(urlField, `The ${display(urlField)} field must be a valid URL.`);
    else if (url.length > MAX_URL_LENGTH)
      bag.add(urlField, `The ${display(urlField)} field must not be greater than ${MAX_URL_LENGTH} characters.`);
    else validUrl = url;
  }
  const method = isMissing(input[methodField]) ? 'POST' : input[methodField];
  const validMethod = methods.find((m) => m === method);
  if (!validMethod) bag.add(methodField, `The selected ${display(methodField)} is invalid.`);
  const headers = headerList(input[headersField], headersField, bag);
  return validUrl && validMethod ? { url: validUrl, method: validMethod, headers } : null;
}

function headerList(value: unknown, field: string, bag: ErrorBag): { key: string; value: string }[] {
  if (isMissing(value)) return [];
  if (!Array.isArray(value)) {
    bag.add(field, `The ${display(field)} field must be an array.`);
    return [];
  }
  const headers: { key: string; value: string }[] = [];
  value.forEach((entry, index) => {
    const item = isPlainObject(entry) ? entry : {};
    const key = headerPart(item.key, `${field}.${index}.key`, bag, (s) => HEADER_NAME.test(s));
    const val = headerPart(item.value, `${field}.${index}.value`, bag, (s) => !/[\r\n\0]/.test(s));
    if (key !== null && val !== null) headers.push({ key, value: val });
  });
  return headers;
}

function headerPart(value: unknown, field: string, bag: ErrorBag, valid: (s: string) => boolean): string | null {
  if (isMissing(value)) bag.add(field, `The ${display(field)} field is required.`);
  else if (typeof value !== 'string') bag.add(field, `The ${display(field)} field must be a string.`);
  // Kalem would accept these and then fail to send; refusing them up front is kinder to tests.
  else if (!valid(value)) bag.add(field, `The ${display(field)} field format is invalid.`);
  else return value;
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
