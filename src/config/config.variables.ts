import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import 'reflect-metadata';
import type { CreateProviderDto } from '../providers/dto/provider.dto';

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
  value === undefined || value === '' ? undefined : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

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

  @Variable({ description: 'PostgreSQL URL; unset = embedded PostgreSQL (PGlite) in SWITCHBOARD_DATA_DIR', sensitive: true })
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

  @Variable({ description: 'First admin key (scope *); unset = one is generated on first start and printed once', sensitive: true })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^sk_(live|test)_[A-Za-z0-9_-]{16,}$/, { message: 'SWITCHBOARD_ADMIN_KEY must look like sk_live_… or sk_test_… (16+ characters after the prefix)' })
  SWITCHBOARD_ADMIN_KEY?: string;

  @Variable({ description: '32-byte key (base64 or 64 hex chars) encrypting provider credentials; unset = generated into the data dir', sensitive: true })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: 'SWITCHBOARD_SECRET_KEY must be 32 bytes as 64 hex characters or base64' })
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

  @Variable({ description: 'Largest accepted request body, in bytes' })
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

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

  @Variable({ description: "The gateway's public base URL, where vendors send webhooks; unset = http://127.0.0.1:<PORT> (sandbox, one machine)" })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_URL must be an http(s) URL without query or fragment' })
  PUBLIC_URL?: string;

  @Variable({ description: 'Seconds without vendor news after which the reconciler looks a live or unconfirmed call up at its vendor' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RECONCILE_AFTER_SECONDS = 120;

  @Variable({ description: 'Seconds after a webhook ends a call before the reconciler reads it once from its vendor, for facts webhooks lack (cost, times)' })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RECONCILE_FINAL_READ_SECONDS = 5;

  @Variable({ description: 'Seconds after creation past which a call whose outcome is still unknown is settled as lost' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RECONCILE_GIVE_UP_AFTER_SECONDS = 6 * 3600;

  @Variable({ description: 'How often each instance looks for calls to reconcile, in milliseconds' })
  @Transform(toInt)
  @IsInt()
  @Min(50)
  RECONCILE_INTERVAL_MS = 5_000;

  @Variable({ description: "Client-side vendor rate budgets per connection (the vendors' documented limits, or the connection's rate_limits): on, off" })
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
