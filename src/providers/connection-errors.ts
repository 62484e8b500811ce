import type { ProviderAdapter } from '@switchboard/core';
import { ProviderError } from '@switchboard/core';

/**
 * The adapter of one connection, whose failures name that connection: adapters are built per
 * vendor and never learn which connection they serve, yet an operator reading "the key was
 * refused" must know whose key. Wraps every method once, async iterables included.
 */
export function namingConnection(adapter: ProviderAdapter, connectionId: string): ProviderAdapter {
  const name = (e: unknown): never => {
    if (e instanceof ProviderError) e.onConnection(connectionId);
    throw e;
  };
  const wrap =
    (method: (...args: unknown[]) => unknown) =>
    (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = method.apply(adapter, args);
      } catch (e) {
        return name(e);
      }
      if (result instanceof Promise) return result.catch(name);
      if (isAsyncIterable(result)) return namingIterable(result, name);
      return result;
    };
  // A copy, not a Proxy: adapters are frozen, and a Proxy may not hand out other functions
  // than a frozen target's own. Adapters never change, so copying their values once is exact.
  const copy: Record<PropertyKey, unknown> = {};
  for (let layer: object | null = adapter; layer && layer !== Object.prototype; layer = Object.getPrototypeOf(layer)) {
    for (const key of Reflect.ownKeys(layer)) {
      if (key === 'constructor' || Object.prototype.hasOwnProperty.call(copy, key)) continue;
      const value: unknown = Reflect.get(adapter, key);
      copy[key] = typeof value === 'function' ? wrap(value as (...args: unknown[]) => unknown) : value;
    }
  }
  return Object.freeze(copy) as unknown as ProviderAdapter;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}

async function* namingIterable<T>(source: AsyncIterable<T>, name: (e: unknown) => never): AsyncIterable<T> {
  try {
    yield* source;
  } catch (e) {
    name(e);
  }
}
