import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeID, fromString, getType } from 'typeid-js';
import type { IdKind } from './ids';
import { ID_PREFIXES, idFloorAt, isIdOf, newId } from './ids';

describe('ids', () => {
  it('prefixes ids with their type', () => {
    assert.match(newId('call'), /^call_[0-9a-z]{26}$/);
    assert.match(newId('connection'), /^con_[0-9a-z]{26}$/);
  });

  it('sorts ids by creation time', () => {
    const ids = Array.from({ length: 50 }, () => newId('key'));
    assert.deepEqual([...ids].sort(), ids);
  });

  it('recognises its own kind and refuses other kinds and garbage', () => {
    const id = newId('agent');
    assert.equal(isIdOf('agent', id), true);
    assert.equal(isIdOf('call', id), false);
    assert.equal(isIdOf('agent', 'agt_nope'), false);
    assert.equal(isIdOf('agent', ''), false);
    assert.equal(
      isIdOf('agent', id.replace('agt_', 'agt_8').slice(0, id.length)),
      false,
      'a suffix above the UUID range',
    );
    assert.equal(isIdOf('agent', id.replace('agt_', 'AGT_')), false);
  });

  it("answers as typeid-js's own parse with that prefix, on ids mutated every way", () => {
    const viaLibrary = (kind: IdKind, value: string) => {
      try {
        return getType(fromString(value)) === ID_PREFIXES[kind];
      } catch {
        return false;
      }
    };
    // A seeded walk: each case one or two edits of a real id (a character of the alphabet or
    // outside it, upper case, non-ASCII, an underscore, a character more or fewer).
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const characters = '0123456789abcdefghjkmnpqrstvwxyzilouABCZ_-!~ ü€𝟘';
    const kinds = Object.keys(ID_PREFIXES) as IdKind[];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const [kind, other] = [kinds[Math.floor(next() * kinds.length)], kinds[Math.floor(next() * kinds.length)]];
      let value = newId(next() < 0.8 ? kind : other);
      for (let edits = Math.floor(next() * 3); edits > 0; edits--) {
        const at = Math.floor(next() * (value.length + 1));
        const character = [...characters][Math.floor(next() * [...characters].length)];
        const roll = next();
        value =
          roll < 0.5
            ? value.slice(0, at) + character + value.slice(at + 1)
            : roll < 0.75
              ? value.slice(0, at) + character + value.slice(at)
              : value.slice(0, at) + value.slice(at + 1);
      }
      assert.equal(isIdOf(kind, value), viaLibrary(kind, value), `${kind} ${JSON.stringify(value)}`);
      if (viaLibrary(kind, value)) accepted++;
    }
    assert.ok(accepted > 5_000 && accepted < 15_000, `${accepted} of 20 000 accepted`);
  });

  it('mints an id at the present millisecond as typeid-js would write that time', () => {
    for (let i = 0; i < 2_000; i++) {
      const at = new Date();
      const id = newId('call', at);
      const hex = TypeID.fromString(id).toUUID().replace(/-/g, '');
      assert.equal(parseInt(hex.slice(0, 12), 16), at.getTime(), id);
      assert.equal(hex[12], '7');
    }
    // The first ten characters are the time: ids a millisecond apart differ there, in order.
    const [a, b] = [newId('call', new Date(1_700_000_000_000)), newId('call', new Date(1_700_000_000_001))];
    assert.ok(a.slice(5, 15) < b.slice(5, 15), `${a} ${b}`);
  });

  it('mints an id at a given time: its UUIDv7 time is that millisecond, the rest stays random', () => {
    const at = new Date('2026-03-04T05:06:07.123Z');
    const [a, b] = [newId('call', at), newId('call', at)];
    assert.notEqual(a, b);
    for (const id of [a, b]) {
      const hex = TypeID.fromString(id).toUUID().replace(/-/g, '');
      assert.equal(parseInt(hex.slice(0, 12), 16), at.getTime());
      assert.equal(hex[12], '7', 'still a version 7 UUID');
      assert.equal(isIdOf('call', id), true);
    }
    // Every byte of the 48-bit time field, at both ends of its range.
    for (const ms of [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, 2 ** 48 - 1]) {
      const hex = TypeID.fromString(newId('call', new Date(ms)))
        .toUUID()
        .replace(/-/g, '');
      assert.equal(parseInt(hex.slice(0, 12), 16), ms);
      assert.equal(hex[12], '7');
    }
    assert.throws(() => newId('call', new Date('garbage')), RangeError);
  });

  it("idFloorAt is at or below every id of that millisecond and above every earlier one's", () => {
    const at = new Date('2026-03-04T05:06:07.123Z');
    const floor = idFloorAt('call', at);
    const before = new Date(at.getTime() - 1);
    for (let i = 0; i < 50; i++) {
      assert.ok(newId('call', at) >= floor);
      assert.ok(newId('call', new Date(at.getTime() + 1)) > floor);
      assert.ok(newId('call', before) < floor);
    }
    assert.ok(newId('call') > idFloorAt('call', new Date(Date.now() - 1)));
  });
});
