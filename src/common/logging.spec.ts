import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { PROVIDERS } from '@switchboard/providers';
import { REDACT_PATHS, redactUrl, vendorWebhookSecretHeaders } from './logging';

describe('redactUrl', () => {
  it('hides the secret path segment of webhook URLs and secret query keys', () => {
    assert.equal(redactUrl('/webhooks/kaicalls/con_1/s3cr3t-token'), '/webhooks/kaicalls/con_1/[redacted]');
    assert.equal(redactUrl('/webhooks/kaicalls/con_1/s3cr3t?x=1'), '/webhooks/kaicalls/con_1/[redacted]?x=1');
    assert.equal(redactUrl('/webhooks/hmsovereign/con_1'), '/webhooks/hmsovereign/con_1');
    assert.equal(redactUrl('/v1/calls?api_key=abc&limit=2'), '/v1/calls?api_key=[redacted]&limit=2');
    assert.equal(redactUrl(undefined), undefined);
  });
});

describe('log redaction of vendor webhook secrets', () => {
  it('every vendor that proves webhooks with a header declares it (only path-token vendors declare none)', () => {
    for (const [name, registration] of Object.entries(PROVIDERS)) {
      const { authentication, secretHeaders } = registration.capabilities.webhooks;
      assert.equal(
        secretHeaders.length > 0,
        authentication !== 'path_token',
        `${name}: ${authentication} with ${JSON.stringify(secretHeaders)}`,
      );
    }
  });

  it('a request line carrying every declared header logs none of their values', () => {
    const headers = vendorWebhookSecretHeaders();
    assert.ok(headers.length >= 3, JSON.stringify(headers));
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      {
        req: { headers: { ...Object.fromEntries(headers.map((h) => [h, `secret-of-${h}`])), 'user-agent': 'vendor' } },
      },
      'webhook',
    );
    const logged = JSON.parse(lines.join(''));
    for (const header of headers) assert.equal(logged.req.headers[header], '[redacted]', header);
    assert.equal(logged.req.headers['user-agent'], 'vendor', 'headers that carry no secret stay readable');
  });
});
