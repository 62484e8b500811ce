import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isRegisteredProvider, PROVIDER_NAMES, PROVIDERS } from './registry';

describe('provider registry', () => {
  it('lists each vendor once, under the name its adapter reports', () => {
    assert.deepEqual([...PROVIDER_NAMES].sort(), Object.keys(PROVIDERS).sort());
    for (const name of PROVIDER_NAMES) {
      const registration = PROVIDERS[name];
      const adapter = registration.create({
        baseUrl: registration.defaultBaseUrl,
        credentials: { api_key: 'unused' },
        defaults: {},
        // Building an adapter must not send anything.
        http: { request: () => Promise.reject(new Error('no request expected while building an adapter')) },
        now: () => new Date(0),
      });
      assert.equal(adapter.provider, name);
      assert.equal(adapter.capabilities, registration.capabilities);
    }
  });

  it('knows registered names only, not inherited keys', () => {
    for (const name of PROVIDER_NAMES) assert.ok(isRegisteredProvider(name));
    for (const name of ['toString', 'constructor', '__proto__', 'nobody', ''])
      assert.equal(isRegisteredProvider(name), false, name);
  });
});
