import type { ProviderAdapter } from '@switchboard/core';
import type { ProviderConnectionEntity } from '../providers/provider-connection.entity';

/** A vendor agent the gateway created while provisioning one logical agent. */
export interface ProvisionedVendorAgent {
  connection: ProviderConnectionEntity;
  providerAgentId: string;
}

/** A vendor agent that outlived a failed provisioning: the caller must be told, since nothing else refers to it. */
export interface VendorAgentLeftBehind {
  connection_id: string;
  provider: string;
  provider_agent_id: string;
  reason: string;
}

/**
 * Removes the vendor agents of a provisioning that failed before the logical agent was
 * saved, so no vendor keeps an agent the gateway does not know. Where a vendor cannot delete
 * agents, or the delete fails, the agent is returned instead, for the error and the log.
 * Never throws: the provisioning's own error is the one the client must see.
 */
export async function undoProvisioning(
  made: readonly ProvisionedVendorAgent[],
  adapterFor: (connection: ProviderConnectionEntity) => ProviderAdapter,
): Promise<VendorAgentLeftBehind[]> {
  const left: VendorAgentLeftBehind[] = [];
  for (const { connection, providerAgentId } of made) {
    const leave = (reason: string) =>
      left.push({
        connection_id: connection.id,
        provider: connection.provider,
        provider_agent_id: providerAgentId,
        reason,
      });
    let adapter: ProviderAdapter;
    try {
      adapter = adapterFor(connection);
    } catch (error) {
      leave(`could not reach the connection to delete it: ${(error as Error).message}`);
      continue;
    }
    if (!adapter.capabilities.deleteAgent) {
      leave(`${connection.provider} cannot delete agents through its API; remove it there by hand`);
      continue;
    }
    try {
      await adapter.deleteAgent(providerAgentId);
    } catch (error) {
      leave(`the vendor refused the delete: ${(error as Error).message}`);
    }
  }
  return left;
}
