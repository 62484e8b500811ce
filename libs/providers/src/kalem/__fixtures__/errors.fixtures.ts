/** Kalem error bodies (docs/vendors/kalem.md § Errors, § Gaps); the documented ones come from @switchboard/vendor-docs. */
import * as kalem from '@switchboard/vendor-docs/kalem.examples';

/** Documented 422: E.164 destination without a trunk. */
export const trunkRequired = kalem.trunkRequiredError;

/** Documented case: bad number in an array -> index-suffixed key (message text is Laravel's). */
export const badToNumber = {
  message: 'The to_number.0 field must be a valid E.164 number or SIP URI. (and 1 more error)',
  errors: {
    'to_number.0': ['The to_number.0 field must be a valid E.164 number or SIP URI.'],
    agent_id: ['The selected agent id is invalid.'],
  },
};

/** Documented message for deleting a live call; its status is a gap (default 422, no `errors`). */
export const deleteActiveCall = kalem.deleteActiveCallError;

/** 401: "every error body has `message`" (text is Laravel's default). */
export const unauthenticated = { message: 'Unauthenticated.' };

/** 404 body (gap default). */
export const notFound = kalem.notFoundError;

/** 429 body (gap default, Laravel's throttle text). */
export const tooManyAttempts = kalem.tooManyAttemptsError;

/** 500 (Laravel production text). */
export const serverError = { message: 'Server Error' };
