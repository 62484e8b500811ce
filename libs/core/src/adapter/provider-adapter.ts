import type {
  AgentSpec,
  ControlAction,
  ControlInput,
  CreateCallInput,
  CreateCallResult,
  ListProviderCallsQuery,
  ProviderCall,
  ProviderName,
  VendorAgent,
  VendorNumber,
} from '../calls/call.types';
import type {
  InboundWebhookRequest,
  ParsedWebhook,
  WebhookCapabilities,
  WebhookRegistration,
  WebhookTarget,
  WebhookVerification,
} from '../webhooks/inbound-webhook';
import type { RateLimitWindow, VendorOperation } from './rate-limits';

/**
 * What a vendor really offers. The gateway never branches on a vendor's name: it asks this
 * table, and a missing capability becomes `422 capability_unsupported`.
 */
export interface ProviderCapabilities {
  getCall: boolean;
  listCalls: boolean;
  /** Ending a live call through the API. */
  cancelCall: boolean;
  /** Removing a finished call's record at the vendor. */
  deleteCall: boolean;
  /** Live control actions the vendor accepts. */
  control: readonly ControlAction[];
  listAgents: boolean;
  createAgent: boolean;
  updateAgent: boolean;
  /** Removing a vendor agent; the gateway uses it to undo a provisioning that failed midway. */
  deleteAgent: boolean;
  listNumbers: boolean;
  /** Accepts `sip:` URIs as destinations. */
  sipDestinations: boolean;
  /** Honours a per-call `record` switch. */
  recordingToggle: boolean;
  /** How the vendor's webhooks reach and are proven to the gateway. */
  webhooks: WebhookCapabilities;
  /**
   * The vendor's documented per-key limits, which the gateway keeps client-side for each
   * connection (a connection's `rate_limits` may override them). Limits the gateway cannot
   * key on a connection (per call, per calendar feature it never uses) are left out.
   */
  rateLimits: readonly RateLimitWindow[];
}

/** Everything an adapter needs, given from outside so tests and sandbox change only the URL. */
export interface AdapterContext {
  baseUrl: string;
  credentials: { api_key: string } & Record<string, string>;
  /** Connection defaults: caller number, number and trunk ids the vendor needs on create. */
  defaults: { from?: string; number_id?: string; trunk_id?: string };
  http: HttpTransport;
  /** Wall clock, injectable for tests. */
  now: () => Date;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  timeoutMs?: number;
  /** What the request does, for the vendor's per-operation rate limits (GETs count as reads). */
  operation?: VendorOperation;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, the text otherwise, null when empty. */
  body: unknown;
}

/**
 * The one HTTP seam. Resolves for every HTTP status (adapters map vendor errors themselves);
 * rejects only when no response came, with `sent` telling whether the request left.
 */
export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export class TransportError extends Error {
  constructor(
    message: string,
    /** True when the request was written before the failure: the vendor may have acted on it. */
    readonly sent: boolean,
    readonly reason: 'timeout' | 'refused' | 'reset' | 'other',
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface ProviderAdapter {
  readonly specificationVersion: 'v1';
  readonly provider: ProviderName;
  readonly capabilities: ProviderCapabilities;
  createCall(input: CreateCallInput): Promise<CreateCallResult>;
  getCall(providerCallId: string): Promise<ProviderCall>;
  /** Recent calls, newest first; used to settle ambiguous creates. */
  listCalls(query: ListProviderCallsQuery): Promise<ProviderCall[]>;
  /**
   * The account's whole call history (created after `createdAfter` when given), one vendor
   * page per iteration in the vendor's own pagination, until the vendor has no more. Each
   * page costs one vendor request; the consumer decides how fast to pull. Used by history sync.
   */
  listCallHistory(query: { createdAfter?: Date }): AsyncIterable<ProviderCall[]>;
  cancelCall(providerCallId: string): Promise<void>;
  deleteCall(providerCallId: string): Promise<void>;
  controlCall(providerCallId: string, input: ControlInput): Promise<void>;
  listAgents(): Promise<VendorAgent[]>;
  createAgent(spec: AgentSpec): Promise<VendorAgent>;
  updateAgent(providerAgentId: string, spec: AgentSpec): Promise<VendorAgent>;
  deleteAgent(providerAgentId: string): Promise<void>;
  listNumbers(): Promise<VendorNumber[]>;
  /**
   * Checks that a webhook comes from the vendor, against the connection's secret, in
   * constant time. Pure: no I/O; `now` bounds timestamped signatures.
   */
  verifyWebhook(request: InboundWebhookRequest, secret: string, now: Date): WebhookVerification;
  /** A verified webhook → what it says about which call. Pure; never throws. */
  parseWebhook(request: InboundWebhookRequest): ParsedWebhook;
  /**
   * `per_connection` vendors: registers the gateway's URL for every call event and returns
   * the secret the vendor will sign with. `per_call` vendors reject with CapabilityUnsupported.
   */
  registerWebhooks(target: WebhookTarget): Promise<WebhookRegistration>;
}

export type AdapterFactory = (context: AdapterContext) => ProviderAdapter;
