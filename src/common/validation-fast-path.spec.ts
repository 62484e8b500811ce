import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import {
  getMetadataStorage,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Validate,
  validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
} from 'class-validator';
import type { ValidationArguments, ValidatorConstraintInterface } from 'class-validator';
// Every DTO of the gateway registers its rules on import.
import '../agents/dto/agent.dto';
import '../auth/dto/create-key.dto';
import '../calls/dto/call.dto';
import '../config/config.variables';
import '../events/dto/list-events.dto';
import '../history-sync/history-sync.controller';
import '../providers/dto/provider.dto';
import '../routing/routing.dto';
import '../webhook-endpoints/dto/webhook-endpoint.dto';
import { CreateCallDto } from '../calls/dto/call.dto';
import { createValidationPipe } from './validation';
import { ValidationFastPath } from './validation-fast-path';
import { memoizeValidationMetadata } from './validation-metadata-cache';

memoizeValidationMetadata();

type Rule = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
type Dto = new () => object;

/** Options the pipe validates with (src/common/validation.ts), class-validator's defaults, and the unknown values allowed. */
const OPTION_SETS: ValidatorOptions[] = [
  {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: true },
  },
  {},
  { forbidUnknownValues: false },
];

/** A small seeded generator, so a failure names a case that runs again the same. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOL: unknown[] = [
  '',
  'a',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(201),
  'agt_01jgz5z9d2e3f4g5h6j7k8m9n0',
  'con_01m8skh55cfk4ry1ycc60dmncd',
  '+15551234567',
  'sip:alice@example.com',
  'https://hooks.example.com/calls',
  'ftp://example.com',
  'ada@example.com',
  'not an email',
  '2026-12-01T10:00:00Z',
  'yesterday',
  'true',
  '5',
  0,
  1,
  5,
  10,
  600,
  14_400,
  14_401,
  -1,
  1.5,
  Number.NaN,
  true,
  false,
  null,
  [],
  ['a'],
  ['a', 1],
  Array.from({ length: 51 }, () => 'a'),
  ['x'.repeat(65)],
  {},
  { name: 'Ada' },
  { a: 'b' },
  { strategy: 'priority', failover: true },
  { connections: ['con_01m8skh55cfk4ry1ycc60dmncd'] },
  { strategy: 'nope' },
  [{ name: 'Ada' }],
];

/** Every class with rules in the global storage (class-validator keeps them per class). */
function dtoClasses(): Dto[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, Rule[]> };
  return [...storage.validationMetadatas.keys()].filter((k): k is Dto => typeof k === 'function');
}

function propertiesOf(dto: Dto): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false);
  return [...new Set(rules.map((r) => r.propertyName))];
}

/** The values a property's own rules name (IsIn's list, Min and Max): likely to pass. */
function namedValues(dto: Dto, property: string): unknown[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', false, false)
    .filter((r) => r.propertyName === property)
    .flatMap((r) => (r.constraints ?? []).flatMap((c: unknown) => (Array.isArray(c) ? c : [c])))
    .filter((c: unknown) => ['string', 'number', 'boolean'].includes(typeof c));
}

const errorsOf = async (dto: Dto, body: Record<string, unknown>, options: ValidatorOptions) =>
  validate(plainToInstance(dto, body), options);

/** Per property, the values the library finds nothing wrong with on that property alone. */
async function goodValues(dto: Dto, property: string): Promise<unknown[]> {
  const good: unknown[] = [];
  for (const value of [undefined, ...POOL, ...namedValues(dto, property)]) {
    const errors = await errorsOf(dto, value === undefined ? {} : { [property]: value }, {});
    if (!errors.some((e) => e.property === property)) good.push(value);
  }
  return good;
}

describe('ValidationFastPath', () => {
  it("answers as class-validator's validate does, on generated bodies for every DTO and option set", async () => {
    const fast = new ValidationFastPath();
    const next = random(15);
    const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
    const classes = dtoClasses();
    assert.ok(classes.length >= 20, `only ${classes.length} DTO classes found`);
    let validSeen = 0;
    let invalidSeen = 0;
    const bothSeen: string[] = [];
    for (const dto of classes) {
      const properties = propertiesOf(dto);
      const good = new Map<string, unknown[]>();
      for (const property of properties) good.set(property, await goodValues(dto, property));
      let valid = 0;
      let invalid = 0;
      for (let i = 0; i < 150; i++) {
        const body: Record<string, unknown> = {};
        for (const property of properties) {
          const roll = next();
          const value =
            roll < 0.75 && good.get(property)!.length ? pick(good.get(property)!) : pick([undefined, ...POOL]);
          if (value !== undefined) body[property] = value;
        }
        if (next() < 0.1) body.unexpected = 'x';
        const options = pick(OPTION_SETS);
        const instance = plainToInstance(dto, structuredClone(body));
        const expected = (await validate(instance, options)).length === 0;
        assert.equal(
          fast.isValid(instance, options),
          expected,
          `${dto.name} ${JSON.stringify(body)} with ${JSON.stringify(options)}: the library says ${expected ? 'valid' : 'invalid'}`,
        );
        if (expected) valid++;
        else invalid++;
      }
      validSeen += valid;
      invalidSeen += invalid;
      if (valid && invalid) bothSeen.push(dto.name);
    }
    // Not vacuous: both answers came up, for most classes, the create's among them.
    assert.ok(validSeen > 1_000 && invalidSeen > 1_000, `${validSeen} valid, ${invalidSeen} invalid`);
    assert.ok(bothSeen.includes(CreateCallDto.name), bothSeen.join(', '));
    assert.ok(bothSeen.length >= classes.length / 2, `both answers for ${bothSeen.length} of ${classes.length}`);
  });

  it('follows conditions, IsDefined, each over arrays, sets and maps, and nested arrays', async () => {
    class Leaf {
      @IsString() @MaxLength(3) name!: string;
    }
    class Tree {
      @IsOptional() @IsString({ each: true }) @MaxLength(2, { each: true }) tags?: unknown;
      @ValidateIf((o: Tree) => o.kind === 'int') @IsInt() amount?: unknown;
      @IsOptional() kind?: string;
      @IsDefined() required?: unknown;
      @IsOptional() @ValidateNested({ each: true }) @Type(() => Leaf) leaves?: Leaf[];
      // Nested rules alone: an absent value passes them; a plain object has no rules of its own.
      @ValidateNested() @Type(() => Leaf) lone?: Leaf;
      @IsOptional() @ValidateNested() loose?: object;
    }
    const fast = new ValidationFastPath();
    const cases: Record<string, unknown>[] = [
      { required: 1 },
      {},
      { required: null },
      { required: 1, tags: ['ab', 'c'] },
      { required: 1, tags: ['abc'] },
      { required: 1, tags: 'ab' },
      { required: 1, kind: 'int', amount: 2 },
      { required: 1, kind: 'int', amount: 'two' },
      { required: 1, kind: 'text', amount: 'two' },
      { required: 1, leaves: [{ name: 'ab' }] },
      { required: 1, leaves: [{ name: 'abcd' }] },
      { required: 1, leaves: [[{ name: 'ab' }]] },
      { required: 1, leaves: ['ab'] },
      { required: 1, leaves: { name: 'ab' } },
      { required: 1, lone: { name: 'ab' } },
      { required: 1, lone: 'ab' },
      { required: 1, loose: { any: 'thing' } },
    ];
    for (const body of cases) {
      const instance = plainToInstance(Tree, body);
      for (const options of OPTION_SETS)
        assert.equal(
          fast.isValid(instance, options),
          (await validate(instance, options)).length === 0,
          JSON.stringify(body),
        );
    }
    // Sets and Maps are not made by plainToInstance: built by hand, as a caller might.
    for (const tags of [new Set(['ab']), new Set(['abc']), new Map([['k', 'ab']]), new Map([['k', 'abc']])]) {
      const instance = Object.assign(new Tree(), { required: 1, tags });
      assert.equal(fast.isValid(instance, {}), (await validate(instance, {})).length === 0, String([...tags.values()]));
    }
  });

  it("gives a constraint the arguments the library gives it: the object, the value, the property, the class's name", async () => {
    @ValidatorConstraint({ name: 'sameAs' })
    class SameAs implements ValidatorConstraintInterface {
      validate(value: unknown, args: ValidationArguments) {
        const [other] = args.constraints as [string];
        return (
          args.value === value &&
          args.property === 'password' &&
          args.targetName === 'Form' &&
          value === (args.object as Record<string, unknown>)[other]
        );
      }
    }
    class Form {
      @IsString() confirm!: string;
      @Validate(SameAs, ['confirm']) password!: string;
    }
    const fast = new ValidationFastPath();
    for (const body of [
      { confirm: 'a', password: 'a' },
      { confirm: 'a', password: 'b' },
    ]) {
      const instance = plainToInstance(Form, body);
      const expected = (await validate(instance)).length === 0;
      assert.equal(fast.isValid(instance), expected, JSON.stringify(body));
    }
    assert.equal(fast.isValid(plainToInstance(Form, { confirm: 'a', password: 'a' })), true);
  });

  it('leaves to the library what it does not walk: async constraints, groups, whitelisting that strips', async () => {
    @ValidatorConstraint({ async: true })
    class Later implements ValidatorConstraintInterface {
      validate = (value: unknown) => Promise.resolve(value === 'ok');
    }
    class Remote {
      @Validate(Later) code!: string;
    }
    class Plain {
      @IsString() name!: string;
    }
    const fast = new ValidationFastPath();
    const remote = Object.assign(new Remote(), { code: 'ok' });
    assert.equal((await validate(remote)).length, 0);
    assert.equal(fast.isValid(remote), false);
    const plain = Object.assign(new Plain(), { name: 'a' });
    assert.equal(fast.isValid(plain, {}), true);
    assert.equal(fast.isValid(plain, { groups: ['admin'] }), false);
    assert.equal(fast.isValid(plain, { skipMissingProperties: true }), false);
    assert.equal(fast.isValid(Object.assign(plain, { extra: 1 }), { whitelist: true }), false);
    assert.equal(fast.isValid(Object.create(null) as object, {}), false);
  });

  it('lets the pipe answer as before: a valid create passes, a bad one names its fields', async () => {
    const pipe = createValidationPipe();
    const metadata = { type: 'body' as const, metatype: CreateCallDto, data: undefined };
    const ok = (await pipe.transform(
      { to: '+15551234567', agent_id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0', routing: { strategy: 'priority' } },
      metadata,
    )) as CreateCallDto;
    assert.ok(ok instanceof CreateCallDto);
    assert.equal(ok.agent_id, 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0');
    await assert.rejects(
      pipe.transform({ to: '+15551234567', agent_id: 7, routing: { strategy: 'nope' }, extra: 1 }, metadata),
      (e: { details?: { field: string }[] }) => {
        assert.deepEqual(
          e.details?.map((d) => d.field),
          ['agent_id', 'routing.strategy', 'extra'],
        );
        return true;
      },
    );
  });
});
