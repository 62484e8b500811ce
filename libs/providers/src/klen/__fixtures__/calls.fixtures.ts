/**
 * Klen's own documented example bodies (POST /calls, GET /calls/{call_id}, GET /calls). The one
 * copy lives in @switchboard/vendor-docs; these are its names here.
 */
import { callDetailResponse, createCallResponse, listCallsResponse } from '@switchboard/vendor-docs/klen.examples';

/** POST /api/v1/calls response (docs.klen.ai/api-reference/calls/initiate-call). */
export const createResponse = createCallResponse;

/** GET /api/v1/calls/{call_id} response (docs.klen.ai/api-reference/calls/get-call-details). */
export const callDetail = callDetailResponse;

/** GET /api/v1/calls response (docs/vendors/klen.md § Endpoints): the string call id is `id`, the assistant id is `agent_id`. */
export const listResponse = listCallsResponse;
