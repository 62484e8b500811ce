import { FieldProblem } from '@switchboard/core';

const MESSAGE = 'must not contain NUL characters (\\u0000)';

/**
 * Where a NUL character hides in a JSON value, as `details` field names (`name`, `to[1]`,
 * `metadata.plan`). PostgreSQL text cannot hold NUL, so such input is refused up front
 * instead of failing in the database. Iterative, so no nesting depth can overflow the stack.
 */
export function nulCharacterProblems(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) problems.push({ field: path || 'body', message: MESSAGE });
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]` }));
    } else if (current && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const field = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) problems.push({ field: field.replaceAll('\u0000', '\\u0000'), message: `${MESSAGE} in its key` });
        else stack.push({ value: item, path: field });
      }
    }
  }
  return problems.sort((a, b) => a.field.localeCompare(b.field));
}
