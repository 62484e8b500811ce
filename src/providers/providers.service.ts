import { Injectable } from '@nestjs/common';
import {
  CapabilityUnsupportedError,
  ConflictError,
  isIdOf,
  newId,
  NotFoundError,
  ProviderAdapter,
  ProviderError,
  ValidationFailedError,
} from '@switchboard/core';
import { PROVIDERS, RegisteredProviderName } from '@switchboard/providers';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { ListQueryDto, Page } from '../common/pagination';
import { CallsRepository } from '../calls/calls.repository';
import { CallSettler } from '../ledger/call-settler';
import { CircuitBreakers } from '../routing/circuit-breakers';
import { OutcomeHealth } from '../routing/outcome-health';
import { OutcomeView } from '../routing/outcome-rules';
import { RateBudgets } from '../routing/rate-budget/rate-budgets.service';
import type { RequestContext } from '../common/request-context';
import { AdapterCache } from './adapter-cache.service';
import { HealthView } from './connection-health';
import { toCapabilitiesResponse, toVendorAgentResponse, toVendorNumberResponse } from './provider-views';
import { CreateProviderDto, UpdateProviderDto } from './dto/provider.dto';
import { ConnectionsRepository } from './connections.repository';
import { ProviderConnectionEntity, SyncState } from './provider-connection.entity';
import { VendorAddressGuard } from './vendor-address-guard.service';
import { verdictOnProbe } from './credential-probe';

/** Vendor look-ups one provider deletion may spend on calls that look live. */
const STRANDED_CHECKS_PER_DELETE = 10;

export interface ConnectionResponse {
  id: string;
  object: 'provider_connection';
  provider: string;
  name: string;
  base_url: string;
  defaults: Record<string, string>;
  priority: number;
  weight: number;
  cost_per_minute: number | null;
  rate_limits: Record<string, unknown>;
  enabled: boolean;
  origin: string;
  capabilities: ReturnType<typeof toCapabilitiesResponse>;
  health: HealthView;
  /** The last history import, or null before the first. */
  sync: SyncState | null;
  created_at: string;
  updated_at: string;
}

@Injectable()
export class ProvidersService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly calls: CallsRepository,
    private readonly cipher: CredentialCipher,
    private readonly adapters: AdapterCache,
    private readonly breakers: CircuitBreakers,
    private readonly outcomes: OutcomeHealth,
    private readonly budgets: RateBudgets,
    private readonly addressGuard: VendorAddressGuard,
    private readonly settler: CallSettler,
  ) {}

  async create(dto: CreateProviderDto, origin = 'api', context?: RequestContext): Promise<ConnectionResponse> {
    await this.checkBaseUrl(dto.base_url);
    const entity = this.connections.build({
      id: newId('connection'),
      provider: dto.provider,
      name: dto.name,
      credentialsEncrypted: this.cipher.encryptJson({ ...dto.credentials }),
      credentialsVersion: 1,
      baseUrl: dto.base_url ?? null,
      defaults: { ...(dto.defaults ?? {}) },
      priority: dto.priority ?? 100,
      weight: dto.weight ?? 1,
      costPerMinute: dto.cost_per_minute ?? null,
      rateLimits: dto.rate_limits ?? {},
      enabled: dto.enabled ?? true,
      origin,
    });
    // Declared connections are not checked: a vendor down at start must not stop the gateway.
    if (origin === 'api' && dto.verify !== false) await this.verifyCredentials(entity, context);
    return this.respond(await this.connections.save(entity, context));
  }

  /** One cheap read-only request with the new credentials; what it means is `verdictOnProbe`'s. */
  private async verifyCredentials(entity: ProviderConnectionEntity, context?: RequestContext): Promise<void> {
    try {
      await this.adapters.probeAdapter(entity, context).listCalls({ limit: 1 });
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      const refusal = verdictOnProbe(e);
      if (refusal) throw refusal;
    }
  }

  /**
   * Makes the connections declared in the config file exist as declared (matched by name):
   * created, updated, credentials re-encrypted only when they changed. A declared connection
   * later removed from the file is disabled, not deleted, so its calls keep their history.
   */
  async syncDeclared(declared: CreateProviderDto[]): Promise<void> {
    const refused: string[] = [];
    for (const [i, dto] of declared.entries()) {
      const problem = dto.base_url === undefined ? null : await this.addressGuard.check(dto.base_url);
      if (problem) refused.push(`providers[${i}].base_url: ${problem.message}`);
    }
    // Like any bad setting, a refused address stops the start instead of being skipped quietly.
    if (refused.length) throw new Error(`Declared provider connections refused:\n  ${refused.join('\n  ')}`);
    const existing = await this.connections.findByOrigin('config');
    for (const dto of declared) {
      const current = existing.find((c) => c.name === dto.name && c.provider === dto.provider);
      if (!current) {
        await this.create(dto, 'config');
        continue;
      }
      const credentialsChanged =
        JSON.stringify(this.cipher.decryptJson(current.credentialsEncrypted)) !==
        JSON.stringify({ ...dto.credentials });
      Object.assign(current, {
        baseUrl: dto.base_url ?? null,
        defaults: { ...(dto.defaults ?? {}) },
        priority: dto.priority ?? 100,
        weight: dto.weight ?? 1,
        costPerMinute: dto.cost_per_minute ?? null,
        rateLimits: dto.rate_limits ?? {},
        enabled: dto.enabled ?? true,
      });
      if (credentialsChanged) {
        current.credentialsEncrypted = this.cipher.encryptJson({ ...dto.credentials });
        current.credentialsVersion += 1;
      }
      await this.connections.save(current);
    }
    const gone = existing.filter(
      (c) => !declared.some((d) => d.name === c.name && d.provider === c.provider) && c.enabled,
    );
    for (const connection of gone) await this.connections.update(connection.id, { enabled: false });
  }

  async list(query: ListQueryDto): Promise<Page<ConnectionResponse>> {
    const page = await this.connections.page(query);
    const outcomes = await this.outcomes.views(page.rows.map((c) => c.id));
    return {
      data: await Promise.all(page.rows.map((c) => this.toResponse(c, outcomes.get(c.id)!))),
      has_more: page.has_more,
      next_cursor: page.next_cursor,
    };
  }

  async get(id: string): Promise<ConnectionResponse> {
    return this.respond(await this.find(id));
  }

  async update(id: string, dto: UpdateProviderDto): Promise<ConnectionResponse> {
    const connection = await this.find(id);
    await this.checkBaseUrl(dto.base_url);
    if (dto.name !== undefined) connection.name = dto.name;
    if (dto.credentials !== undefined) {
      connection.credentialsEncrypted = this.cipher.encryptJson({ ...dto.credentials });
      connection.credentialsVersion += 1;
    }
    if (dto.base_url !== undefined) connection.baseUrl = dto.base_url;
    if (dto.defaults !== undefined) connection.defaults = { ...connection.defaults, ...dto.defaults };
    if (dto.priority !== undefined) connection.priority = dto.priority;
    if (dto.weight !== undefined) connection.weight = dto.weight;
    if (dto.cost_per_minute !== undefined) connection.costPerMinute = dto.cost_per_minute;
    if (dto.rate_limits !== undefined) connection.rateLimits = dto.rate_limits;
    if (dto.enabled !== undefined) connection.enabled = dto.enabled;
    const saved = await this.connections.save(connection);
    // A new key, URL or defaults deserves a fresh judgement (other instances reset when they rebuild the adapter).
    if (dto.credentials !== undefined || dto.base_url !== undefined || dto.defaults !== undefined)
      this.breakers.reset(id);
    return this.respond(saved);
  }

  private async checkBaseUrl(baseUrl: string | undefined): Promise<void> {
    const problem = baseUrl === undefined ? null : await this.addressGuard.check(baseUrl);
    if (problem) throw new ValidationFailedError([problem]);
  }

  /**
   * A connection with live calls stays. Calls that only look live (the vendor forgot them,
   * or never placed them) are asked about first and settled, so stale rows cannot block the
   * deletion forever; at most STRANDED_CHECKS_PER_DELETE per request, oldest first.
   */
  async remove(id: string, context?: RequestContext): Promise<void> {
    const connection = await this.find(id, context);
    const adapter = this.adapterFor(connection, context);
    await Promise.all(
      (await this.calls.activeOnConnection(id, STRANDED_CHECKS_PER_DELETE, context)).map((call) =>
        this.settler.recheck(call, adapter, { absentAs: 'not_placed', endedOnly: true }, context),
      ),
    );
    const active = await this.calls.countActiveOnConnection(id, context);
    if (active > 0)
      throw new ConflictError(
        `Connection ${id} has ${active} active call(s) its vendor still reports or cannot answer for; delete it once they have ended.`,
      );
    await this.connections.delete(connection.id, context);
    this.adapters.forget(id);
    this.outcomes.forget(id);
  }

  async vendorAgents(id: string, context?: RequestContext) {
    const { connection, adapter } = await this.withAdapter(id, context);
    this.require(connection, adapter, 'listAgents');
    return { data: (await adapter.listAgents()).map(toVendorAgentResponse) };
  }

  async vendorNumbers(id: string, context?: RequestContext) {
    const { connection, adapter } = await this.withAdapter(id, context);
    this.require(connection, adapter, 'listNumbers');
    return { data: (await adapter.listNumbers()).map(toVendorNumberResponse) };
  }

  async find(id: string, context?: RequestContext): Promise<ProviderConnectionEntity> {
    const connection = isIdOf('connection', id) ? await this.connections.find(id, context) : null;
    if (!connection) throw new NotFoundError('provider connection', id);
    return connection;
  }

  /** The connection and its adapter; within a request, the request's view (src/common/request-context.ts). */
  async withAdapter(
    id: string,
    context?: RequestContext,
  ): Promise<{ connection: ProviderConnectionEntity; adapter: ProviderAdapter }> {
    const connection = await this.find(id, context);
    return { connection, adapter: this.adapters.adapterFor(connection, context) };
  }

  adapterFor(
    connection: ProviderConnectionEntity,
    context?: RequestContext,
    sendAfter?: Promise<unknown>,
  ): ProviderAdapter {
    return this.adapters.adapterFor(connection, context, sendAfter);
  }

  private require(
    connection: ProviderConnectionEntity,
    adapter: ProviderAdapter,
    capability: 'listAgents' | 'listNumbers',
  ): void {
    if (!adapter.capabilities[capability]) throw new CapabilityUnsupportedError(connection.provider, capability);
  }

  private async respond(c: ProviderConnectionEntity): Promise<ConnectionResponse> {
    return this.toResponse(c, await this.outcomes.view(c.id));
  }

  async toResponse(c: ProviderConnectionEntity, outcomes: OutcomeView): Promise<ConnectionResponse> {
    const health = this.adapters.healthOf(c.id).view();
    // The shared budget when budgets are on; otherwise what the vendor's own headers last said.
    const rateBudget = (await this.budgets.view(c)) ?? health.rate_budget;
    const registration = PROVIDERS[c.provider as RegisteredProviderName];
    return {
      id: c.id,
      object: 'provider_connection',
      provider: c.provider,
      name: c.name,
      base_url: c.baseUrl ?? registration.defaultBaseUrl,
      defaults: c.defaults,
      priority: c.priority,
      weight: c.weight,
      cost_per_minute: c.costPerMinute,
      rate_limits: c.rateLimits,
      enabled: c.enabled,
      origin: c.origin,
      capabilities: toCapabilitiesResponse(registration.capabilities),
      health: {
        ...health,
        rate_budget: rateBudget,
        circuit: this.breakers.state(c.id),
        circuit_next_probe_at: this.breakers.nextProbeAt(c.id)?.toISOString() ?? null,
        outcomes,
      },
      sync: c.syncState ?? null,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }
}
