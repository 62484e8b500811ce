import { HttpService } from '@nestjs/axios';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ProviderAdapter } from '@switchboard/core';
import {
  createAxiosTransport,
  createUndiciTransport,
  PooledTransport,
  PROVIDERS,
  RegisteredProviderName,
} from '@switchboard/providers';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { ConfigVariables } from '../config/config.variables';
import { CircuitBreakers } from '../routing/circuit-breakers';
import { RateBudgets } from '../routing/rate-budget/rate-budgets.service';
import { namingConnection } from './connection-errors';
import { ConnectionHealth } from './connection-health';
import { ProviderConnectionEntity } from './provider-connection.entity';
import { VendorAddressGuard } from './vendor-address-guard.service';
import { timedTransport } from './vendor-timing';

/**
 * One immutable adapter per connection, cached under id + credentials version (a changed
 * key or URL builds a new one; nothing is mutated per request).
 */
@Injectable()
export class AdapterCache implements OnApplicationShutdown {
  private readonly adapters = new Map<string, { version: string; adapter: ProviderAdapter }>();
  private readonly health = new Map<string, ConnectionHealth>();
  /**
   * Every adapter's raw transport: one keep-alive pool per vendor origin, shared by the
   * connections on that origin (undici, measured cheaper per create than axios: issue #15).
   */
  private readonly transport: PooledTransport;

  constructor(
    private readonly cipher: CredentialCipher,
    private readonly config: ConfigVariables,
    private readonly http: HttpService,
    private readonly breakers: CircuitBreakers,
    private readonly budgets: RateBudgets,
    private readonly addressGuard: VendorAddressGuard,
  ) {
    this.transport = createUndiciTransport({ defaultTimeoutMs: config.VENDOR_TIMEOUT_MS, guard: addressGuard });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  adapterFor(connection: ProviderConnectionEntity): ProviderAdapter {
    const version = `${connection.credentialsVersion}|${connection.baseUrl ?? ''}|${JSON.stringify(connection.defaults)}|${JSON.stringify(connection.rateLimits)}`;
    const cached = this.adapters.get(connection.id);
    if (cached && cached.version === version) return cached.adapter;
    // A new key, URL or defaults deserves a fresh judgement (each instance notices on its next use).
    if (cached) this.breakers.reset(connection.id);
    const registration = PROVIDERS[connection.provider as RegisteredProviderName];
    const adapter = namingConnection(
      registration.create({
        baseUrl: connection.baseUrl ?? registration.defaultBaseUrl,
        credentials: this.cipher.decryptJson(connection.credentialsEncrypted),
        defaults: connection.defaults,
        // Budget outermost: a request refused for budget never reaches the vendor, its circuit or its health figures.
        http: this.budgets.guard(
          connection,
          registration.capabilities,
          this.breakers.guard(
            connection.id,
            connection.provider,
            this.healthOf(connection.id).observe(timedTransport(this.transport)),
          ),
        ),
        now: () => new Date(),
      }),
      connection.id,
    );
    this.adapters.set(connection.id, { version, adapter });
    return adapter;
  }

  /**
   * A one-off adapter for a connection not stored yet (checking its credentials): no cache,
   * and no budget, circuit or health figures, which belong to stored connections only. A cold
   * admin path, so it goes through @nestjs/axios (the stack's HTTP client for such paths); the
   * hot paths above use the undici pool. Both transports classify failures the same way.
   */
  probeAdapter(connection: ProviderConnectionEntity): ProviderAdapter {
    const registration = PROVIDERS[connection.provider as RegisteredProviderName];
    return registration.create({
      baseUrl: connection.baseUrl ?? registration.defaultBaseUrl,
      credentials: this.cipher.decryptJson(connection.credentialsEncrypted),
      defaults: connection.defaults,
      http: timedTransport(
        createAxiosTransport(
          this.http.axiosRef as unknown as Parameters<typeof createAxiosTransport>[0],
          this.config.VENDOR_TIMEOUT_MS,
          this.addressGuard,
        ),
      ),
      now: () => new Date(),
    });
  }

  healthOf(connectionId: string): ConnectionHealth {
    let health = this.health.get(connectionId);
    if (!health) this.health.set(connectionId, (health = new ConnectionHealth()));
    return health;
  }

  forget(connectionId: string): void {
    this.adapters.delete(connectionId);
    this.health.delete(connectionId);
    this.breakers.reset(connectionId);
  }
}
