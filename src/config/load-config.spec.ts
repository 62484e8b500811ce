import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, redactedConfig } from './load-config';

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const sut = loadConfig({});
    assert.equal(sut.PORT, 3000);
    assert.equal(sut.SWITCHBOARD_DATA_DIR, './data');
    assert.equal(sut.SWITCHBOARD_SANDBOX, 'auto');
    assert.equal(sut.DATABASE_URL, undefined);
    assert.equal(sut.BODY_LIMIT_BYTES, 1048576);
    assert.equal(sut.VENDOR_RATE_BUDGETS, 'on');
  });

  it('turns vendor rate budgets off only when asked, and refuses other values', () => {
    assert.equal(loadConfig({ VENDOR_RATE_BUDGETS: 'off' }).VENDOR_RATE_BUDGETS, 'off');
    assert.throws(() => loadConfig({ VENDOR_RATE_BUDGETS: 'false' }), /VENDOR_RATE_BUDGETS/);
  });

  it('bounds receiving a request by default, and refuses a headers timeout longer than the request timeout', () => {
    const sut = loadConfig({});
    assert.deepEqual(
      [sut.HTTP_HEADERS_TIMEOUT_MS, sut.HTTP_REQUEST_TIMEOUT_MS, sut.HTTP_KEEP_ALIVE_TIMEOUT_MS],
      [10_000, 30_000, 72_000],
    );
    assert.equal(
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '2000' }).HTTP_HEADERS_TIMEOUT_MS,
      2000,
    );
    assert.throws(
      () => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '2000' }),
      /HTTP_HEADERS_TIMEOUT_MS must not be larger than HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it('lists every bad variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', SWITCHBOARD_SANDBOX: 'maybe', DATABASE_URL: 'mysql://x' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.problems.length, 3);
        assert.match(e.message, /PORT/);
        assert.match(e.message, /SWITCHBOARD_SANDBOX/);
        assert.match(e.message, /DATABASE_URL/);
        return true;
      },
    );
  });

  it('reads a JSON file, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
    const file = join(dir, 'switchboard.json');
    writeFileSync(file, JSON.stringify({ PORT: 4000, LOG_LEVEL: 'debug' }));
    const sut = loadConfig({ SWITCHBOARD_CONFIG_FILE: file, LOG_LEVEL: 'warn' });
    assert.equal(sut.PORT, 4000);
    assert.equal(sut.LOG_LEVEL, 'warn');
  });

  it('refuses a missing config file', () => {
    assert.throws(() => loadConfig({ SWITCHBOARD_CONFIG_FILE: '/nope/none.json' }), ConfigError);
  });

  it('masks sensitive values when dumped', () => {
    const dump = redactedConfig(
      loadConfig({ DATABASE_URL: 'postgres://u:secret@h/db', SWITCHBOARD_ADMIN_KEY: 'sk_live_abcdefghijklmnopqrstu' }),
    );
    assert.equal(dump.DATABASE_URL, '[redacted]');
    assert.equal(dump.SWITCHBOARD_ADMIN_KEY, '[redacted]');
    assert.equal(dump.PORT, 3000);
    assert.doesNotMatch(JSON.stringify(dump), /secret|abcdefghij/);
  });
});

describe('loadConfig: provider connections declared in the file', () => {
  const write = (content: unknown) => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-config-')), 'switchboard.json');
    writeFileSync(file, JSON.stringify(content));
    return file;
  };

  it('reads them, filling ${VAR} from the environment', () => {
    const file = write({
      providers: [
        {
          provider: 'kalem',
          name: 'Kalem prod',
          credentials: { api_key: '${KALEM_KEY}' },
          defaults: { number_id: '7', trunk_id: '2' },
          priority: 1,
        },
      ],
    });
    const sut = loadConfig({ SWITCHBOARD_CONFIG_FILE: file, KALEM_KEY: '1|secret' });
    assert.equal(sut.providers.length, 1);
    assert.equal(sut.providers[0].credentials.api_key, '1|secret');
    assert.equal(sut.providers[0].defaults?.trunk_id, '2');
  });

  it('lists every bad declaration, without echoing secrets', () => {
    const file = write({
      providers: [
        { provider: 'nope', name: 'a', credentials: { api_key: 'x' } },
        { provider: 'klen', name: 'b', credentials: { api_key: '${MISSING_KEY}' } },
        { provider: 'klen', name: 'b', credentials: {} },
      ],
    });
    assert.throws(
      () => loadConfig({ SWITCHBOARD_CONFIG_FILE: file }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const text = e.problems.join('\n');
        assert.match(text, /providers\[0\]\.provider/);
        assert.match(text, /providers\[1\]\.credentials\.api_key: environment variable MISSING_KEY is not set/);
        assert.equal(e.problems.filter((p) => p.startsWith('providers[1]')).length, 1);
        assert.match(text, /providers\[2\]\.name: 'b' is declared twice/);
        assert.match(text, /providers\[2\]\.credentials\.api_key/);
        return true;
      },
    );
  });

  it('checks declared rate_limits like the API does, naming the key', () => {
    const file = write({
      providers: [
        {
          provider: 'klen',
          name: 'k',
          credentials: { api_key: 'x' },
          rate_limits: { calls_per_day: 50, calls_per_fortnight: 1 },
        },
      ],
    });
    assert.throws(
      () => loadConfig({ SWITCHBOARD_CONFIG_FILE: file }),
      /providers\[0\]\.rate_limits\.calls_per_fortnight/,
    );
    const ok = loadConfig({
      SWITCHBOARD_CONFIG_FILE: write({
        providers: [{ provider: 'klen', name: 'k', credentials: { api_key: 'x' }, rate_limits: { calls_per_day: 50 } }],
      }),
    });
    assert.deepEqual({ ...ok.providers[0].rate_limits }, { calls_per_day: 50 });
  });

  it('refuses providers that are not an array', () => {
    assert.throws(
      () => loadConfig({ SWITCHBOARD_CONFIG_FILE: write({ providers: {} }) }),
      /providers: must be an array/,
    );
  });
});
