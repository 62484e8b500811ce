import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeID } from 'typeid-js';
import { newCallEntity } from './call-factory';

/** The millisecond time inside a typeid's UUIDv7. */
const idTime = (id: string) => parseInt(TypeID.fromString(id).toUUID().replace(/-/g, '').slice(0, 12), 16);

describe('newCallEntity', () => {
  const origin = {
    direction: 'outbound' as const,
    provider: 'kalem',
    connectionId: 'con_01h455vb4pex5vsknk084sn02q',
    agentId: null,
    to: '+14155550100',
    from: null,
  };

  it('mints the id at created_at, whether that is now, a given time, or the origin’s own', () => {
    const before = Date.now();
    const placed = newCallEntity(origin);
    assert.equal(idTime(placed.id), placed.createdAt.getTime());
    assert.ok(placed.createdAt.getTime() >= before);

    const imported = newCallEntity(origin, new Date('2025-06-01T12:00:00.007Z'));
    assert.equal(idTime(imported.id), Date.parse('2025-06-01T12:00:00.007Z'));

    const told = newCallEntity({ ...origin, createdAt: new Date('2025-05-01T00:00:00.001Z') });
    assert.equal(told.createdAt.toISOString(), '2025-05-01T00:00:00.001Z');
    assert.equal(idTime(told.id), told.createdAt.getTime());
  });
});
