import { CreateApiKeys1763900000000 } from './1763900000000-create-api-keys';
import { CreateProvidersAgentsCalls1763900100000 } from './1763900100000-create-providers-agents-calls';
import { CreateIdempotencyKeys1763900200000 } from './1763900200000-create-idempotency-keys';
import { CallLedgerInboundWebhooks1764000000000 } from './1764000000000-call-ledger-inbound-webhooks';
import { IdempotencyLeasesAndRouting1764100000000 } from './1764100000000-idempotency-leases-and-routing';
import { RateBudgets1764100100000 } from './1764100100000-rate-budgets';
import { WebhookDelivery1764100300000 } from './1764100300000-webhook-delivery';
import { ClosedEndReasons1764200100000 } from './1764200100000-closed-end-reasons';
import { PendingWebhooksCheck1764300000000 } from './1764300000000-pending-webhooks-check';
import { ListIndexes1764310000000 } from './1764310000000-list-indexes';
import { DropCallsCreatedAt1764320000000 } from './1764320000000-drop-calls-created-at';
import { LegacyCallIds1764330000000 } from './1764330000000-legacy-call-ids';
import { EventLogHead1764340000000 } from './1764340000000-event-log-head';
import { NumberGramsPlpgsql1764345000000 } from './1764345000000-number-grams-plpgsql';
import { CallVendorIds1764350000000 } from './1764350000000-call-vendor-ids';
import { RateBudgetRings1764400000000 } from './1764400000000-rate-budget-rings';
import { RateBudgetLeases1764500000000 } from './1764500000000-rate-budget-leases';
import { CallMetadataPairs1764600000000 } from './1764600000000-call-metadata-pairs';
import { CallByVendorId1764700000000 } from './1764700000000-call-by-vendor-id';

/** In order. Every schema change is a new file here; the app runs pending ones at start. */
export const MIGRATIONS = [
  CreateApiKeys1763900000000,
  CreateProvidersAgentsCalls1763900100000,
  CreateIdempotencyKeys1763900200000,
  CallLedgerInboundWebhooks1764000000000,
  IdempotencyLeasesAndRouting1764100000000,
  RateBudgets1764100100000,
  WebhookDelivery1764100300000,
  ClosedEndReasons1764200100000,
  PendingWebhooksCheck1764300000000,
  ListIndexes1764310000000,
  DropCallsCreatedAt1764320000000,
  LegacyCallIds1764330000000,
  EventLogHead1764340000000,
  NumberGramsPlpgsql1764345000000,
  CallVendorIds1764350000000,
  RateBudgetRings1764400000000,
  RateBudgetLeases1764500000000,
  CallMetadataPairs1764600000000,
  CallByVendorId1764700000000,
];
