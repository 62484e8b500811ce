import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderAdapter } from '@switchboard/core';
import { ProviderError } from '@switchboard/core';
import { namingConnection } from './connection-errors';

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
