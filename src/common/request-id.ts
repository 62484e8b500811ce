import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/** TypeID's alphabet (Crockford base32, lower case), so request ids look like the other ids. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const base32 = (value: number, digits: number): string => {
  let out = '';
  for (let i = 0; i < digits; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
};

// 40 random bits per process, then a counter: unique across instances in practice, and cheap
// on every request (minting a TypeID, a UUIDv7 plus its encoding, cost more than routing a
// /health/live). Ids only correlate log lines and error envelopes; nothing orders by them.
const processPart = base32(randomBytes(5).readUIntBE(0, 5), 8);
let counter = 0;
let lastMs = -1;
let prefix = '';

/** `req_` + 26 base32 characters: milliseconds (10), this process (8), a counter (8). */
export const newRequestId = (): string => {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    prefix = `req_${base32(now, 10)}${processPart}`;
  }
  counter = (counter + 1) % 32 ** 8;
  return prefix + base32(counter, 8);
};

/** Echo the client's X-Request-Id when it is sane; otherwise make one. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value && SAFE_ID.test(value) ? value : newRequestId();
}
