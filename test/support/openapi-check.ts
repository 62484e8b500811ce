/**
 * Just enough OpenAPI 3.0 to hold the served document to account without a new package:
 * every `$ref` resolves, and a JSON value matches a schema (type, nullable, enum, required,
 * properties, additionalProperties, items, allOf, oneOf). Formats and string lengths are not
 * checked: the point is the shape a generated client would rely on.
 */
type Schema = Record<string, any>;

export function unresolvedRefs(document: any): string[] {
  const missing: string[] = [];
  const visit = (node: unknown, at: string) => {
    if (Array.isArray(node)) node.forEach((n, i) => visit(n, `${at}[${i}]`));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && (typeof value !== 'string' || resolve(document, value) === undefined))
          missing.push(`${at}: ${String(value)}`);
        else visit(value, `${at}.${key}`);
      }
    }
  };
  visit(document, '#');
  return missing;
}

function propertiesOf(document: any, schema: Schema): Record<string, Schema> {
  if (schema.$ref) return propertiesOf(document, resolve(document, schema.$ref) ?? {});
  return {
    ...(schema.properties ?? {}),
    ...Object.assign({}, ...((schema.allOf ?? []) as Schema[]).map((part) => propertiesOf(document, part))),
  };
}

function resolve(document: any, ref: string): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .reduce<any>(
      (node, part) => (node === undefined ? undefined : node[part.replace(/~1/g, '/').replace(/~0/g, '~')]),
      document,
    );
}

/** Problems with `value` against `schema`, each as `path: what`; empty when it matches. */
export function schemaProblems(document: any, schema: Schema, value: unknown, path = '$', open = false): string[] {
  if (schema.$ref) return schemaProblems(document, resolve(document, schema.$ref) ?? {}, value, path, open);
  if (value === null)
    return schema.nullable || (schema.type === undefined && !schema.allOf && !schema.oneOf && !schema.enum)
      ? []
      : [`${path}: null but not nullable`];
  if (schema.allOf) {
    // Each part sees only its own properties; together they must cover every key.
    const problems = (schema.allOf as Schema[]).flatMap((part) => schemaProblems(document, part, value, path, true));
    if (problems.length) return problems;
    if (!open && value && typeof value === 'object' && !Array.isArray(value)) {
      const known = new Set((schema.allOf as Schema[]).flatMap((part) => Object.keys(propertiesOf(document, part))));
      const extra = Object.keys(value).filter((key) => !known.has(key));
      if (extra.length) return extra.map((key) => `${path}.${key}: not in the schema`);
    }
  }
  if (schema.oneOf) {
    const matching = (schema.oneOf as Schema[]).filter(
      (option) => schemaProblems(document, option, value, path).length === 0,
    );
    if (matching.length !== 1) return [`${path}: matches ${matching.length} of the oneOf options`];
  }
  if (schema.enum && !schema.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  switch (schema.type) {
    case undefined:
      return [];
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: expected a string, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer, got ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: expected a number, got ${JSON.stringify(value)}`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      return value.flatMap((item, i) => schemaProblems(document, schema.items ?? {}, item, `${path}[${i}]`));
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
      const record = value as Record<string, unknown>;
      const problems = ((schema.required ?? []) as string[])
        .filter((key) => !(key in record))
        .map((key) => `${path}.${key}: required but absent`);
      for (const [key, item] of Object.entries(record)) {
        const property = schema.properties?.[key];
        if (property) problems.push(...schemaProblems(document, property, item, `${path}.${key}`));
        else if (schema.properties && schema.additionalProperties === undefined && !open)
          problems.push(`${path}.${key}: not in the schema`);
        else if (typeof schema.additionalProperties === 'object')
          problems.push(...schemaProblems(document, schema.additionalProperties, item, `${path}.${key}`));
      }
      return problems;
    }
    default:
      return [`${path}: unknown schema type ${schema.type}`];
  }
}
