import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './load-config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('the configuration was accepted');
};

describe('configuration messages', () => {
  // Each variable is told the first rule it breaks: its type before its range.
  const cases: [NodeJS.ProcessEnv, string[]][] = [
    [{ PORT: 'abc' }, ['PORT must be an integer number']],
    [{ PORT: '70000' }, ['PORT must not be greater than 65535']],
    [{ PORT: '-1' }, ['PORT must not be less than 0']],
    [{ BODY_LIMIT_BYTES: '1.5' }, ['BODY_LIMIT_BYTES must be an integer number']],
    [{ BODY_LIMIT_BYTES: '12' }, ['BODY_LIMIT_BYTES must not be less than 1024']],
    [{ HTTP_HEADERS_TIMEOUT_MS: 'soon' }, ['HTTP_HEADERS_TIMEOUT_MS must be an integer number']],
    [
      { PORT: 'abc', SWITCHBOARD_SANDBOX: 'maybe', RATE_LIMIT_PER_KEY: '0' },
      [
        'PORT must be an integer number',
        'SWITCHBOARD_SANDBOX must be one of the following values: auto, on, off',
        'RATE_LIMIT_PER_KEY must not be less than 1',
      ],
    ],
  ];
  for (const [env, expected] of cases)
    it(`${JSON.stringify(env)} → ${expected.join('; ')}`, () => {
      assert.deepEqual([...problemsOf(env)].sort(), [...expected].sort());
    });
});
