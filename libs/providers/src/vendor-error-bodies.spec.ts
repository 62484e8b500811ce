import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpResponse, ProviderError } from '@switchboard/core';
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
          const visible = JSON.stringify({ message: error.message, details: error.details, fieldErrors: error.fieldErrors, code: error.vendorCode });
          assert.ok(!visible.includes(credential), `${vendor} ${status} leaks the credential: ${visible.slice(0, 300)}`);
          assert.ok(!visible.includes(foreign), `${vendor} ${status} leaks a key: ${visible.slice(0, 300)}`);
          assert.ok(!visible.includes('\u0000'), `${vendor} ${status} keeps a control character`);
          assert.ok(error.message.length <= 300, `${vendor} ${status} message is ${error.message.length} characters`);
          for (const f of error.fieldErrors) assert.ok(f.message.length <= 200, `${vendor} field message is ${f.message.length} characters`);
        }
      }
    });
  }
});
