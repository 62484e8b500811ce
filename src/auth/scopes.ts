import { SetMetadata } from '@nestjs/common';

export const SCOPES = [
  'calls:read',
  'calls:write',
  'agents:read',
  'agents:write',
  'events:read',
  'webhooks:write',
  'providers:read',
  'providers:write',
  'keys:write',
  'metrics:read',
  '*',
] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPES_METADATA = 'switchboard:scopes';
export const PUBLIC_METADATA = 'switchboard:public';

/** The scope a route needs; a key with `*` has every scope. */
export const Scopes = (...scopes: Scope[]) => SetMetadata(SCOPES_METADATA, scopes);
/** A route that needs no gateway key (health, metrics, docs, vendor webhooks). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

export function hasScope(granted: readonly string[], required: string): boolean {
  return granted.includes('*') || granted.includes(required);
}

/**
 * The first of `scopes` that `holder` lacks, or undefined. A key may create or revoke only
 * keys within its own scopes, so keys:write is never a path to `*` nor a way to lock it out.
 */
export function scopeBeyond(holder: readonly string[], scopes: readonly string[]): string | undefined {
  return scopes.find((scope) => !hasScope(holder, scope));
}
