import { Injectable } from '@nestjs/common';
import { ProviderAdapter, WebhookTarget } from '@switchboard/core';
import { randomBytes } from 'node:crypto';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { ConfigVariables } from '../config/config.variables';
import { ConnectionsRepository } from './connections.repository';
import { ProviderConnectionEntity } from './provider-connection.entity';

/** Far more connections than a deployment has; only a churn of deleted ones could reach it. */
const MAX_CACHED_SECRETS = 10_000;

/**
 * Where each connection's vendor sends its webhooks, and the secret they are checked
 * against. A connection gets its secret the first time it needs one; vendors that register
 * webhooks per account (Klen) are registered once, and again when the address changes.
 */
@Injectable()
export class WebhookTargets {
  private listeningUrl: string | null = null;
  private readonly registering = new Map<string, Promise<void>>();
  // Every create and every inbound webhook asks for the secret, and decrypting it each time
  // was a measurable share of a create. Kept with the ciphertext it came from, so a
  // rotation (a new ciphertext in the row) is decrypted afresh.
  private readonly secrets = new Map<string, { stored: string; secret: string }>();

  constructor(
    private readonly config: ConfigVariables,
    private readonly connections: ConnectionsRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  /** Where this instance listens; used when no PUBLIC_URL is configured (sandbox, one machine). */
  useListeningUrl(url: string): void {
    this.listeningUrl = url;
  }

  baseUrl(): string {
    return (this.config.PUBLIC_URL ?? this.listeningUrl ?? `http://127.0.0.1:${this.config.PORT}`).replace(/\/+$/, '');
  }

  /** The secret vendors' webhooks for this connection are checked against; null before any exists. */
  secretOf(connection: ProviderConnectionEntity): string | null {
    const stored = connection.webhookSecretEncrypted;
    if (!stored) return null;
    const cached = this.secrets.get(connection.id);
    if (cached?.stored === stored) return cached.secret;
    const secret = this.cipher.decryptJson<{ secret: string }>(stored).secret;
    this.secrets.delete(connection.id);
    if (this.secrets.size >= MAX_CACHED_SECRETS) this.secrets.delete(this.secrets.keys().next().value!);
    this.secrets.set(connection.id, { stored, secret });
    return secret;
  }

  /**
   * The target to hand a `per_call` vendor on create; for `per_connection` vendors, makes
   * sure the registration exists and returns undefined (nothing travels with the call).
   */
  async forCreate(connection: ProviderConnectionEntity, adapter: ProviderAdapter): Promise<WebhookTarget | undefined> {
    if (adapter.capabilities.webhooks.registration === 'per_connection') {
      await this.ensureRegistered(connection, adapter);
      return undefined;
    }
    return this.targetOf(connection, adapter, await this.ensureSecret(connection));
  }

  private targetOf(connection: ProviderConnectionEntity, adapter: ProviderAdapter, secret: string): WebhookTarget {
    const url = `${this.baseUrl()}/webhooks/${connection.provider}/${connection.id}`;
    return { url: adapter.capabilities.webhooks.authentication === 'path_token' ? `${url}/${secret}` : url, secret };
  }

  private async ensureSecret(connection: ProviderConnectionEntity): Promise<string> {
    const existing = this.secretOf(connection);
    if (existing) return existing;
    // URL-safe, since path-token vendors carry it in the URL.
    const fresh = this.cipher.encryptJson({ secret: randomBytes(32).toString('base64url') });
    connection.webhookSecretEncrypted = await this.connections.setWebhookSecretIfUnset(connection.id, fresh);
    return this.secretOf(connection)!;
  }

  private ensureRegistered(connection: ProviderConnectionEntity, adapter: ProviderAdapter): Promise<void> {
    const url = this.targetOf(connection, adapter, '').url;
    const registered = connection.webhookRegistration;
    if (
      registered &&
      registered.url === url &&
      registered.base_url === (connection.baseUrl ?? null) &&
      this.secretOf(connection)
    )
      return Promise.resolve();
    // One registration at a time per connection on this instance; concurrent creates wait for it.
    let running = this.registering.get(connection.id);
    if (!running) {
      running = (async () => {
        const result = await adapter.registerWebhooks({ url, secret: await this.ensureSecret(connection) });
        const encrypted = this.cipher.encryptJson({ secret: result.secret });
        const registration = {
          url,
          base_url: connection.baseUrl ?? null,
          provider_registration_id: result.providerRegistrationId,
          at: new Date().toISOString(),
        };
        await this.connections.setWebhookRegistration(connection.id, encrypted, registration);
        Object.assign(connection, { webhookSecretEncrypted: encrypted, webhookRegistration: registration });
      })().finally(() => this.registering.delete(connection.id));
      this.registering.set(connection.id, running);
    }
    return running;
  }
}
