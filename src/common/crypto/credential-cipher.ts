import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const MARKER = 'enc:v1:';

/**
 * AES-256-GCM for secrets at rest (provider credentials). Each value gets its own random
 * nonce; the auth tag makes tampering or a wrong key fail loudly instead of yielding junk.
 * Stored as `enc:v1:<base64 nonce|tag|ciphertext>` so a future key rotation can tell
 * versions apart.
 */
export class CredentialCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('CredentialCipher needs a 32-byte key');
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return MARKER + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(MARKER)) throw new Error('Not an encrypted value');
    const raw = Buffer.from(stored.slice(MARKER.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /**
   * A key for one purpose, derived from the secret key (HKDF-SHA256): stable on every
   * instance that shares the secret key, and telling nothing about it or about other purposes.
   */
  deriveKey(purpose: string, length = 32): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, length));
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T>(stored: string): T {
    return JSON.parse(this.decrypt(stored)) as T;
  }
}
