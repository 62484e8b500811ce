import { HttpService } from '@nestjs/axios';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AdapterContext, HttpTransport, ProviderAdapter } from '@switchboard/core';
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
import { connectionNamer } from './connection-errors';
import { ConnectionHealth } from './connection-health';
import { ProviderConnectionEntity } from './provider-connection.entity';
import { VendorAddressGuard } from './vendor-address-guard.service';
import { sendGate, waitingFor } from './send-gate';
import { forRequest, timedTransport } from './vendor-timing';
import type { RequestContext } from '../common/request-context';

/**
 * JSON of a connection's settings object, kept per object when it is frozen: the connections
 * a create gets from the call-target cache share their deep-frozen settings (AgentsService),
 * so each create would otherwise serialize the same two objects again.
 */
const frozenJson = new WeakMap<object, string>();
function settingsJson(value: unknown): string {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return JSON.stringify(value) ?? '';
  let json = frozenJson.get(value);
  if (json === undefined) frozenJson.set(value, (json = JSON.stringify(value)));
  return json;
}

/**
 * One immutable adapter per connection, cached under id + credentials version (a changed
 * key or URL builds a new one; nothing is mutated per request). A request gets its own view
 * of it, the same adapter on the same transport chain but with that request's timing on
 * each vendor request (src/providers/vendor-timing.ts): building one is a factory call and
 * a method copy, far cheaper than the AsyncLocalStorage it replaces (src/common/request-context.ts).
 */
@Injectable()
export class AdapterCache implements OnApplicationShutdown {
  private readonly adapters = new Map<string, CachedAdapter>();
  private readonly views = new WeakMap<RequestContext, Map<string, ProviderAdapter>>();
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

  /**
   * The connection's adapter; within a request, that request's view of it (its vendor time
   * measured). With `sendAfter`, a view of its own whose vendor requests wait for that promise
   * once their budget is taken (src/providers/send-gate.ts).
   */
  adapterFor(
    connection: ProviderConnectionEntity,
    context?: RequestContext,
    sendAfter?: Promise<unknown>,
  ): ProviderAdapter {
    const cached = this.cached(connection);
    if (sendAfter) {
      const http = waitingFor(cached.http, sendAfter);
      return cached.build(context ? forRequest(http, context.timing) : http);
    }
    if (!context) return cached.adapter;
    let views = this.views.get(context);
    if (!views) this.views.set(context, (views = new Map()));
    let view = views.get(connection.id);
    if (!view) views.set(connection.id, (view = cached.build(forRequest(cached.http, context.timing))));
    return view;
  }

  private cached(connection: ProviderConnectionEntity): CachedAdapter {
    const version = `${connection.credentialsVersion}|${connection.baseUrl ?? ''}|${settingsJson(connection.defaults)}|${settingsJson(connection.rateLimits)}`;
    const cached = this.adapters.get(connection.id);
    if (cached && cached.version === version) return cached;
    // A new key, URL or defaults deserves a fresh judgement (each instance notices on its next use).
    if (cached) this.breakers.reset(connection.id);
    const registration = PROVIDERS[connection.provider as RegisteredProviderName];
    const options = {
      baseUrl: connection.baseUrl ?? registration.defaultBaseUrl,
      credentials: this.cipher.decryptJson<AdapterContext['credentials']>(connection.credentialsEncrypted),
      defaults: connection.defaults,
      now: () => new Date(),
    };
    // Budget outermost: a request refused for budget never reaches the vendor, its circuit or its
    // health figures. A request held for its call's row waits right below it (sendGate).
    const http = this.budgets.guard(
      connection,
      registration.capabilities,
      sendGate(
        this.breakers.guard(
          connection.id,
          connection.provider,
          this.healthOf(connection.id).observe(timedTransport(this.transport)),
        ),
      ),
    );
    const adapter = registration.create({ ...options, http });
    // Every view of this connection's adapter is laid out as this one: named by one namer.
    const named = connectionNamer(adapter, connection.id);
    const build = (transport: HttpTransport) => named(registration.create({ ...options, http: transport }));
    const entry = { version, http, build, adapter: named(adapter) };
    this.adapters.set(connection.id, entry);
    return entry;
  }

  /**
   * A one-off adapter for a connection not stored yet (checking its credentials): no cache,
   * and no budget, circuit or health figures, which belong to stored connections only. A cold
   * admin path, so it goes through @nestjs/axios (the stack's HTTP client for such paths); the
   * hot paths above use the undici pool. Both transports classify failures the same way.
   */
  probeAdapter(connection: ProviderConnectionEntity, context?: RequestContext): ProviderAdapter {
    const registration = PROVIDERS[connection.provider as RegisteredProviderName];
    const http = timedTransport(
      createAxiosTransport(
        this.http.axiosRef as unknown as Parameters<typeof createAxiosTransport>[0],
        this.config.VENDOR_TIMEOUT_MS,
        this.addressGuard,
      ),
    );
    return registration.create({
      baseUrl: connection.baseUrl ?? registration.defaultBaseUrl,
      credentials: this.cipher.decryptJson(connection.credentialsEncrypted),
      defaults: connection.defaults,
      http: context ? forRequest(http, context.timing) : http,
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

interface CachedAdapter {
  version: string;
  /** The connection's transport chain: budget, circuit, health, timing, the pool. */
  http: HttpTransport;
  build: (http: HttpTransport) => ProviderAdapter;
  adapter: ProviderAdapter;
}
