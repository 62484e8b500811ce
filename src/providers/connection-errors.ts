import type { ProviderAdapter } from '@switchboard/core';
import { ProviderError } from '@switchboard/core';

const TARGET = Symbol('switchboard.namedAdapter');
type Named = { [TARGET]: ProviderAdapter };

/**
 * The adapter of one connection, whose failures name that connection: adapters are built per
 * vendor and never learn which connection they serve, yet an operator reading "the key was
 * refused" must know whose key. Wraps every method, async iterables included.
 */
export function namingConnection(adapter: ProviderAdapter, connectionId: string): ProviderAdapter {
  return connectionNamer(adapter, connectionId)(adapter);
}

/**
 * `namingConnection` for every adapter laid out as `sample` (the same factory's), on one
 * connection: the layout is read once, into a prototype whose getters hand out each method
 * wrapped and each value as it is; naming one more adapter is then one small frozen object,
 * where copying it wrapped every method again (a request's own adapter view is built per
 * request: src/providers/adapter-cache.service.ts). A method is wrapped when it is read,
 * as a function of its own: it may be called detached, as the copy's could.
 */
export function connectionNamer(
  sample: ProviderAdapter,
  connectionId: string,
): (adapter: ProviderAdapter) => ProviderAdapter {
  const name = (e: unknown): never => {
    if (e instanceof ProviderError) e.onConnection(connectionId);
    throw e;
  };
  const wrap =
    (adapter: ProviderAdapter, method: (...args: unknown[]) => unknown) =>
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
  // Not a Proxy: adapters are frozen, and a Proxy may not hand out other functions than a
  // frozen target's own. Adapters never change, so their layout read once stays exact.
  const prototype: PropertyDescriptorMap = {};
  for (let layer: object | null = sample; layer && layer !== Object.prototype; layer = Object.getPrototypeOf(layer)) {
    for (const key of Reflect.ownKeys(layer)) {
      if (key === 'constructor' || Object.prototype.hasOwnProperty.call(prototype, key)) continue;
      const method = typeof Reflect.get(sample, key) === 'function';
      prototype[key] = {
        enumerable: true,
        get(this: Named) {
          const adapter = this[TARGET];
          const value: unknown = Reflect.get(adapter, key);
          return method ? wrap(adapter, value as (...args: unknown[]) => unknown) : value;
        },
      };
    }
  }
  class NamedAdapter {
    readonly [TARGET]: ProviderAdapter;
    constructor(adapter: ProviderAdapter) {
      this[TARGET] = adapter;
      Object.freeze(this);
    }
  }
  Object.defineProperties(NamedAdapter.prototype, prototype);
  Object.freeze(NamedAdapter.prototype);
  return (adapter) => new NamedAdapter(adapter) as unknown as ProviderAdapter;
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
