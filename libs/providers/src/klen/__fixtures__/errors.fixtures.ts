/**
 * Klen error bodies: the flat `{ error, message }` envelope from docs.klen.ai/development.
 * `invalidKey` is the documented example verbatim; the others carry documented codes with
 * our own messages (Klen documents codes, not message texts). `rateLimited` is the
 * default 429 body of docs/vendors/klen.md § Gaps. Those two come from @switchboard/vendor-docs.
 */
import { invalidKeyError, rateLimitedError } from '@switchboard/vendor-docs/klen.examples';

export const klenErrorBodies = {
  invalidKey: invalidKeyError,
  authenticationRequired: { error: 'authentication_required', message: 'API key required' },
  permissionDenied: { error: 'permission_denied', message: 'This API key lacks the can_initiate_calls permission' },
  doNotCall: { error: 'do_not_call', message: 'This number is on your Do-Not-Call list' },
  insufficientFunds: { error: 'insufficient_funds', message: 'Insufficient balance to initiate a call' },
  agentNotFound: { error: 'agent_not_found', message: 'Agent not found' },
  noPhoneNumber: { error: 'no_phone_number', message: 'Agent has no phone number assigned' },
  notFound: { error: 'not_found', message: 'Call not found' },
  missingPhoneNumber: { error: 'missing_phone_number', message: 'phone_number is required' },
  missingAgentId: { error: 'missing_agent_id', message: 'agent_id is required' },
  invalidPhoneNumber: { error: 'invalid_phone_number', message: 'phone_number must be a valid E.164 number' },
  invalidJson: { error: 'invalid_json', message: 'Request body must be valid JSON' },
  validationError: { error: 'validation_error', message: 'variables must be an object' },
  rateLimited: rateLimitedError,
  serverError: { error: 'server_error', message: 'An unexpected error occurred' },
} as const;
