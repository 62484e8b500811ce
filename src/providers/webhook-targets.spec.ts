import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import type { ConfigVariables } from '../config/config.variables';
import type { ConnectionsRepository } from './connections.repository';
import type { ProviderConnectionEntity } from './provider-connection.entity';
import { WebhookTargets } from './webhook-targets.service';

/** A real cipher that counts how often it is asked to decrypt. */
class CountingCipher extends CredentialCipher {
  decrypts = 0;
  override decrypt(stored: string): string {
    this.decrypts++;
    return super.decrypt(stored);
  }
}

function setup() {
  const cipher = new CountingCipher(randomBytes(32));
  // secretOf reads neither the configuration nor the database.
  const sut = new WebhookTargets({} as ConfigVariables, {} as ConnectionsRepository, cipher);
  const connection = (id: string, secret: string | null) =>
    ({
      id,
      webhookSecretEncrypted: secret === null ? null : cipher.encryptJson({ secret }),
    }) as ProviderConnectionEntity;
  return { cipher, sut, connection };
}

describe('WebhookTargets.secretOf', () => {
  it('decrypts a connection secret once, however often it is asked', () => {
    const { cipher, sut, connection } = setup();
    const conn = connection('prv_a', 'first-secret');
    for (let i = 0; i < 5; i++) assert.equal(sut.secretOf({ ...conn } as ProviderConnectionEntity), 'first-secret');
    assert.equal(cipher.decrypts, 1);
  });

  it('sees a rotated secret at once: a new ciphertext is decrypted afresh', () => {
    const { sut, connection } = setup();
    assert.equal(sut.secretOf(connection('prv_a', 'first-secret')), 'first-secret');
    assert.equal(sut.secretOf(connection('prv_a', 'rotated-secret')), 'rotated-secret');
    assert.equal(sut.secretOf(connection('prv_b', 'other-secret')), 'other-secret');
    assert.equal(sut.secretOf(connection('prv_a', null)), null);
  });
});
