import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret, signatureHeaders } from './signature-headers';

describe('signatureHeaders', () => {
  const payload = JSON.stringify({ id: 'evt_1', type: 'call.created', sequence: 7 });
  const now = new Date();

  it('verifies with the Standard Webhooks library, and fails on a tampered body or another secret', () => {
    const secret = newSigningSecret();
    const headers = signatureHeaders({ id: 'evt_1', timestamp: now, payload, secrets: [secret] });
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/=]+$/);
    assert.deepEqual(new Webhook(secret).verify(payload, headers), JSON.parse(payload));
    assert.throws(() => new Webhook(secret).verify(payload.replace('7', '8'), headers));
    assert.throws(() => new Webhook(newSigningSecret()).verify(payload, headers));
  });

  it('signs with every secret during a rotation, so old and new both verify', () => {
    const [fresh, old] = [newSigningSecret(), newSigningSecret()];
    const headers = signatureHeaders({ id: 'evt_1', timestamp: now, payload, secrets: [fresh, old] });
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    new Webhook(fresh).verify(payload, headers);
    new Webhook(old).verify(payload, headers);
  });

  it('makes secrets of 32 random bytes behind whsec_', () => {
    const secret = newSigningSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32);
    assert.notEqual(secret, newSigningSecret());
  });
});
