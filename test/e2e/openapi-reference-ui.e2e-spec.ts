import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { REFERENCE_CSP } from '../../src/common/api-reference';
import { client } from '../support/http';
import type { TestGateway } from '../support/test-gateway';
import { startTestGateway } from '../support/test-gateway';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve('.test-output', 'reference.png');
// Nothing the page does may need the network: no updates, no sync, no QUIC probing.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
};

describe('the API reference page', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof client>;

  before(async () => {
    gw = await startTestGateway();
    api = client(gw.url, gw.adminKey);
  });
  after(() => gw.close());

  it('is served by the gateway with its own script and a policy that allows only the gateway', async () => {
    const page = await api.get('/docs/', { key: null });
    assert.equal(page.status, 200, page.text);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), REFERENCE_CSP);
    assert.match(page.text, /<script src="js\/scalar\.js">/);
    // Every address the page names outright is relative: nothing points at a CDN.
    assert.doesNotMatch(page.text, /(src|href)="https?:/);
    const script = await api.get('/docs/js/scalar.js', { key: null });
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.ok(script.text.length > 100_000, 'the bundled reference script');
    const spec = await api.get('/openapi.json', { key: null });
    assert.equal(spec.status, 200);
    assert.equal(spec.body.info.title, 'Switchboard');
  });

  it('renders the operations in headless Chromium without a request leaving loopback', async (t) => {
    // Absent Chromium is a broken test machine, not a reason to pass: .ci/run installs it.
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (Debian package chromium)`);
    const profile = mkdtempSync(join(tmpdir(), 'sb-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    const requested: string[] = [];
    const problems: string[] = [];
    try {
      // Anything bound elsewhere is recorded and refused, so the test never depends on a network.
      await context.route('**/*', (route) => {
        const url = route.request().url();
        requested.push(url);
        return isLoopback(url) ? route.continue() : route.abort('blockedbyclient');
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      const response = await page.goto(`${gw.url}/docs`, { waitUntil: 'domcontentloaded' });
      assert.equal(response?.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/docs/');

      await page.getByText('Place a call', { exact: false }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await page
        .getByText('List calls, newest first', { exact: false })
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 });
      const body = await page.locator('body').innerText();
      assert.match(body, /calls/i);
      assert.match(body, /Switchboard/);

      mkdirSync(resolve('.test-output'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      assert.ok(statSync(SCREENSHOT).size > 10_000, 'a screenshot with something on it');
      t.diagnostic(`screenshot: ${SCREENSHOT}`);

      // "Try it" sends straight to the gateway, not through a request proxy elsewhere.
      await page.getByText('Place a call', { exact: false }).first().click();
      await page
        .getByRole('button', { name: /Test Request/i })
        .first()
        .click({ timeout: 30_000 });
      const sent = page.waitForResponse((r) => r.url() === `${gw.url}/v1/calls` && r.request().method() === 'POST', {
        timeout: 30_000,
      });
      await page.getByRole('button', { name: /^Send/ }).first().click();
      assert.equal((await sent).status(), 401, 'sent without a key, answered by the gateway itself');

      const away = requested.filter((url) => !isLoopback(url));
      assert.deepEqual(away, [], `requests that left loopback: ${away.join(', ')}`);
      assert.ok(
        requested.some((url) => url.endsWith('/docs/js/scalar.js')),
        'the script came from the gateway',
      );
      assert.ok(
        requested.some((url) => url.endsWith('/openapi.json')),
        'the document came from the gateway',
      );
      assert.deepEqual(
        problems.filter((p) => /Content Security Policy|Refused to/i.test(p)),
        [],
        'nothing was refused by the page policy',
      );
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
