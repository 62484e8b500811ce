import { newId } from '@switchboard/core';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

export const newRequestId = (): string => newId('event').replace(/^evt_/, 'req_');

/** Echo the client's X-Request-Id when it is sane; otherwise make one. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value && SAFE_ID.test(value) ? value : newRequestId();
}
