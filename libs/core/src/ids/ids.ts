import { TypeID, fromUUIDBytes, toUUIDBytes, typeidUnboxed } from 'typeid-js';

/**
 * Prefixes of every public id (the API reference's introduction, src/common/openapi.ts). The body is a UUIDv7 in base32
 * (TypeID), so ids sort by creation time and carry no guessable counter.
 */
export const ID_PREFIXES = {
  call: 'call',
  agent: 'agt',
  event: 'evt',
  webhookEndpoint: 'whe',
  delivery: 'dlv',
  key: 'key',
  connection: 'con',
  /** A vendor webhook as received (internal: never in a response). */
  inboundWebhook: 'iwh',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

/**
 * `at` stamps the UUIDv7's 48-bit millisecond field with a time other than now (a call the
 * gateway learns of late is given the id of its own created_at, so id order is time order).
 */
export function newId(kind: IdKind, at?: Date): string {
  const prefix = ID_PREFIXES[kind];
  // The unboxed forms: the same ids without a TypeID object and a UUID string per id (a create mints three).
  const fresh = typeidUnboxed(prefix);
  if (at === undefined) return fresh;
  const ms = at.getTime();
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`no UUIDv7 time for ${String(at)}`);
  // Minted in the very millisecond asked for (a create's own): the id already carries that
  // time, and rewriting it would give the same id after a decode and an encode.
  if (fresh.startsWith(timeCharacters(ms), prefix.length + 1)) return fresh;
  const bytes = toUUIDBytes(fresh);
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  return fromUUIDBytes(prefix, bytes);
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** A TypeID suffix's first 10 characters: its two zero bits and the UUIDv7's 48-bit millisecond time. */
function timeCharacters(ms: number): string {
  let characters = '';
  for (let i = 0, rest = ms; i < 10; i++, rest = Math.floor(rest / 32)) characters = BASE32[rest % 32] + characters;
  return characters;
}

/**
 * The smallest id of that kind minted at `at` or later: every id whose time is ≥ `at` sorts at
 * or above it. The first 10 of a TypeID suffix's 26 base32 characters are two zero bits and the
 * 48-bit millisecond time, so the rest may be all zeros.
 */
export function idFloorAt(kind: IdKind, at: Date): string {
  const ms = Math.min(Math.max(Math.floor(at.getTime()), 0), 2 ** 48 - 1);
  return TypeID.fromUUID(ID_PREFIXES[kind], dashed(hexMs(ms) + '0'.repeat(20))).toString();
}

const hexMs = (ms: number) => ms.toString(16).padStart(12, '0');
const dashed = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

// A TypeID suffix: 26 characters of its base32 alphabet, the first at most 7 (128 bits, no more).
const SUFFIX = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

/**
 * True when `value` is a well-formed id of that kind; ids of another type are not. What
 * typeid-js's `fromString` accepts with that prefix, told without decoding the suffix (a
 * TextEncoder and a byte array per check, on every create's agent id), as the spec checks.
 */
export function isIdOf(kind: IdKind, value: string): boolean {
  const prefix = ID_PREFIXES[kind];
  return (
    typeof value === 'string' &&
    value.length === prefix.length + 27 &&
    value.startsWith(prefix) &&
    value.charCodeAt(prefix.length) === 95 && // _
    SUFFIX.test(value.slice(prefix.length + 1))
  );
}
