/**
 * KaiCalls error bodies. The envelope and the `forbidden` example are the seed's; the other
 * bodies put each documented code (errors page table) in that envelope. The documented example
 * and the 404 default of docs/vendors/kaicalls.md § Gaps come from @switchboard/vendor-docs.
 */
import * as kaicalls from '@switchboard/vendor-docs/kaicalls.examples';

const envelope = (code: string, message: string) => ({ error: { code, message } });

/** The documented example. */
export const forbidden = kaicalls.forbiddenError;
export const unauthorized = envelope('unauthorized', 'Invalid API key');
/** The 404 default (docs/vendors/kaicalls.md § Gaps). */
export const notFound = kaicalls.notFoundError;
export const invalidRequest = envelope(
  'invalid_request',
  'agent_id is required; to must be an E.164 phone number; max_duration must be a positive integer (seconds)',
);
export const missingFields = envelope('invalid_request', 'Missing required fields: agent_id, to');
export const badRequest = envelope('bad_request', 'Missing id parameter');
export const rateLimited = envelope('rate_limited', 'Rate limit exceeded');
/** kaicalls.com errors page spelling of the same 429. */
export const rateLimitExceeded = envelope('rate_limit_exceeded', 'Rate limit exceeded');
export const numberOnDnc = envelope('number_on_dnc', 'Number is on the Do Not Call list');
export const tcpaViolation = envelope('tcpa_violation', 'Call blocked by TCPA calling-hours rules');
export const paymentRequired = envelope('payment_required', 'Insufficient credits');
export const callFailed = envelope('call_failed', 'Failed to initiate call');
export const vapiError = envelope('vapi_error', 'Voice provider request failed');
export const internalError = envelope('internal_error', 'Internal server error');
/** Agent create validation (field names differ from calls). */
export const agentInvalid = envelope('invalid_request', 'business_id is required; system_prompt is required');
