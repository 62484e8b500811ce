import type { AdapterFactory, ProviderCapabilities } from '@switchboard/core';
import { createHmsSovereignAdapter, HmsSovereignCapabilities } from './hmsovereign';
import { createKaiCallsAdapter, KaiCallsCapabilities } from './kaicalls';
import { createKalemAdapter, KalemCapabilities } from './kalem';
import { createKlenAdapter, KlenCapabilities } from './klen';

export interface ProviderRegistration {
  name: string;
  displayName: string;
  /** The vendor's production API root, used when a connection gives no base_url. */
  defaultBaseUrl: string;
  create: AdapterFactory;
  capabilities: ProviderCapabilities;
}

/** Each registration's `name` must be its own key: checked by the compiler here. */
type Registry<T> = { readonly [K in keyof T]: ProviderRegistration & { name: K } };
const registry = <T extends Registry<T>>(registrations: T): Readonly<T> => Object.freeze(registrations);

/** The only list of vendors in the codebase. Adding one = one folder + one line here. */
export const PROVIDERS = registry({
  kalem: {
    name: 'kalem',
    displayName: 'Kalem',
    defaultBaseUrl: 'https://kalem.me/api/v1',
    create: createKalemAdapter,
    capabilities: KalemCapabilities,
  },
  klen: {
    name: 'klen',
    displayName: 'Klen AI',
    defaultBaseUrl: 'https://api.klen.ai/api/v1',
    create: createKlenAdapter,
    capabilities: KlenCapabilities,
  },
  kaicalls: {
    name: 'kaicalls',
    displayName: 'KaiCalls',
    defaultBaseUrl: 'https://www.kaicalls.com/api/v1',
    create: createKaiCallsAdapter,
    capabilities: KaiCallsCapabilities,
  },
  hmsovereign: {
    name: 'hmsovereign',
    displayName: 'HMS Sovereign',
    defaultBaseUrl: 'https://api.hmsovereign.com/api/v1',
    create: createHmsSovereignAdapter,
    capabilities: HmsSovereignCapabilities,
  },
});

/** A vendor this build knows: a key of PROVIDERS. */
export type RegisteredProviderName = keyof typeof PROVIDERS;

export const PROVIDER_NAMES: readonly RegisteredProviderName[] = Object.freeze(
  Object.keys(PROVIDERS) as RegisteredProviderName[],
);

export function isRegisteredProvider(name: string): name is RegisteredProviderName {
  return Object.prototype.hasOwnProperty.call(PROVIDERS, name);
}
