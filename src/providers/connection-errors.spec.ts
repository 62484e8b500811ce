import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderAdapter } from '@switchboard/core';
import { ProviderError } from '@switchboard/core';
import { connectionNamer, namingConnection } from './connection-errors';

const refused = () =>
  new ProviderError({ provider: 'kalem', kind: 'auth', status: 401, message: 'Kalem answered 401: Unauthenticated.' });

describe('namingConnection', () => {
  // Frozen like the real adapters; one method on a class prototype, one async iterable.
  class Base {
    readonly capabilities = { getCall: true };
    async getCall(): Promise<never> {
      throw refused();
    }
  }
  const adapter = Object.freeze(
    Object.assign(new Base(), {
      async cancelCall(): Promise<void> {},
      verifyWebhook: () => ({ ok: true }),
      async *listCallHistory(): AsyncIterable<unknown[]> {
        yield [1];
        throw refused();
      },
    }),
  ) as unknown as ProviderAdapter;
  const named = namingConnection(adapter, 'conn_a');

  it('names the connection in what any method throws, prototype methods included', async () => {
    await assert.rejects(
      named.getCall('x'),
      (e: ProviderError) => e.connectionId === 'conn_a' && /of connection conn_a/.test(e.message),
    );
  });

  it('names it in an error met while iterating', async () => {
    const seen: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const page of named.listCallHistory({})) seen.push(page);
      })(),
      (e: ProviderError) => e.connectionId === 'conn_a',
    );
    assert.deepEqual(seen, [[1]]);
  });

  it('passes values and results through unchanged', async () => {
    assert.deepEqual(named.capabilities, { getCall: true });
    assert.equal(await named.cancelCall('x'), undefined);
    assert.deepEqual(named.verifyWebhook({} as never, 's', new Date()), { ok: true });
  });
});

describe('connectionNamer', () => {
  // A factory's adapters: the same layout, each with its own state.
  const build = (tag: string) =>
    Object.freeze({
      tag,
      async getCall(): Promise<string> {
        return tag;
      },
      async cancelCall(): Promise<never> {
        throw refused();
      },
    }) as unknown as ProviderAdapter & { tag: string };

  it('names every adapter of the layout it read, each answering with its own values and methods', async () => {
    const named = connectionNamer(build('sample'), 'conn_b');
    const [one, two] = [named(build('one')), named(build('two'))] as (ProviderAdapter & { tag: string })[];
    assert.equal(one.tag, 'one');
    assert.equal(two.tag, 'two');
    assert.equal(await one.getCall('x'), 'one');
    assert.equal(await two.getCall('x'), 'two');
    await assert.rejects(two.cancelCall('x'), (e: ProviderError) => e.connectionId === 'conn_b');
    assert.ok(Object.isFrozen(one));
  });

  it('hands out methods that work detached, as a copied adapter did', async () => {
    const view = connectionNamer(build('sample'), 'conn_c')(build('three'));
    const { getCall, cancelCall } = view;
    assert.equal(await getCall('x'), 'three');
    await assert.rejects(cancelCall('x'), (e: ProviderError) => e.connectionId === 'conn_c');
    assert.deepEqual(Object.keys(view).sort(), []);
    assert.deepEqual(Object.keys(Object.getPrototypeOf(view)).sort(), ['cancelCall', 'getCall', 'tag']);
  });
});
