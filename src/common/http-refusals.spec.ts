import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_HEADER_LINES,
  MAX_URL_LENGTH,
  rawRefusalResponse,
  refusalForClientError,
  refusalForRequestShape,
  refusalForRouterError,
} from './http-refusals';

describe('HTTP-layer refusals', () => {
  it('maps Node parser errors to contract codes, and a reset to no answer', () => {
    assert.equal(refusalForClientError('ERR_HTTP_REQUEST_TIMEOUT')?.code, 'request_timeout');
    assert.equal(refusalForClientError('HPE_HEADER_OVERFLOW')?.code, 'headers_too_large');
    assert.equal(refusalForClientError('HPE_INVALID_METHOD')?.code, 'invalid_request');
    assert.equal(refusalForClientError(undefined)?.code, 'invalid_request');
    assert.equal(refusalForClientError('ECONNRESET'), null);
  });

  it('maps router errors without quoting the URL', () => {
    const long = refusalForRouterError('FST_ERR_MAX_PARAM_LENGTH');
    assert.equal(long.code, 'uri_too_long');
    assert.equal(refusalForRouterError('FST_ERR_BAD_URL').code, 'invalid_request');
  });

  it('refuses a URL or a header count over the bound, and nothing at the bound', () => {
    assert.equal(refusalForRequestShape('/'.padEnd(MAX_URL_LENGTH, 'a'), MAX_HEADER_LINES), null);
    assert.equal(refusalForRequestShape('/'.padEnd(MAX_URL_LENGTH + 1, 'a'), 1)?.code, 'uri_too_long');
    assert.equal(refusalForRequestShape('/', MAX_HEADER_LINES + 1)?.code, 'headers_too_large');
  });

  it('writes a complete response that closes the connection', () => {
    const raw = rawRefusalResponse({ code: 'request_timeout', message: 'slow' }, 'req_1');
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.match(head, /\r\nConnection: close$/);
    assert.match(head, new RegExp(`Content-Length: ${Buffer.byteLength(body)}\\r\\n`));
    assert.deepEqual(JSON.parse(body), {
      error: { code: 'request_timeout', message: 'slow', details: [], request_id: 'req_1' },
    });
  });
});
