import type { FieldProblem } from '@switchboard/core';

const MESSAGE = 'must not contain NUL characters (\\u0000)';
const SURROGATE_MESSAGE = 'must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)';
// A surrogate half without its other half: JSON can say it (`"\ud800"`), UTF-8 and jsonb cannot.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What in a string PostgreSQL cannot store, if anything. */
const unstorable = (text: string): string | null =>
  text.includes('\u0000') ? MESSAGE : LONE_SURROGATE.test(text) ? SURROGATE_MESSAGE : null;
const printable = (field: string) =>
  field
    .replaceAll('\u0000', '\\u0000')
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/**
 * Where a NUL character or an unpaired surrogate hides in a JSON value, as `details` field
 * names (`name`, `to[1]`, `metadata.plan`). PostgreSQL text cannot hold NUL, and jsonb
 * refuses a lone surrogate, so such input is refused up front instead of failing in the
 * database (a 500). Iterative, so no nesting depth can overflow the stack.
 */
export function nulCharacterProblems(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const message = unstorable(current);
      if (message) problems.push({ field: path || 'body', message });
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]` }));
    } else if (current && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const field = path ? `${path}.${key}` : key;
        const message = unstorable(key);
        if (message) problems.push({ field: printable(field), message: `${message} in its key` });
        else stack.push({ value: item, path: field });
      }
    }
  }
  return problems.sort((a, b) => a.field.localeCompare(b.field));
}
