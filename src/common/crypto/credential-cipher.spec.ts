import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CredentialCipher } from './credential-cipher';

describe(CredentialCipher.name, () => {
  const sut = new CredentialCipher(randomBytes(32));

  it('round-trips a value and never stores the plaintext', () => {
    const stored = sut.encryptJson({ api_key: 'kc_live_supersecret' });
    assert.doesNotMatch(stored, /supersecret/);
    assert.deepEqual(sut.decryptJson(stored), { api_key: 'kc_live_supersecret' });
  });

  it('uses a fresh nonce for every value', () => {
    assert.notEqual(sut.encrypt('same'), sut.encrypt('same'));
  });

  it('refuses a tampered value and a wrong key', () => {
    const stored = sut.encrypt('secret');
    const raw = Buffer.from(stored.slice(7), 'base64');
    raw[raw.length - 1] ^= 1;
    assert.throws(() => sut.decrypt('enc:v1:' + raw.toString('base64')));
    assert.throws(() => new CredentialCipher(randomBytes(32)).decrypt(stored));
  });
});
