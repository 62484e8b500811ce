import { Injectable } from '@nestjs/common';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { SECRET_PREFIX } from './signature-headers';

/**
 * The gateway-wide secret that signs deliveries to a call's own webhook_url. Derived from
 * the secret key rather than stored: every instance sharing the database already shares
 * that key, so they agree on this secret with no row to create, race on or lose, and it
 * survives restarts. Changing it means changing SWITCHBOARD_SECRET_KEY.
 */
@Injectable()
export class DefaultSigningSecret {
  readonly value: string;

  constructor(cipher: CredentialCipher) {
    this.value = SECRET_PREFIX + cipher.deriveKey('switchboard/webhooks/default-signing-secret/v1').toString('base64');
  }
}
