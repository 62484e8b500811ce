import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from './logging';

describe('redactUrl', () => {
  it('hides the secret path segment of webhook URLs and secret query keys', () => {
    assert.equal(redactUrl('/webhooks/kaicalls/con_1/s3cr3t-token'), '/webhooks/kaicalls/con_1/[redacted]');
    assert.equal(redactUrl('/webhooks/kaicalls/con_1/s3cr3t?x=1'), '/webhooks/kaicalls/con_1/[redacted]?x=1');
    assert.equal(redactUrl('/webhooks/hmsovereign/con_1'), '/webhooks/hmsovereign/con_1');
    assert.equal(redactUrl('/v1/calls?api_key=abc&limit=2'), '/v1/calls?api_key=[redacted]&limit=2');
    assert.equal(redactUrl(undefined), undefined);
  });
});
