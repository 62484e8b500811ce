import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import 'reflect-metadata';
import type { CreateProviderDto } from '../providers/dto/provider.dto';
import { CONTRACT_RETRY_SCHEDULE_SECONDS } from '../delivery/retry-schedule';

export interface VariableMeta {
  description: string;
  /** Redacted from logs and from any dump of the configuration. */
  sensitive?: boolean;
}

const META = new Map<string, VariableMeta>();
/** Documents a variable; `sensitive` drives redaction. */
function Variable(meta: VariableMeta): PropertyDecorator {
  return (_target, key) => void META.set(String(key), meta);
}
export const variableMeta = (): ReadonlyMap<string, VariableMeta> => META;

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : typeof value === 'string' && /^-?\d+$/.test(value)
      ? Number(value)
      : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** A number that may not exceed another variable's (Node refuses such timeouts at start). */
function NotAbove(other: keyof ConfigVariables): PropertyDecorator {
  return ValidateBy({
    name: 'notAbove',
    validator: {
      validate: (value, args) =>
        typeof value !== 'number' || value <= Number((args?.object as Record<string, unknown>)[other]),
      defaultMessage: (args) => `${args?.property} must not be larger than ${other}`,
    },
  });
}

/**
 * Every setting of the gateway, read from the environment and, optionally, a JSON config
 * file (`SWITCHBOARD_CONFIG_FILE`); the environment wins. Validated once at start.
 */
export class ConfigVariables {
  @Variable({ description: 'HTTP port' })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Variable({ description: 'Address to listen on' })
  @IsString()
  HOST = '0.0.0.0';

  @Variable({
    description: 'PostgreSQL URL; unset = embedded PostgreSQL (PGlite) in SWITCHBOARD_DATA_DIR',
    sensitive: true,
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @Variable({ description: 'Redis URL for shared per-key rate limits; unset = in-memory', sensitive: true })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Variable({ description: 'Folder for the embedded database and generated secrets' })
  @IsString()
  @MinLength(1)
  SWITCHBOARD_DATA_DIR = './data';

  @Variable({
    description: 'First admin key (scope *); unset = one is generated on first start and printed once',
    sensitive: true,
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^sk_(live|test)_[A-Za-z0-9_-]{16,}$/, {
    message: 'SWITCHBOARD_ADMIN_KEY must look like sk_live_… or sk_test_… (16+ characters after the prefix)',
  })
  SWITCHBOARD_ADMIN_KEY?: string;

  @Variable({
    description:
      '32-byte key (base64 or 64 hex chars) encrypting provider credentials; unset = generated into the data dir',
    sensitive: true,
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'SWITCHBOARD_SECRET_KEY must be 32 bytes as 64 hex characters or base64',
  })
  SWITCHBOARD_SECRET_KEY?: string;

  @Variable({ description: 'Simulated vendors: auto (when no provider is configured), on, off' })
  @IsIn(['auto', 'on', 'off'])
  SWITCHBOARD_SANDBOX: 'auto' | 'on' | 'off' = 'auto';

  @Variable({ description: 'Path of an optional JSON config file' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  SWITCHBOARD_CONFIG_FILE?: string;

  @Variable({ description: 'Log level: fatal, error, warn, info, debug, trace, silent' })
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Variable({ description: 'Log lines: auto (readable at a terminal, JSON otherwise), json, pretty' })
  @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT: 'auto' | 'json' | 'pretty' = 'auto';

  @Variable({ description: 'Largest accepted request body, in bytes' })
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Variable({
    description:
      'Milliseconds a client has to send the request line and headers; slower clients get 408 request_timeout and the connection is closed',
  })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @NotAbove('HTTP_REQUEST_TIMEOUT_MS')
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  @Variable({
    description:
      'Milliseconds a client has to send a whole request, headers and body; slower clients get 408 request_timeout and the connection is closed. Responses (event streams) are not bounded by it',
  })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  @Variable({ description: 'Milliseconds an idle keep-alive connection stays open between requests' })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 72_000;

  @Variable({ description: 'Requests each gateway key may make per RATE_LIMIT_WINDOW_SECONDS' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_KEY = 600;

  @Variable({ description: 'Length of the per-key rate-limit window, in seconds' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  @Variable({
    description:
      "The gateway's public base URL, where vendors send webhooks; unset = http://127.0.0.1:<PORT> (sandbox, one machine)",
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'PUBLIC_URL must be an http(s) URL without query or fragment',
  })
  PUBLIC_URL?: string;

  @Variable({
    description:
      'Seconds without vendor news after which the reconciler looks a live or unconfirmed call up at its vendor',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RECONCILE_AFTER_SECONDS = 120;

  @Variable({
    description:
      'Seconds after a webhook ends a call before the reconciler reads it once from its vendor, for facts webhooks lack (cost, times)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RECONCILE_FINAL_READ_SECONDS = 5;

  @Variable({
    description: 'Seconds after creation past which a call whose outcome is still unknown is settled as lost',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RECONCILE_GIVE_UP_AFTER_SECONDS = 6 * 3600;

  @Variable({ description: 'How often each instance looks for calls to reconcile, in milliseconds' })
  @Transform(toInt)
  @IsInt()
  @Min(50)
  RECONCILE_INTERVAL_MS = 5_000;

  @Variable({
    description:
      'Milliseconds a vendor has to answer one request; a create that outlasts it is ambiguous and looked up before anything else is dialed',
  })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  VENDOR_TIMEOUT_MS = 10_000;

  @Variable({
    description:
      'Seconds an Idempotency-Key stays claimed by a request without news from it; past that (the instance died) a retry resumes the request',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  IDEMPOTENCY_LEASE_SECONDS = 30;

  @Variable({ description: 'Calls of one batch (`to` as an array) placed at the same time' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  ROUTING_BATCH_CONCURRENCY = 10;

  @Variable({
    description:
      'Milliseconds between the two vendor look-ups that must both miss a timed-out create before another vendor may dial',
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  ROUTING_ABSENT_CONFIRM_MS = 1_000;

  @Variable({ description: "Failures in a row (no response, 5xx, 408) that open a connection's circuit" })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CIRCUIT_CONSECUTIVE_FAILURES = 5;

  @Variable({
    description:
      "Share of failed requests, in percent, over CIRCUIT_SAMPLING_WINDOW_MS at or above which a connection's circuit opens",
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  CIRCUIT_FAILURE_RATE_PERCENT = 50;

  @Variable({ description: "Length of the circuit breaker's failure-rate window, in milliseconds" })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CIRCUIT_SAMPLING_WINDOW_MS = 30_000;

  @Variable({
    description:
      'Requests a connection must have made within the failure-rate window before its rate can open the circuit',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CIRCUIT_SAMPLING_MIN_REQUESTS = 10;

  @Variable({ description: 'Milliseconds an open circuit waits before letting one probe request through' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CIRCUIT_HALF_OPEN_AFTER_MS = 30_000;

  @Variable({
    description: "Seconds of recent calls over which a connection's answer and dial-failure rates are judged",
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  OUTCOME_WINDOW_SECONDS = 900;

  @Variable({
    description:
      'Dial-failure rate, in percent, at or above which a connection is demoted (routed to after healthy ones)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  OUTCOME_DEMOTE_DIAL_FAILURE_PERCENT = 50;

  @Variable({
    description: 'Finished calls in the window a connection needs before its dial-failure rate can demote it',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  OUTCOME_DEMOTE_MIN_CALLS = 10;

  @Variable({
    description: "Milliseconds a connection's call-outcome figures are reused before the ledger is asked again",
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  OUTCOME_CACHE_MS = 5_000;

  @Variable({
    description:
      'Milliseconds a call create reuses an agent with its connections when no change notice comes (changes through the gateway are seen at once on every instance); 0 reads them on every create',
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  AGENT_CACHE_TTL_MS = 10_000;

  @Variable({ description: 'Milliseconds between heartbeat comments on an open event stream (GET /v1/events/stream)' })
  @Transform(toInt)
  @IsInt()
  @Min(10)
  SSE_HEARTBEAT_MS = 15_000;

  @Variable({
    description:
      "Milliseconds an instance gathers its event commits into one NOTIFY for the other instances' streams (its own are woken at once); 0 sends each at once, folded only while one is in flight",
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000)
  EVENT_NOTICE_DELAY_MS = 20;

  @Variable({
    description:
      'Milliseconds between reads of the event log by open streams when no notification woke them (a missed notification costs at most this delay)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(50)
  SSE_POLL_INTERVAL_MS = 5_000;

  @Variable({
    description:
      'Milliseconds an event stream client may leave a full send buffer unread before it is disconnected (it resumes with Last-Event-ID)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(10)
  SSE_SLOW_CLIENT_TIMEOUT_MS = 30_000;

  @Variable({ description: 'Open event streams one gateway key may hold on one instance' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SSE_MAX_STREAMS_PER_KEY = 20;

  @Variable({
    description:
      'How often each instance looks for due webhook deliveries, in milliseconds (an append on this instance wakes it at once)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(10)
  DELIVERY_INTERVAL_MS = 250;

  @Variable({ description: 'Webhook deliveries each instance sends at the same time' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  DELIVERY_CONCURRENCY = 16;

  @Variable({ description: 'How long a consumer has to answer one delivery attempt, in milliseconds' })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DELIVERY_TIMEOUT_MS = 15_000;

  @Variable({
    description:
      'Wait before each delivery attempt, in seconds, comma-separated; its length is the number of attempts before a delivery is failed',
  })
  @Matches(/^\s*\d{1,7}(\s*,\s*\d{1,7})*\s*$/, {
    message: 'DELIVERY_RETRY_SCHEDULE_SECONDS must be whole seconds separated by commas',
  })
  DELIVERY_RETRY_SCHEDULE_SECONDS = CONTRACT_RETRY_SCHEDULE_SECONDS.join(',');

  @Variable({
    description: 'An endpoint whose every delivery attempt failed for this many seconds is disabled (default 5 days)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_DISABLE_AFTER_SECONDS = 5 * 86_400;

  @Variable({
    description:
      'Outside sandbox mode: host names, addresses or CIDR ranges webhooks may go to although they are loopback or private, comma-separated',
  })
  @IsString()
  WEBHOOK_ALLOWED_HOSTS = '';

  @Variable({
    description:
      "Outside sandbox mode: host names, addresses or CIDR ranges a connection's base_url may point at although they are loopback or private, comma-separated",
  })
  @IsString()
  PROVIDER_ALLOWED_HOSTS = '';

  @Variable({
    description:
      'Who may read /metrics: key (a gateway key with metrics:read or *), public (anyone who reaches the port), off (404)',
  })
  @IsIn(['key', 'public', 'off'])
  METRICS_ACCESS: 'key' | 'public' | 'off' = 'key';

  @Variable({
    description:
      "Client-side vendor rate budgets per connection (the vendors' documented limits, or the connection's rate_limits): on, off",
  })
  @IsIn(['on', 'off'])
  VENDOR_RATE_BUDGETS: 'on' | 'off' = 'on';

  /** Connections declared in the config file (not an environment variable). */
  providers: CreateProviderDto[] = [];

  @Variable({ description: 'Seconds to wait for in-flight requests on SIGTERM before closing anyway' })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_SECONDS = 10;
}
