/**
 * Query strings with one level of brackets: `metadata[plan]=pro` becomes
 * `{ metadata: { plan: 'pro' } }` (Stripe style). Repeated plain keys become arrays.
 */
export function parseQuery(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of new URLSearchParams(raw)) {
    const nested = /^([A-Za-z_][\w]*)\[([^\[\]]{1,100})\]$/.exec(key);
    if (nested) {
      const bag = (out[nested[1]] ??= Object.create(null)) as Record<string, unknown>;
      if (typeof bag === 'object' && bag !== null && !Array.isArray(bag)) bag[nested[2]] = value;
      continue;
    }
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return { ...out };
}
