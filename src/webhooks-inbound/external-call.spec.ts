import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeID } from 'typeid-js';
import type { ProviderConnectionEntity } from '../providers/provider-connection.entity';
import { externalCall } from './external-call';

/** The millisecond time inside a typeid's UUIDv7. */
const idTime = (id: string) => parseInt(TypeID.fromString(id).toUUID().replace(/-/g, '').slice(0, 12), 16);

describe('externalCall', () => {
  const connection = { id: 'con_01h455vb4pex5vsknk084sn02q', provider: 'kalem' } as ProviderConnectionEntity;
  const observation = (over: { createdAt?: string; occurredAt?: string | null }) => ({
    eventType: 'call.ended',
    occurredAt: over.occurredAt ?? null,
    providerCallId: 'v-1',
    reference: null,
    call: { to: '+14155550100', ...(over.createdAt ? { createdAt: over.createdAt } : {}) },
  });
  const receivedAt = new Date('2026-03-05T00:00:00.000Z');

  it("mints the id at the vendor's created time, so the list's id order and created_at agree", () => {
    const call = externalCall(connection, observation({ createdAt: '2026-03-01T10:00:00.250Z' }), receivedAt);
    assert.equal(call.createdAt.toISOString(), '2026-03-01T10:00:00.250Z');
    assert.equal(idTime(call.id), call.createdAt.getTime());
    assert.equal(call.updatedAt.getTime(), receivedAt.getTime());
  });

  it("falls back to the event's time, then to when it was received, for both", () => {
    const byEvent = externalCall(connection, observation({ occurredAt: '2026-03-02T00:00:00.000Z' }), receivedAt);
    assert.equal(idTime(byEvent.id), Date.parse('2026-03-02T00:00:00.000Z'));
    assert.equal(byEvent.createdAt.getTime(), Date.parse('2026-03-02T00:00:00.000Z'));
    const byReceipt = externalCall(connection, observation({}), receivedAt);
    assert.equal(idTime(byReceipt.id), receivedAt.getTime());
    assert.equal(byReceipt.createdAt.getTime(), receivedAt.getTime());
  });
});
