import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resolver } from './webhook-url-guard';
import { checkWebhookUrl, resolveTarget } from './webhook-url-guard';

describe('checkWebhookUrl', () => {
  const outside = { sandbox: false, allowedHosts: [] as string[] };
  const resolving =
    (map: Record<string, string[]>): Resolver =>
    async (host) => {
      if (!map[host]) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return map[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };

  it('refuses loopback, private, link-local and IPv6 loopback literals outside sandbox mode', async () => {
    for (const url of [
      'http://127.0.0.1/hook',
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/x',
      'http://0.0.0.0:8080/',
    ]) {
      const problem = await checkWebhookUrl(url, outside);
      assert.equal(problem?.field, 'url', url);
      assert.match(problem!.message, /refused outside sandbox mode/, url);
    }
  });

  it('refuses a name that resolves to any private address, and names the field asked for', async () => {
    const resolve = resolving({ 'mixed.example': ['93.184.215.14', '192.168.1.5'] });
    const problem = await checkWebhookUrl('https://mixed.example/hook', { ...outside, resolve }, 'webhook_url');
    assert.deepEqual(problem, {
      field: 'webhook_url',
      message: 'resolves to a private address (192.168.1.5), which is refused outside sandbox mode',
    });
  });

  it('accepts public names and addresses, allow-listed hosts and ranges, and anything in sandbox mode', async () => {
    const resolve = resolving({ 'hooks.example': ['93.184.215.14'], 'internal.corp': ['10.2.3.4'] });
    assert.equal(await checkWebhookUrl('https://hooks.example/in', { ...outside, resolve }), null);
    assert.equal(await checkWebhookUrl('http://8.8.8.8/in', outside), null);
    assert.equal(
      await checkWebhookUrl('http://internal.corp/in', { sandbox: false, allowedHosts: ['internal.corp'], resolve }),
      null,
    );
    assert.equal(
      await checkWebhookUrl('http://internal.corp/in', { sandbox: false, allowedHosts: ['10.0.0.0/8'], resolve }),
      null,
    );
    assert.equal(await checkWebhookUrl('http://127.0.0.1:9/in', { sandbox: true, allowedHosts: [] }), null);
  });

  it('refuses what is not an http(s) URL, credentials in the URL, and names that do not resolve', async () => {
    assert.match((await checkWebhookUrl('ftp://x.example/', outside))!.message, /http or https/);
    assert.match((await checkWebhookUrl('not a url', { sandbox: true, allowedHosts: [] }))!.message, /absolute/);
    assert.match(
      (await checkWebhookUrl('https://user:pw@x.example/', { sandbox: true, allowedHosts: [] }))!.message,
      /credentials/,
    );
    assert.match(
      (await checkWebhookUrl('https://nowhere.example/', { ...outside, resolve: resolving({}) }))!.message,
      /does not resolve \(ENOTFOUND\)/,
    );
  });
});

describe('resolveTarget', () => {
  it('checks the address the name resolves to now, so a rebound name is refused at delivery', async () => {
    let answer = '93.184.215.14';
    const resolve: Resolver = async () => [{ address: answer, family: 4 }];
    const policy = { sandbox: false, allowedHosts: [], resolve };
    assert.deepEqual(await resolveTarget(new URL('http://rebind.example/h'), policy), {
      ok: true,
      address: '93.184.215.14',
      family: 4,
    });
    answer = '127.0.0.1';
    const target = await resolveTarget(new URL('http://rebind.example/h'), policy);
    assert.equal(target.ok, false);
  });
});
