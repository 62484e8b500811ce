import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { newId } from '@switchboard/core';
import { SimulatedAccount, startSimulators, stopSimulators } from '@switchboard/simulators';
import { Repository } from 'typeorm';
import { AgentBindingEntity, AgentEntity } from '../agents/agent.entity';
import { CallTargets } from '../call-targets/call-targets.service';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { GatewayMode } from '../config/gateway-mode';
import { ConnectionsRepository } from '../providers/connections.repository';
import { ProviderConnectionEntity } from '../providers/provider-connection.entity';

export const SANDBOX_AGENT_NAME = 'Sandbox agent';

/**
 * Sandbox mode: the four vendor simulators run in-process on loopback, one connection per
 * vendor points at them, and a sample agent is bound to all four, so a first call works
 * right after start. Nothing here can dial a real phone: the connections' URLs are loopback.
 */
@Injectable()
export class SandboxService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SandboxService.name);
  private accounts: SimulatedAccount[] = [];

  constructor(
    private readonly mode: GatewayMode,
    private readonly cipher: CredentialCipher,
    private readonly connections: ConnectionsRepository,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly targets: CallTargets,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.mode.sandbox) {
      // Left over from an earlier sandbox run: their simulators are gone, so never route to them.
      await this.connections.disableSandbox();
      return;
    }
    this.accounts = await startSimulators();
    const connections = [];
    for (const account of this.accounts) connections.push(await this.upsertConnection(account));
    const agent = await this.upsertAgent(connections);
    this.logger.log(
      { agent_id: agent.id, connections: connections.map((c) => `${c.provider}=${c.baseUrl}`) },
      'Sandbox mode: simulated vendors running, sample agent ready',
    );
  }

  /** The running simulators (none outside sandbox mode). */
  simulators(): { provider: string; baseUrl: string }[] {
    return this.accounts.map((a) => ({ provider: a.vendor, baseUrl: a.baseUrl }));
  }

  /** Where `provider`'s simulator listens, for its control API; null when none runs. */
  controlOrigin(provider: string): string | null {
    return this.accounts.find((a) => a.vendor === provider)?.simulator.url ?? null;
  }

  /**
   * Before the HTTP server closes: simulators still running keep sending webhooks to it, each
   * answered 503 and retried on a keep-alive socket, which holds the server's close open
   * until the socket's keep-alive timeout (72 s).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await stopSimulators(this.accounts);
    this.accounts = [];
  }

  private async upsertConnection(account: SimulatedAccount): Promise<ProviderConnectionEntity> {
    const existing = await this.connections.findSandbox(account.vendor);
    const connection =
      existing ??
      this.connections.build({
        id: newId('connection'),
        origin: 'sandbox',
        provider: account.vendor,
        priority: 100,
        weight: 1,
        rateLimits: {},
        credentialsVersion: 0,
      });
    Object.assign(connection, {
      name: `Sandbox ${account.vendor}`,
      baseUrl: account.baseUrl,
      credentialsEncrypted: this.cipher.encryptJson({ api_key: account.apiKey }),
      credentialsVersion: connection.credentialsVersion + 1,
      defaults: account.defaults,
      enabled: true,
      costPerMinute: connection.costPerMinute ?? null,
    });
    return this.connections.save(connection);
  }

  private async upsertAgent(connections: ProviderConnectionEntity[]): Promise<AgentEntity> {
    let agent = await this.agents.findOne({ where: { origin: 'sandbox' }, relations: { bindings: true } });
    if (!agent) {
      agent = this.agents.create({
        id: newId('agent'),
        name: SANDBOX_AGENT_NAME,
        systemPrompt: 'You are a friendly assistant confirming appointments.',
        firstMessage: 'Hi, this is a reminder about your appointment tomorrow.',
        voice: null,
        model: null,
        metadata: { sandbox: true },
        origin: 'sandbox',
        bindings: [],
      });
    }
    const byConnection = new Map(agent.bindings.map((b) => [b.connectionId, b]));
    for (const connection of connections) {
      if (byConnection.has(connection.id)) continue;
      const account = this.accounts.find((a) => a.vendor === connection.provider)!;
      const binding = new AgentBindingEntity();
      Object.assign(binding, {
        agentId: agent.id,
        connectionId: connection.id,
        provider: connection.provider,
        providerAgentId: account.sampleAgentId,
        origin: 'linked',
      });
      agent.bindings.push(binding);
    }
    const saved = agent;
    // Like every agent write: other instances sharing the database drop what they cached of it.
    return this.targets.change(this.agents.manager, async (tx) => ({
      result: await tx.getRepository(AgentEntity).save(saved),
      changed: [saved.id],
    }));
  }
}
