import { TypeID, typeid } from 'typeid-js';

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

export function newId(kind: IdKind): string {
  return typeid(ID_PREFIXES[kind]).toString();
}

/** True when `value` is a well-formed id of that kind; ids of another type are not. */
export function isIdOf(kind: IdKind, value: string): boolean {
  try {
    return TypeID.fromString(value).getType() === ID_PREFIXES[kind];
  } catch {
    return false;
  }
}
