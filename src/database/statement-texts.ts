/** What a statement text is built from: shapes, numbers, flags and strings that are themselves kept texts or short. */
export type TextPart = object | string | number | boolean | undefined;

/**
 * Statement texts kept by what they are built from, so a hot path gets the very same string
 * instance every time instead of rebuilding kilobytes of SQL per request. Beyond the building,
 * a fresh text is flattened, hashed and compared in full as the prepared-statement Map's key
 * (statementName) and again by `pg` against the text it prepared; the kept instance has its
 * hash already and compares by identity. The parts must be everything the text depends on.
 * Capped like the prepared statements: past `max` texts, texts are built and not kept.
 */
export class StatementTexts {
  private readonly root: TextNode = { next: new Map() };
  private kept = 0;

  constructor(private readonly max = 512) {}

  get(parts: readonly TextPart[], build: () => string): string {
    const full = this.kept >= this.max;
    let node = this.root;
    for (const part of parts) {
      let next = node.next.get(part);
      if (!next) {
        if (full) return build();
        node.next.set(part, (next = { next: new Map() }));
      }
      node = next;
    }
    if (node.text === undefined) {
      const text = build();
      if (full) return text;
      node.text = text;
      this.kept++;
    }
    return node.text;
  }
}

/** One part of the way to a text; a text's parts may be the start of another's. */
interface TextNode {
  text?: string;
  next: Map<TextPart, TextNode>;
}
