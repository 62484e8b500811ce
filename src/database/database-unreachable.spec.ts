import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnreachable } from './database-unreachable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnreachable', () => {
  it('sees a refused, reset or timed-out socket, however deep it is wrapped', () => {
    assert.equal(isDatabaseUnreachable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')), true);
    assert.equal(isDatabaseUnreachable(withCode('read ECONNRESET', 'ECONNRESET')), true);
    assert.equal(isDatabaseUnreachable(new QueryFailedError('SELECT 1', [], withCode('timeout', 'ETIMEDOUT'))), true);
    assert.equal(
      isDatabaseUnreachable(new Error('Connection terminated due to connection timeout', { cause: new Error('x') })),
      true,
    );
    // Node's connect to several addresses (::1 and 127.0.0.1) fails as one AggregateError.
    assert.equal(
      isDatabaseUnreachable(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')], '')),
      true,
    );
  });

  it('sees a server shutting down, starting up, or out of connections, and every connection exception', () => {
    for (const code of ['57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', '08P01'])
      assert.equal(
        isDatabaseUnreachable(new QueryFailedError('SELECT 1', [], withCode('server said so', code))),
        true,
        code,
      );
  });

  it("sees pg's and pg-pool's own messages, which carry no code", () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
      'Query read timeout',
    ])
      assert.equal(isDatabaseUnreachable(new Error(message)), true, message);
  });

  it('leaves statement errors, bugs and non-errors alone: those stay 500', () => {
    assert.equal(
      isDatabaseUnreachable(new QueryFailedError('SELEC 1', [], withCode('syntax error at or near "SELEC"', '42601'))),
      false,
    );
    assert.equal(
      isDatabaseUnreachable(
        new QueryFailedError('INSERT', [], withCode('duplicate key value violates unique constraint', '23505')),
      ),
      false,
    );
    assert.equal(isDatabaseUnreachable(withCode('serialization failure', '40001')), false);
    assert.equal(isDatabaseUnreachable(new TypeError("Cannot read properties of undefined (reading 'id')")), false);
    assert.equal(isDatabaseUnreachable('ECONNREFUSED'), false);
    assert.equal(isDatabaseUnreachable(null), false);
  });

  it('survives a cause chain that loops', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = new Error('b', { cause: a });
    assert.equal(isDatabaseUnreachable(a), false);
  });

  it('recognises what pg itself throws at a closed port and at a server that hangs up', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const hangUp = await new Client({ host: '127.0.0.1', port, user: 'x', database: 'x' }).connect().then(
      () => null,
      (e: unknown) => e,
    );
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = await new Client({ host: '127.0.0.1', port, user: 'x', database: 'x' }).connect().then(
      () => null,
      (e: unknown) => e,
    );
    assert.equal(isDatabaseUnreachable(hangUp), true, String(hangUp));
    assert.equal(isDatabaseUnreachable(refused), true, String(refused));
  });
});
