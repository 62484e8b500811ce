const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** How deep a request body's objects and arrays may nest; `{}` is one level. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text nests objects and arrays deeper than `max` levels. It reads the
 * bytes once with a counter, so no input can overflow the stack here — the parser itself
 * is iterative, but what walks a parsed value afterwards (validation, transformation) is
 * not. Working on bytes is exact for UTF-8: quotes, backslashes and brackets are ASCII,
 * and no byte of a multi-byte character is ever in the ASCII range. Malformed text may
 * count oddly, but the parser refuses it anyway.
 */
export function nestsDeeperThan(json: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
