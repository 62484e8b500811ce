import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

interface ColumnCodec {
  property: string;
  column: string;
  /** `"column"`, as SQL names it. */
  quoted: string;
  json: boolean;
  timestamp: boolean;
  from?: (value: unknown) => unknown;
  to?: (value: unknown) => unknown;
}

/**
 * Row ↔ entity conversion for hand-written SQL on the hot paths, built once from the
 * entity's TypeORM metadata so a column added by a migration and its entity is covered
 * without touching this. TypeORM's own per-statement mapping (aliasing every column, then
 * walking the aliases back) cost more than the statements themselves on the create path.
 */
export class EntityRows<T extends ObjectLiteral> {
  private readonly columns: ColumnCodec[];
  private readonly byProperty: Map<string, ColumnCodec>;
  readonly tableName: string;

  constructor(dataSource: DataSource, target: EntityTarget<T>) {
    const metadata = dataSource.getMetadata(target);
    this.tableName = metadata.tableName;
    this.columns = metadata.columns.map((c) => {
      const transformer = Array.isArray(c.transformer) ? undefined : c.transformer;
      const type = String(c.type);
      return {
        property: c.propertyName,
        column: c.databaseName,
        quoted: `"${c.databaseName}"`,
        json: type === 'jsonb' || type === 'json',
        timestamp: type === 'timestamptz' || type === 'timestamp with time zone',
        from: transformer ? (v: unknown) => transformer.from(v) : undefined,
        to: transformer ? (v: unknown) => transformer.to(v) : undefined,
      };
    });
    this.byProperty = new Map(this.columns.map((c) => [c.property, c]));
  }

  /**
   * A row as `pg` returns it; `fromJson` for a row nested in a json_agg/row_to_json, whose
   * timestamps arrive as ISO strings.
   */
  fromRow(row: Record<string, unknown>, fromJson = false): T {
    const entity: Record<string, unknown> = {};
    for (const c of this.columns) {
      let value = row[c.column];
      if (value === undefined) continue;
      if (fromJson && c.timestamp && typeof value === 'string') value = new Date(value);
      entity[c.property] = c.from ? c.from(value) : value;
    }
    return entity as T;
  }

  /**
   * Column names and parameter values of these properties (unknown properties are a bug:
   * thrown), and their `shape`: one object per list of columns, the same every time, for
   * keeping the statement texts built from it (StatementTexts).
   */
  toColumns(fields: Partial<T>): { columns: readonly string[]; values: unknown[]; shape: ColumnShape } {
    let shape = this.shapes;
    const values: unknown[] = [];
    for (const property of Object.keys(fields) as (keyof T & string)[]) {
      const raw = fields[property];
      if (raw === undefined) continue;
      const c = this.byProperty.get(property);
      if (!c) throw new Error(`${this.tableName} has no column for ${property}`);
      const value = c.to ? c.to(raw) : raw;
      shape = shape.with(c.quoted);
      // pg would send a JS array as a Postgres array: jsonb values go as JSON text.
      values.push(c.json && value !== null ? JSON.stringify(value) : value);
    }
    return { columns: shape.columns, values, shape };
  }

  private readonly shapes = new ColumnShape([]);

  /** Every column of the table, quoted, for SELECT and RETURNING lists. */
  get columnList(): string {
    return (this.columnListText ??= this.columns.map((c) => c.quoted).join(', '));
  }

  private columnListText?: string;
}

/**
 * A list of columns, in order, as a node of a tree of the lists seen so far: the same list is
 * the same object, so texts built from it can be kept by it. The tree holds one node per
 * distinct list of properties callers write (a few dozen on the hot paths).
 */
export class ColumnShape {
  private readonly next = new Map<string, ColumnShape>();

  constructor(readonly columns: readonly string[]) {
    Object.freeze(columns);
  }

  with(quoted: string): ColumnShape {
    let shape = this.next.get(quoted);
    if (!shape) this.next.set(quoted, (shape = new ColumnShape([...this.columns, quoted])));
    return shape;
  }
}
