/** HMS Sovereign error bodies (docs/vendors/hmsovereign.md § Errors, and the § Gaps defaults for undocumented ones); the ones printed there come from @switchboard/vendor-docs. */
import * as hms from '@switchboard/vendor-docs/hmsovereign.examples';

/** Authentication page, verbatim (flat envelope). */
export const unauthorized = hms.unauthorizedError;

/** Authentication page (flat envelope; the message text is elided there). */
export const forbidden = { error: 'Forbidden', message: 'You do not have access to this resource' };

/** Rate-limits page, verbatim (nested envelope). */
export const rateLimited = hms.rateLimitedError;

/** Gap default for 404 (the flat form the SDK reads). */
export const callNotFound = hms.callNotFoundError;

/** Gap default for 400 on outbound, with the SDK's optional `type` / `param`. */
export const invalidDestination = {
  error: 'Bad Request',
  message: 'destination must be a valid E.164 number',
  type: 'invalid_request_error',
  param: 'destination',
};

/** Documented 400 cause on control ("call not active"), in the gap-default flat form. */
export const callNotActive = { error: 'Bad Request', message: 'Call is not active' };

/** 402 comes from the SDK (`InsufficientCreditsError`); its body is not documented (inferred flat form). */
export const insufficientCredits = { error: 'Payment Required', message: 'Insufficient credits' };
