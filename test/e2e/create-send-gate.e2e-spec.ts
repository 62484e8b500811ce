import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '@switchboard/simulators/testing';
import { DataSource } from 'typeorm';
import type { Api, Sandbox } from '../support/calls';
import { configureSimulators, dialedBy, sandboxOf } from '../support/calls';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

/**
 * A create prepares its vendor request while its call's row is written and sends it only once
 * the row is committed (src/providers/send-gate.ts). Triggers on `calls`, for two numbers of
 * this spec only, make that write slow or make it fail.
 */
describe('a create sends its vendor request only once its call is stored', () => {
  let gw: TestGateway;
  let api: Api;
  let sandbox: Sandbox;
  let db: DataSource;
  const SLOW = '+14155550181';
  const FAILING = '+14155550182';

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sandbox = await sandboxOf(api);
    await configureSimulators(sandbox, { ring_ms: 3_600_000, webhooks: 'drop' });
    db = gw.gateway.app.get(DataSource);
    await db.query(`
      CREATE FUNCTION test_send_gate_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."to" = '${SLOW}' THEN PERFORM pg_sleep(0.4); END IF;
        IF NEW."to" = '${FAILING}' THEN RAISE EXCEPTION 'test_send_gate: this call cannot be stored'; END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER test_send_gate BEFORE INSERT ON calls FOR EACH ROW EXECUTE FUNCTION test_send_gate_write()`,
    );
  });
  after(async () => {
    await db.query('DROP TRIGGER test_send_gate ON calls');
    await db.query('DROP FUNCTION test_send_gate_write()');
    await gw.close();
  });

  const kalem = () => sandbox.vendors.kalem;
  const dialsTo = async (to: string) => (await dialedBy(kalem(), (c) => JSON.stringify(c).includes(to))).length;
  const create = (to: string) =>
    api.post('/v1/calls', { to, agent_id: sandbox.agentId, routing: { connections: [kalem().connectionId] } });

  it('dials after the row is committed, even when the write is slow', async () => {
    const response = create(SLOW);
    // The moment the vendor has the call, the row must already be visible to everyone.
    const rowsAtDial = await pollUntil(
      async () => ((await dialsTo(SLOW)) ? storedTo(db, SLOW) : null),
      (rows) => rows !== null,
      { timeoutMs: 10_000, intervalMs: 5, what: 'the vendor to be asked' },
    );
    assert.equal(rowsAtDial, 1);
    const created = await response;
    assert.equal(created.status, 201, created.text);
    assert.equal(await dialsTo(SLOW), 1);
  });

  it('dials nothing when the row cannot be written, and counts nothing against the connection', async () => {
    const before = (await api.get(`/v1/providers/${kalem().connectionId}`)).body.health;
    const response = await create(FAILING);
    assert.equal(response.status, 500, response.text);
    assert.equal(response.body.error.code, 'internal');
    // The response waits for the placement the failed write stopped: nothing can still be on its way.
    assert.equal(await dialsTo(FAILING), 0);
    assert.equal(await storedTo(db, FAILING), 0);
    const health = (await api.get(`/v1/providers/${kalem().connectionId}`)).body.health;
    assert.equal(health.circuit, 'closed');
    assert.deepEqual(health.last_error, before.last_error);
    // The connection goes on placing calls.
    const next = await create('+14155550183');
    assert.equal(next.status, 201, next.text);
  });
});

async function storedTo(db: DataSource, to: string): Promise<number> {
  const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM calls WHERE "to" = $1', [to])) as { n: number }[];
  return n;
}
