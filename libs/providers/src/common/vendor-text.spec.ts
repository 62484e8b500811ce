import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeBody, sanitizeVendorText, VENDOR_SNIPPET_CHARS } from './vendor-text';

describe('sanitizeVendorText', () => {
  it("redacts the connection's own credential wherever it appears", () => {
    assert.equal(
      sanitizeVendorText('key abc123secretvalue is invalid', ['abc123secretvalue']),
      'key [redacted] is invalid',
    );
  });

  it('redacts values that look like keys, tokens or secrets, whoever they belong to', () => {
    const text = sanitizeVendorText(
      'Authorization: Bearer eyJhbGciOi.payload12345.sig token=tok_9f8e7d "api_key": "hunter2" sk_live_abcdefghijklmnop kc_test_zzz 12|abcdefghijklmnopqrstuvwxyz0123 ' +
        'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6 whsec_QUJDREVG',
    );
    for (const leaked of [
      'eyJhbGciOi',
      'tok_9f8e7d',
      'hunter2',
      'sk_live_abcdefghijklmnop',
      'kc_test_zzz',
      'abcdefghijklmnopqrstuvwxyz0123',
      'a1b2c3d4e5f6a1b2c3d4e5f6',
      'QUJDREVG',
    ])
      assert.ok(!text.includes(leaked), `${leaked} in ${text}`);
    assert.match(text, /token=\[redacted\]/);
  });

  it('keeps UUIDs and ordinary prose', () => {
    const text = 'Call 3fa85f64-5717-4562-b3fc-2c963f66afa6 not found';
    assert.equal(sanitizeVendorText(text), text);
  });

  it('strips control characters and collapses whitespace', () => {
    assert.equal(sanitizeVendorText('line one\r\n\tline\u0000two\u001b[31m   red\u2028'), 'line one line two [31m red');
  });

  it(`cuts at ${VENDOR_SNIPPET_CHARS} characters after redacting, so a secret is never half-shown`, () => {
    const secret = 'S3cr3t-Value-Of-The-Connection';
    const text = sanitizeVendorText(`${'x '.repeat(95)}${secret}${' y'.repeat(5000)}`, [secret]);
    assert.ok(text.length <= VENDOR_SNIPPET_CHARS, String(text.length));
    assert.ok(!text.includes('S3cr3t'), text);
    assert.ok(text.endsWith('…'));
  });
});

describe('describeBody', () => {
  it('describes JSON and text bodies the same bounded way, and nothing for an empty body', () => {
    assert.equal(describeBody(null), '');
    assert.equal(describeBody({ error: 'bad', api_key: 'k-123456' }), '{"error":"bad","api_key":"[redacted]"}');
    assert.ok(describeBody('z'.repeat(10_000)).length <= VENDOR_SNIPPET_CHARS);
  });
});
