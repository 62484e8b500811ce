import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsInt, IsOptional, IsString, MaxLength, MetadataStorage, validate } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata-cache';

// A storage of its own: the global one is shared with every other spec in the process.
function storageWithRules() {
  const storage = new MetadataStorage();
  const real = new MetadataStorage();
  class Base {
    name?: string;
  }
  class Child extends Base {
    count?: number;
  }
  const rule = (target: object, propertyName: string, type: string, groups?: string[]) => ({
    type,
    target,
    propertyName,
    constraints: [],
    groups,
    validationOptions: {},
  });
  for (const s of [storage, real]) {
    s.addValidationMetadata(rule(Base, 'name', 'isString') as never);
    s.addValidationMetadata(rule(Child, 'count', 'isInt') as never);
    s.addValidationMetadata(rule(Child, 'count', 'min', ['admin']) as never);
  }
  return { storage, real, Base, Child };
}

describe('memoizeValidationMetadata', () => {
  it("answers as class-validator's own lookup does, inherited rules and groups included", () => {
    const { storage, real, Base, Child } = storageWithRules();
    memoizeValidationMetadata(storage);
    for (const target of [Base, Child])
      for (const always of [false, true])
        for (const strict of [false, true])
          for (const groups of [undefined, [], ['admin']]) {
            const args = [target, '', always, strict, groups] as const;
            assert.deepEqual(storage.getTargetValidationMetadatas(...args), real.getTargetValidationMetadatas(...args));
            assert.deepEqual(
              storage.groupByPropertyName(storage.getTargetValidationMetadatas(...args)),
              real.groupByPropertyName(real.getTargetValidationMetadatas(...args)),
            );
          }
  });

  it('keeps one answer per class until a rule is registered, then answers with the new rule', () => {
    const { storage, Child } = storageWithRules();
    memoizeValidationMetadata(storage);
    const first = storage.getTargetValidationMetadatas(Child, '', false, false, undefined);
    assert.equal(storage.getTargetValidationMetadatas(Child, '', false, false, undefined), first);
    assert.equal(storage.groupByPropertyName(first), storage.groupByPropertyName(first));

    storage.addValidationMetadata({
      type: 'maxLength',
      target: Child,
      propertyName: 'count',
      constraints: [3],
      validationOptions: {},
    } as never);
    const after = storage.getTargetValidationMetadatas(Child, '', false, false, undefined);
    assert.notEqual(after, first);
    assert.deepEqual(
      after.map((m) => m.type),
      ['isInt', 'min', 'maxLength', 'isString'],
    );
  });

  it('validates against the global storage as before, rules of classes declared later included', async () => {
    memoizeValidationMetadata();
    class Early {
      @IsString() @MaxLength(3) name!: string;
    }
    assert.deepEqual(
      (await validate(Object.assign(new Early(), { name: 'long' }))).map((e) => Object.keys(e.constraints ?? {})),
      [['maxLength']],
    );
    class Late extends Early {
      @IsOptional() @IsInt() count?: number;
    }
    const errors = await validate(Object.assign(new Late(), { name: 7, count: 'x' }));
    assert.deepEqual(
      errors.map((e) => [e.property, Object.keys(e.constraints ?? {}).sort()]),
      [
        ['count', ['isInt']],
        ['name', ['isString', 'maxLength']],
      ],
    );
  });
});
