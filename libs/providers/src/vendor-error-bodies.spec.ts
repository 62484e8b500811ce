import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResponse, ProviderError } from '@switchboard/core';
import { mapHmsSovereignError } from './hmsovereign';
import { mapKaiCallsError } from './kaicalls';
import { mapKalemError } from './kalem';
import { mapKlenError } from './klen';

type Mapper = (response: HttpResponse, now: Date, secrets?: readonly string[]) => ProviderError;

const MAPPERS: [string, Mapper][] = [
  ['kalem', mapKalemError],
  ['klen', mapKlenError],
  ['kaicalls', mapKaiCallsError],
  ['hmsovereign', mapHmsSovereignError],
];

const credential = 'conn-own-credential-Zq81';
const foreign = 'sk_live_0123456789abcdefghijklmn';
const filler = 'lorem ipsum dolor sit amet '.repeat(400);
// Every envelope the four vendors document, plus bare text: the message field carries the hostile text.
const hostileBodies = (text: string): unknown[] => [
  text,
  { message: text },
  { error: 'bad_request', message: text },
  { error: { code: 'bad_request', message: text } },
  { message: text, errors: { to_number: [text] } },
];

/**
 * Whatever a vendor (or whoever answers at its base_url) puts in an error body, the client
 * sees a bounded snippet without the connection's credential or anything key-like.
 */
describe('vendor error bodies in messages', () => {
  for (const [vendor, map] of MAPPERS) {
    it(`${vendor}: 10 KB with a credential and a key in it comes back bounded and without either`, () => {
      const text = `Denied for ${credential}, try ${foreign}\n\u0000${filler}`;
      assert.ok(text.length > 10_000);
      for (const body of hostileBodies(text)) {
        for (const status of [400, 401, 422, 500]) {
          const error = map({ status, headers: {}, body }, new Date('2026-01-01T00:00:00Z'), [credential]);
          const visible = JSON.stringify({
            message: error.message,
            details: error.details,
            fieldErrors: error.fieldErrors,
            code: error.vendorCode,
          });
          assert.ok(
            !visible.includes(credential),
            `${vendor} ${status} leaks the credential: ${visible.slice(0, 300)}`,
          );
          assert.ok(!visible.includes(foreign), `${vendor} ${status} leaks a key: ${visible.slice(0, 300)}`);
          assert.ok(!visible.includes('\u0000'), `${vendor} ${status} keeps a control character`);
          assert.ok(error.message.length <= 300, `${vendor} ${status} message is ${error.message.length} characters`);
          for (const f of error.fieldErrors)
            assert.ok(f.message.length <= 200, `${vendor} field message is ${f.message.length} characters`);
        }
      }
    });
  }
});

/**
 * Every error each vendor documents (their notes' error tables), through the one shared
 * mapper with that vendor's tables: the kind routing decides on, and the gateway field a
 * field-specific refusal names.
 */
type Row = [status: number, body: unknown, kind: ProviderError['kind'], field?: string];
const klen = (error: string, message = 'm'): unknown => ({ error, message });
const kai = (code: string, message = 'm'): unknown => ({ error: { code, message } });
const DOCUMENTED: [string, Mapper, Row[]][] = [
  [
    'kalem',
    mapKalemError,
    [
      [400, { message: 'Bad request.' }, 'invalid_request'],
      [401, { message: 'Unauthenticated.' }, 'auth'],
      [403, { message: 'This action is unauthorized.' }, 'auth'],
      [404, { message: 'Not found.' }, 'not_found'],
      [
        422,
        {
          message: 'A trunk is required.',
          errors: { trunk_id: ['A trunk is required when calling E.164 phone numbers.'] },
        },
        'invalid_request',
        'defaults.trunk_id',
      ],
      [
        422,
        { message: 'Invalid number.', errors: { 'to_number.0': ['The to number.0 field format is invalid.'] } },
        'invalid_request',
        'to',
      ],
      [422, { message: 'Cannot delete an active call.' }, 'conflict'],
      [429, { message: 'Too Many Attempts.' }, 'rate_limited'],
      [500, { message: 'Server Error' }, 'retryable'],
    ],
  ],
  [
    'klen',
    mapKlenError,
    [
      [400, klen('missing_phone_number'), 'invalid_request', 'to'],
      [400, klen('missing_agent_id'), 'invalid_request', 'agent_id'],
      [400, klen('invalid_phone_number'), 'invalid_request', 'to'],
      [400, klen('invalid_json'), 'invalid_request'],
      [400, klen('validation_error', 'variables must be an object'), 'invalid_request', 'variables'],
      [401, klen('authentication_required'), 'auth'],
      [401, klen('invalid_key'), 'auth'],
      [402, klen('insufficient_funds'), 'auth'],
      [403, klen('permission_denied'), 'auth'],
      [403, klen('do_not_call'), 'invalid_request', 'to'],
      [404, klen('agent_not_found'), 'invalid_request', 'agent_id'],
      [404, klen('no_phone_number'), 'invalid_request', 'agent_id'],
      [404, klen('not_found'), 'not_found'],
      [429, klen('rate_limit_exceeded'), 'rate_limited'],
      [500, klen('server_error'), 'retryable'],
    ],
  ],
  [
    'kaicalls',
    mapKaiCallsError,
    [
      [401, kai('unauthorized'), 'auth'],
      [403, kai('forbidden'), 'auth'],
      [404, kai('not_found'), 'not_found'],
      [400, kai('invalid_request', 'to must be an E.164 phone number'), 'invalid_request', 'to'],
      [400, kai('bad_request', 'Missing required fields: agent_id'), 'invalid_request', 'agent_id'],
      [400, kai('number_on_dnc'), 'invalid_request', 'to'],
      [400, kai('tcpa_violation'), 'invalid_request', 'to'],
      [402, kai('payment_required'), 'invalid_request'],
      [500, kai('vapi_error'), 'retryable'],
      [500, kai('call_failed'), 'retryable'],
      [500, kai('internal_error'), 'retryable'],
      [429, kai('rate_limited'), 'rate_limited'],
      [429, kai('rate_limit_exceeded'), 'rate_limited'],
    ],
  ],
  [
    'hmsovereign',
    mapHmsSovereignError,
    [
      [
        400,
        { error: 'Bad Request', message: 'destination is not valid', param: 'destination' },
        'invalid_request',
        'to',
      ],
      [400, { error: 'Bad Request', message: 'The agent is inactive' }, 'invalid_request'],
      [400, { error: 'Bad Request', message: 'Call is not active' }, 'conflict'],
      [401, { error: 'Unauthorized', message: 'Invalid or missing API key' }, 'auth'],
      [402, { error: 'Payment Required', message: 'Insufficient credits.' }, 'auth'],
      [403, { error: 'Forbidden', message: 'No access' }, 'auth'],
      [404, { error: 'Not Found', message: 'Call not found' }, 'not_found'],
      [
        429,
        { error: { code: 'rate_limit_exceeded', message: 'Too many requests. Please retry after 45 seconds.' } },
        'rate_limited',
      ],
      [500, { error: 'Internal Server Error' }, 'retryable'],
    ],
  ],
];

describe('every documented vendor error, through the shared mapper', () => {
  for (const [vendor, map, rows] of DOCUMENTED) {
    it(`${vendor}: ${rows.length} documented errors map to their kind and field`, () => {
      for (const [status, body, kind, field] of rows) {
        const error = map({ status, headers: {}, body }, new Date('2026-01-01T00:00:00Z'));
        const where = `${vendor} ${status} ${JSON.stringify(body)}`;
        assert.equal(error.provider, vendor, where);
        assert.equal(error.kind, kind, where);
        assert.equal(error.status, status, where);
        assert.deepEqual([...new Set(error.fieldErrors.map((f) => f.field))], field ? [field] : [], where);
        // A vendor 401/403 is the connection's key refused; a 402 account state is not.
        assert.equal(error.refusedCredentials, kind === 'auth' && (status === 401 || status === 403), where);
      }
    });
  }

  it('a rate limit comes back with when to retry, from the header or the vendor’s documented fallback', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    for (const [, map, rows] of DOCUMENTED) {
      const [status, body] = rows.find((r) => r[2] === 'rate_limited')!;
      assert.equal(
        map({ status, headers: { 'retry-after': '30' }, body }, now).resetAt?.toISOString(),
        '2026-01-01T00:00:30.000Z',
      );
    }
    // Without headers: KaiCalls' fixed minute, HMS Sovereign's "retry after 45 seconds" text.
    assert.equal(
      mapKaiCallsError({ status: 429, headers: {}, body: kai('rate_limited') }, now).resetAt?.toISOString(),
      '2026-01-01T00:01:00.000Z',
    );
    const hms = DOCUMENTED[3][2].find((r) => r[2] === 'rate_limited')!;
    assert.equal(
      mapHmsSovereignError({ status: 429, headers: {}, body: hms[1] }, now).resetAt?.toISOString(),
      '2026-01-01T00:00:45.000Z',
    );
  });
});
