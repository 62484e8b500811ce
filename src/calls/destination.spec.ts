import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeDestination } from './destination';

describe('normalizeDestination', () => {
  it('turns common human formats into E.164', () => {
    assert.deepEqual(normalizeDestination('+1 (555) 123-4567'), { kind: 'e164', value: '+15551234567' });
    assert.deepEqual(normalizeDestination('+44 20 7183 8750'), { kind: 'e164', value: '+442071838750' });
    assert.deepEqual(normalizeDestination('0031 20 123 4567'), { kind: 'e164', value: '+31201234567' });
  });

  it("accepts the vendors' example numbers, which are possible but not valid", () => {
    assert.deepEqual(normalizeDestination('+15551234567'), { kind: 'e164', value: '+15551234567' });
    assert.deepEqual(normalizeDestination('+15550001111'), { kind: 'e164', value: '+15550001111' });
  });

  it('drops a national prefix written after the country code', () => {
    assert.deepEqual(normalizeDestination('+44 (0) 20 7183 8750'), { kind: 'e164', value: '+442071838750' });
  });

  it('accepts the numbers of regions that share their calling code with a larger one', () => {
    assert.deepEqual(normalizeDestination('+1 604 555 0199'), { kind: 'e164', value: '+16045550199' });
    assert.deepEqual(normalizeDestination('+44 1534 456789'), { kind: 'e164', value: '+441534456789' });
    assert.deepEqual(normalizeDestination('+7 701 234 5678'), { kind: 'e164', value: '+77012345678' });
  });

  it('accepts SIP URIs as they are', () => {
    assert.deepEqual(normalizeDestination('sip:1001@sip.kalem.me'), { kind: 'sip', value: 'sip:1001@sip.kalem.me' });
  });

  it('refuses what cannot be dialed', () => {
    for (const bad of [
      '5551234567',
      '+1 555',
      '+999 123',
      'hello',
      '+1555123456789012',
      'sip:nohost',
      '+1-555-abc-4567',
      '',
    ])
      assert.equal(normalizeDestination(bad), null, bad);
  });
});
