import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionFacts } from './gateway-mode';
import { decideMode, pointsAtThisMachine } from './gateway-mode';

const connection = (fields: Partial<ConnectionFacts>): ConnectionFacts => ({
  name: 'Main',
  provider: 'kalem',
  enabled: true,
  baseUrl: 'https://api.kalem.example/api/v1',
  origin: 'api',
  ...fields,
});

describe('decideMode', () => {
  it('auto with no connections at all runs the sandbox', () => {
    assert.deepEqual(decideMode('auto', []), {
      sandbox: true,
      reason: 'on (auto: no enabled connection to a real vendor)',
    });
  });

  it('auto ignores the sandbox’s own connections', () => {
    assert.equal(
      decideMode('auto', [connection({ origin: 'sandbox', baseUrl: 'http://127.0.0.1:4101/api/v1' })]).reason,
      'on (auto: no enabled connection to a real vendor)',
    );
  });

  it('auto keeps the sandbox for connections on this machine and disabled ones, and says so', () => {
    const decision = decideMode('auto', [
      connection({ name: 'Local sim', baseUrl: 'http://127.0.0.1:4101/api/v1' }),
      connection({ name: 'Docker host', baseUrl: 'http://localhost:4102' }),
      connection({ name: 'Old', enabled: false }),
    ]);
    assert.deepEqual(decision, {
      sandbox: true,
      reason: 'on (auto: no enabled connection to a real vendor; ignored 1 disabled, 2 on this machine)',
    });
  });

  it('auto turns the sandbox off for an enabled connection to a vendor off this machine, naming it', () => {
    assert.deepEqual(
      decideMode('auto', [connection({ name: 'Kalem main' }), connection({ name: 'Old', enabled: false })]),
      {
        sandbox: false,
        reason: 'off (auto: 1 enabled real connection: Kalem main (kalem))',
      },
    );
  });

  it('a connection without base_url uses the vendor’s own API, which is real', () => {
    const decision = decideMode('auto', [
      connection({ name: 'A', baseUrl: null }),
      connection({ name: 'B', provider: 'klen', baseUrl: 'http://10.0.0.5/v1' }),
    ]);
    assert.deepEqual(decision, {
      sandbox: false,
      reason: 'off (auto: 2 enabled real connections: A (kalem), B (klen))',
    });
  });

  it('on and off are taken as given', () => {
    assert.deepEqual(decideMode('on', [connection({})]), { sandbox: true, reason: 'on (SWITCHBOARD_SANDBOX=on)' });
    assert.deepEqual(decideMode('off', []), { sandbox: false, reason: 'off (SWITCHBOARD_SANDBOX=off)' });
  });
});

describe('pointsAtThisMachine', () => {
  const cases: [string | null, boolean][] = [
    ['http://127.0.0.1:4101/api/v1', true],
    ['http://127.8.9.10/', true],
    ['http://[::1]:8080/', true],
    ['http://[::ffff:127.0.0.1]/', true],
    ['http://0.0.0.0:3000/', true],
    ['http://LOCALHOST:1/', true],
    ['http://sim.localhost/', true],
    ['https://api.example.com/v1', false],
    ['http://192.168.1.20/', false],
    ['https://198.51.100.7/', false],
    [null, false],
  ];
  for (const [url, expected] of cases)
    it(`${url} → ${expected}`, () => assert.equal(pointsAtThisMachine(url), expected));
});
