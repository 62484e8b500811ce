import type { SecretPattern } from './vendor-errors';

/** How much of a vendor's own text (an error message, a body) may reach a client. */
export const VENDOR_SNIPPET_CHARS = 200;

// Values after a name that says secret: `"api_key": "…"`, `token=…`, `Authorization: Basic …`.
const NAMED_SECRET =
  /\b((?:api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|token|secret|client[_-]?secret|password|passwd|authorization|x-api-key|signature)\b["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|Token)\s+)?[^\s"',;}&]+/gi;
const TOKEN_PATTERNS: RegExp[] = [
  /\bBearer\s+[^\s"',;]+/gi,
  // Keys the gateway and its vendors issue: sk_live_…, whsec_…, kc_test_…, klen_…, fl_live_…
  /\b(?:sk|pk|rk|kc|fl)_(?:live|test)_[A-Za-z0-9_-]+/g,
  /\bwhsec_[A-Za-z0-9+/=_-]+/g,
  /\bklen_[A-Za-z0-9_]*\d[A-Za-z0-9_]*/g,
  // Laravel Sanctum tokens (Kalem): `<id>|<40 chars>`.
  /\b\d+\|[A-Za-z0-9]{20,}/g,
  // JWTs.
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g,
  // Anything long and opaque enough to be a key (hex digests, base64 blobs); UUIDs excepted below.
  /[A-Za-z0-9_-]{32,}={0,2}/g,
];

/** Vendors' call and agent ids: worth keeping in a message, and no secret. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control, zero-width and bidi characters: a vendor message shown in an error must not carry them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * A vendor's text made fit for an error message: the connection's own credentials and
 * anything that looks like a key, token or secret redacted, control characters and runs of
 * whitespace collapsed, and at most `max` characters. `patterns`: a vendor's own key formats
 * (its `SecretPattern` table), scrubbed after the generic redaction. Redaction runs before the
 * cut, so a secret cannot survive half-shown.
 */
export function sanitizeVendorText(
  text: string,
  secrets: readonly string[] = [],
  max = VENDOR_SNIPPET_CHARS,
  patterns: readonly SecretPattern[] = [],
): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  out = out.replace(NAMED_SECRET, '$1[redacted]');
  for (const pattern of TOKEN_PATTERNS)
    out = out.replace(pattern, (match) =>
      UUID.test(match) ? match : match.startsWith('Bearer') ? 'Bearer [redacted]' : '[redacted]',
    );
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  out = out.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** A short, secret-free description of an error body, for messages. */
export function describeBody(body: unknown, secrets: readonly string[] = [], max = VENDOR_SNIPPET_CHARS): string {
  if (body === null || body === undefined) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return sanitizeVendorText(text, secrets, max);
}
