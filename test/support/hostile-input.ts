/**
 * Seeded generators of hostile request parts for the fuzz suite: ids, query values and JSON
 * bodies built from an operation's OpenAPI schema and then broken. One seed gives one
 * sequence of requests, so a failure reproduces with FUZZ_SEED=<seed>.
 */

/** mulberry32: tiny, fast, and the same sequence on every machine for one seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** A JSON token written as is: numbers JSON.stringify cannot produce (`1e309`). */
export class RawToken {
  constructor(readonly text: string) {}
}

/** JSON.stringify that writes RawTokens verbatim and keeps `__proto__` as an own key. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawToken) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** An object literal whose keys may include `__proto__` as data, not as the prototype. */
export function ownKeys(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '😀'.repeat(64),
  'a'.repeat(10_000),
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%00',
  '${jndi:ldap://127.0.0.1/x}',
  '__proto__',
  'constructor',
  '\u202eevil',
  'line\r\nX-Injected: 1',
  'null',
  'NaN',
  '-1',
  '1e309',
  '+1555010',
  'sip:',
  'http://[::1',
  '\\',
  '\u{10FFFF}',
];

export const HOSTILE_NUMBERS: readonly unknown[] = [
  0,
  -1,
  -0,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  1e21,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  new RawToken('1e309'),
  new RawToken('-1e309'),
  new RawToken('123456789012345678901234567890'),
  new RawToken('1e-400'),
];

/** Arrays and objects nested `levels` deep: within the gateway's bound, and past it. */
export const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

export const PROTOTYPE_KEYS: readonly Record<string, unknown>[] = [
  ownKeys([['__proto__', { polluted: true, admin: true }]]),
  ownKeys([['constructor', { prototype: { polluted: true } }]]),
  ownKeys([
    ['__proto__', { scopes: ['*'] }],
    ['name', 'x'],
  ]),
  ownKeys([['prototype', { polluted: true }]]),
];

/** A deep copy that keeps RawTokens and `__proto__` keys, so mutations never touch shared values. */
export function copyOf(value: unknown): unknown {
  if (value instanceof RawToken || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyOf);
  return ownKeys(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
}

/** Any JSON value, chosen to be wrong for most fields; a fresh copy each time. */
export function hostileValue(rng: Rng): unknown {
  return copyOf(pickHostile(rng));
}

function pickHostile(rng: Rng): unknown {
  switch (rng.int(8)) {
    case 0:
    case 1:
      return rng.pick(HOSTILE_STRINGS);
    case 2:
      return rng.pick(HOSTILE_NUMBERS);
    case 3:
      return rng.pick([true, false, null, [], {}]);
    case 4:
      return nested(rng.pick([10, 40, 62, 70]));
    case 5:
      return rng.pick(PROTOTYPE_KEYS);
    case 6:
      return Array.from({ length: rng.pick([2, 50, 1000]) }, () => rng.pick(HOSTILE_STRINGS.slice(0, 8)));
    default:
      return [rng.pick(HOSTILE_STRINGS), rng.pick(HOSTILE_NUMBERS)];
  }
}

/** Path segments: junk, ids of the wrong type or unknown, encoded NUL and lone surrogates, overlong. */
export const HOSTILE_IDS: readonly string[] = [
  'x',
  '0',
  '-1',
  '1e309',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'agt_',
  'call_01h455vb4pex5vsknk084sn02q',
  'agt_01h455vb4pex5vsknk084sn02q',
  'con_01h455vb4pex5vsknk084sn02q',
  'whe_01h455vb4pex5vsknk084sn02q',
  'evt_01h455vb4pex5vsknk084sn02q',
  'key_01h455vb4pex5vsknk084sn02q',
  'call_zzzzzzzzzzzzzzzzzzzzzzzzzz',
  'CALL_01H455VB4PEX5VSKNK084SN02Q',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '%E0%A4%A',
  '%2e%2e%2f%2e%2e%2fetc',
  '%20',
  '%25',
  "'%20OR%201=1",
  'a'.repeat(100),
  'a'.repeat(101),
  'a'.repeat(4000),
];

const QUERY_VALUES: readonly string[] = [
  '',
  '%00',
  '%ED%A0%80',
  '%F0%9F',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'NaN',
  'true',
  'null',
  '__proto__',
  'a'.repeat(3000),
  '2026-13-45T99:99:99Z',
  'call.*,,,',
  '%2C%2C',
  "'%3B%20DROP%20TABLE%20calls",
];

/** A query string for an operation's declared parameters, with hostile values and extra keys. */
export function hostileQuery(rng: Rng, names: readonly string[]): string {
  const parts: string[] = [];
  for (const name of names) if (rng.chance(0.4)) parts.push(`${name}=${rng.pick(QUERY_VALUES)}`);
  if (names.length && rng.chance(0.2)) {
    const name = rng.pick(names);
    parts.push(`${name}=${rng.pick(QUERY_VALUES)}`, `${name}=${rng.pick(QUERY_VALUES)}`);
  }
  if (rng.chance(0.25))
    parts.push(
      rng.pick([
        '__proto__[polluted]=1',
        'constructor[prototype][polluted]=1',
        '__proto__=1',
        'metadata[__proto__]=x',
        'metadata[a][b]=c',
        `${rng.pick(['unknown', 'a'.repeat(500), '%00'])}=1`,
        'limit[]=1',
      ]),
    );
  if (!parts.length) parts.push(`${names.length ? rng.pick(names) : 'x'}=${rng.pick(QUERY_VALUES)}`);
  return parts.join('&');
}

type Schema = Record<string, any>;

/**
 * A plausible value for a schema, using `known` for fields that must name real things
 * (an agent id, a phone number) so that the mutations, not the base, decide the outcome.
 */
export function sampleOf(
  schema: Schema | undefined,
  rng: Rng,
  resolve: (ref: string) => Schema,
  known: Record<string, unknown>,
  name = '',
  depth = 0,
): unknown {
  if (!schema || depth > 6) return null;
  if (schema.$ref) return sampleOf(resolve(schema.$ref), rng, resolve, known, name, depth);
  if (name in known) return copyOf(known[name]);
  const variants = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (variants) return sampleOf(rng.pick(variants as Schema[]), rng, resolve, known, name, depth + 1);
  if (schema.enum) return rng.pick(schema.enum as unknown[]);
  if (schema.example !== undefined && rng.chance(0.5)) return schema.example;
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set<string>(schema.required ?? []);
      for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Schema>))
        if (required.has(key) || rng.chance(0.5)) out[key] = sampleOf(prop, rng, resolve, known, key, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: 1 + rng.int(2) }, () => sampleOf(schema.items, rng, resolve, known, name, depth + 1));
    case 'integer':
      return Math.max(schema.minimum ?? 0, Math.min(schema.maximum ?? 10, 1));
    case 'number':
      return 1.5;
    case 'boolean':
      return rng.chance(0.5);
    case 'string':
      return schema.format === 'date-time' ? '2026-01-01T00:00:00.000Z' : `fuzz ${name || 'value'}`;
    default:
      return 'fuzz';
  }
}

/** The body with one to three values, anywhere in it, replaced by hostile ones (or keys added). */
export function mutate(body: unknown, rng: Rng): unknown {
  const copy = copyOf(body);
  const times = 1 + rng.int(3);
  for (let i = 0; i < times; i++) {
    const slots = slotsOf(copy);
    if (!slots.length || rng.chance(0.15)) {
      if (copy && typeof copy === 'object' && !Array.isArray(copy))
        Object.defineProperty(
          copy,
          rng.pick(['__proto__', 'constructor', 'unknown_field', 'a'.repeat(300), 'x\u0000y', '\ud800']),
          { value: hostileValue(rng), enumerable: true, writable: true, configurable: true },
        );
      continue;
    }
    const [parent, key] = rng.pick(slots);
    (parent as Record<string | number, unknown>)[key] = hostileValue(rng);
  }
  return copy;
}

function slotsOf(root: unknown): [object, string | number][] {
  const out: [object, string | number][] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || node instanceof RawToken) continue;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      out.push([node, key]);
      stack.push((node as Record<string | number, unknown>)[key]);
    }
  }
  return out;
}

export interface BodyVariant {
  contentType?: string;
  body: string | Buffer;
}

/** How the body travels: JSON as it should, or wrongly typed, malformed, badly encoded, too deep. */
export function bodyVariant(value: unknown, rng: Rng): BodyVariant {
  const json = toJsonText(value);
  switch (rng.int(14)) {
    case 0:
      return {
        contentType: rng.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/json-patch+json',
        ]),
        body: json,
      };
    case 1:
      return { body: json };
    case 2:
      return {
        contentType: 'application/json',
        body: rng.pick([
          '{',
          '{"a":}',
          '{"a":1,}',
          "{'a':1}",
          'nul',
          '\u0000',
          '{"a":"\\ud800"}',
          '{"a":"\\u0000"}',
          '{"a": 1} trailing',
          '',
        ]),
      };
    case 3:
      return {
        contentType: 'application/json',
        body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
      };
    case 4:
      return {
        contentType: 'application/json',
        body: toJsonText(rng.pick(['str', 1, null, true, [1, 2], new RawToken('1e309')])),
      };
    case 5:
      return { contentType: 'application/json', body: `{"a":${'['.repeat(3000)}${']'.repeat(3000)}}` };
    case 6:
      return {
        contentType: rng.pick([
          'application/json; charset=utf-16',
          'APPLICATION/JSON',
          'application/json;;',
          'application/json\u0001',
        ]),
        body: json,
      };
    case 7:
      return { contentType: 'application/json', body: `\ufeff${json}` };
    default:
      return { contentType: 'application/json', body: json };
  }
}
