import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '@switchboard/simulators/testing';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';
import { client } from '../support/http';
import type { Api, Sandbox } from '../support/calls';
import { sandboxOf, TERMINAL_STATUSES } from '../support/calls';

const run = promisify(execFile);
const README = join(__dirname, '..', '..', '..', 'README.md');

/** The README's bash blocks under a heading, in order. */
function readmeBlocks(heading: string): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has "${heading}"`);
  const section = text.slice(start + heading.length + 2).split(/\n#{2,3} /)[0];
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * Runs README commands as written, in bash with curl, against this gateway: only the
 * placeholder key and the port are replaced. One line of stdout per command that prints.
 */
async function runAsWritten(gw: TestGateway, script: string): Promise<string[]> {
  const port = new URL(gw.url).port;
  const filled = script
    .replace('KEY=sk_test_...', `KEY=${gw.adminKey}`)
    .replaceAll('localhost:3000', `127.0.0.1:${port}`);
  // Each curl answer on its own line, so the test can read them one by one.
  const { stdout } = await run(
    'bash',
    ['-euo', 'pipefail', '-c', `curl() { command curl --fail-with-body "$@"; echo; }\n${filled}`],
    { timeout: 60_000 },
  );
  return stdout.split('\n').filter(Boolean);
}

describe('the sandbox as the README tells it', () => {
  let gw: TestGateway;
  let api: Api;
  let sandbox: Sandbox;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
    sandbox = await sandboxOf(api);
  });
  after(() => gw.close());

  it('the first call works as written', async () => {
    const [block] = readmeBlocks('### Your first call (sandbox)');
    const [call, events] = (await runAsWritten(gw, block)).map((line) => JSON.parse(line));
    assert.match(call.id, /^call_/);
    assert.equal(call.provider, 'hmsovereign');
    assert.ok(Array.isArray(events.data), JSON.stringify(events));
    const ended = await pollUntil(
      async () => (await api.get(`/v1/calls/${call.id}`)).body,
      (c) => (TERMINAL_STATUSES as readonly string[]).includes(c.status),
      { timeoutMs: 20_000, intervalMs: 200, what: 'the first call to end' },
    );
    assert.equal(ended.status, 'completed');
  });

  it('the sandbox control commands work as written, through the gateway', async () => {
    const blocks = readmeBlocks('### Sandbox mode');
    const [first] = readmeBlocks('### Your first call (sandbox)');
    // The control block uses KEY and H from the first block; only their two lines are replayed.
    const setup = first
      .split('\n')
      .filter((line) => /^(KEY|H)=/.test(line))
      .join('\n');
    const [listed, scenario, dialed, reset] = (await runAsWritten(gw, `${setup}\n${blocks[0]}`)).map((line) =>
      JSON.parse(line),
    );
    assert.deepEqual(listed.data.map((s: { provider: string }) => s.provider).sort(), [
      'hmsovereign',
      'kaicalls',
      'kalem',
      'klen',
    ]);
    assert.equal(listed.data.find((s: { provider: string }) => s.provider === 'kalem').control, '/sandbox/kalem');
    assert.equal(scenario.to, '+1 (555) 010-2031');
    assert.equal(scenario.scenario.outcome, 'no_answer');
    assert.equal(dialed.vendor, 'kalem');
    assert.ok(Array.isArray(dialed.calls));
    assert.deepEqual(reset, { ok: true });
  });

  it('a scenario set through the gateway decides the next call', async () => {
    const set = await api.post('/sandbox/hmsovereign/scenario', { to: '+1 (555) 010-2032', outcome: 'busy' });
    assert.equal(set.status, 200, set.text);
    const created = await api.post('/v1/calls', {
      to: '+1 (555) 010-2032',
      agent_id: sandbox.agentId,
      provider: 'hmsovereign',
    });
    assert.equal(created.status, 201, created.text);
    const ended = await pollUntil(
      async () => (await api.get(`/v1/calls/${created.body.id}`)).body,
      (c) => (TERMINAL_STATUSES as readonly string[]).includes(c.status),
      { timeoutMs: 20_000, intervalMs: 200, what: 'the busy call to end' },
    );
    assert.equal(ended.status, 'busy');
    const calls = await api.get('/sandbox/hmsovereign/calls?ignored=1');
    assert.equal(calls.status, 200);
    assert.ok(
      calls.body.calls.some((c: { destination: string }) => c.destination.replace(/\D/g, '') === '15550102032'),
    );
  });

  it('needs an admin key, answers in the error envelope, and changes nothing on bad input', async () => {
    const before = (await api.get('/sandbox/kalem/state')).body;
    const limited = await api.post('/v1/keys', { name: 'calls only', scopes: ['calls:read', 'calls:write'] });
    assert.equal(limited.status, 201, limited.text);
    const forbidden = await api.post('/sandbox/kalem/faults', { mode: 'error' }, { key: limited.body.key });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'forbidden');
    const anonymous = await api.get('/sandbox', { key: null });
    assert.equal(anonymous.status, 401);

    const bad = await api.post('/sandbox/kalem/faults', { mode: 'sometimes' });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.code, 'invalid_request');
    assert.match(bad.body.error.message, /mode: one of none, error/);
    assert.deepEqual(
      (await api.get('/sandbox/kalem/state')).body.faults,
      before.faults,
      'the refused fault was not set',
    );

    const unknownRoute = await api.get('/sandbox/kalem/nothing-here');
    assert.equal(unknownRoute.status, 404);
    assert.equal(unknownRoute.body.error.code, 'not_found');
    const unknownVendor = await api.get('/sandbox/twilio/state');
    assert.equal(unknownVendor.status, 404);
    assert.match(unknownVendor.body.error.message, /No sandbox simulator 'twilio'/);
  });
});

describe('the sandbox control API outside sandbox mode', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({ SWITCHBOARD_SANDBOX: 'off' });
  });
  after(() => gw.close());

  it('is not there (404)', async () => {
    const api = client(gw.url, gw.adminKey);
    for (const path of ['/sandbox', '/sandbox/kalem/state']) {
      const res = await api.get(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, 'not_found');
      assert.match(res.body.error.message, /Sandbox mode is off/);
    }
  });
});
