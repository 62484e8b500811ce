import type { ValidationArguments, ValidatorOptions } from 'class-validator';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Rule = ReturnType<Storage['getTargetValidationMetadatas']>[number];

type Validator = { validate(value: unknown, args: ValidationArguments): unknown };

/** A constraint rule with the instances that check it and the arguments they are given, filled per call. */
interface CheckedRule {
  readonly rule: Rule;
  readonly validators: readonly Validator[];
  readonly args: ValidationArguments;
}

/** One property's rules, sorted as class-validator's executor sorts them. */
interface PropertyRules {
  readonly name: string;
  readonly conditions: readonly Rule[];
  readonly defined: readonly CheckedRule[];
  readonly custom: readonly CheckedRule[];
  readonly nested: readonly Rule[];
}

interface ClassRules {
  readonly names: ReadonlySet<string>;
  readonly properties: readonly PropertyRules[];
}

const KNOWN_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.WHITELIST,
  ValidationTypes.IS_DEFINED,
]);

const isPromiseLike = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

const isCollection = (value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> =>
  Array.isArray(value) || value instanceof Set || value instanceof Map;

const toArray = (value: unknown[] | Set<unknown> | Map<unknown, unknown>): unknown[] =>
  value instanceof Map ? Array.from(value.values()) : Array.isArray(value) ? value : Array.from(value);

/**
 * Whether class-validator's `validate` would find nothing wrong with a DTO instance, asked of
 * the same rules and the same constraint instances, without the error tree the library
 * builds for every property first (one error object, three filtered rule lists and a closure
 * per property, present or not, then stripped when empty: on a create the largest source of
 * garbage, bench/README.md). `true` means `validate` answers `[]`; `false` means the
 * library must be asked, for its errors, or because the question is one this walk does not
 * answer (an async constraint, a promise-valued property, validation groups, options that
 * change what a valid object is). So a wrong `false` costs time only; the walk follows the
 * executor's order of decisions (ValidationExecutor.execute and performValidations) so that a
 * `true` is never wrong, and the spec compares both on generated bodies for every DTO.
 */
export class ValidationFastPath {
  private readonly compiled = new WeakMap<readonly Rule[], ClassRules | null>();

  constructor(private readonly storage: Storage = getMetadataStorage()) {}

  /** True only when class-validator's `validate(object, options)` would answer no errors. */
  isValid(object: object, options: ValidatorOptions = {}): boolean {
    if (!walks(options)) return false;
    try {
      return this.objectIsValid(object, undefined, options);
    } catch {
      // Whatever threw here throws in the library too, which answers for it as it always has.
      return false;
    }
  }

  private objectIsValid(object: object, schema: string | undefined, options: ValidatorOptions): boolean {
    const rules = this.storage.getTargetValidationMetadatas(object.constructor, schema as string, false, false);
    if (!rules.length) return options.forbidUnknownValues === false;
    const compiled = this.rulesOf(rules, object);
    if (!compiled) return false;
    if (options.whitelist) for (const key of Object.keys(object)) if (!compiled.names.has(key)) return false;
    for (const property of compiled.properties) {
      const value = (object as Record<string, unknown>)[property.name];
      if (!this.propertyIsValid(object, value, property, options)) return false;
    }
    return true;
  }

  private propertyIsValid(object: object, value: unknown, property: PropertyRules, options: ValidatorOptions): boolean {
    // The executor calls every condition, then skips the property's rules if any said no.
    let applies = true;
    for (const rule of property.conditions)
      if (!(rule.constraints[0] as (o: object, v: unknown) => boolean)(object, value)) applies = false;
    if (!applies) return true;
    return (
      this.constraintsHold(object, value, property.defined) &&
      this.constraintsHold(object, value, property.custom) &&
      this.nestedIsValid(value, property.nested, options)
    );
  }

  private constraintsHold(object: object, value: unknown, rules: readonly CheckedRule[]): boolean {
    for (const { rule, validators, args } of rules) {
      if (rule.validateIf && !rule.validateIf(object, value)) continue;
      // The executor builds these arguments afresh per call; only sync answers are taken
      // here, so nothing keeps them past the call, and filling one object per rule is the same.
      args.object = object;
      args.value = value;
      for (const validator of validators) {
        if (!rule.each || !isCollection(value)) {
          const result = validator.validate(value, args);
          if (!result || isPromiseLike(result)) return false;
        } else {
          for (const item of toArray(value)) {
            const result = validator.validate(item, args);
            if (!result || isPromiseLike(result)) return false;
          }
        }
      }
    }
    return true;
  }

  private nestedIsValid(value: unknown, rules: readonly Rule[], options: ValidatorOptions): boolean {
    if (value === undefined) return true;
    for (const rule of rules) {
      if (isCollection(value)) {
        // Each item is checked against the nested rules alone, as the executor does.
        for (const item of toArray(value)) if (!this.nestedIsValid(item, rules, options)) return false;
      } else if (value instanceof Object) {
        const schema = typeof rule.target === 'string' ? rule.target : (rule.target as { name: string }).name;
        if (!this.objectIsValid(value, schema, options)) return false;
      } else {
        return false;
      }
    }
    return true;
  }

  /** The rules of one class grouped per property, or null when some rule is not one walked here. */
  private rulesOf(rules: readonly Rule[], object: object): ClassRules | null {
    let compiled = this.compiled.get(rules);
    if (compiled !== undefined) return compiled;
    // One class's rules: `object` is an instance of the class they were looked up for.
    compiled = compileRules(rules, object.constructor ? object.constructor.name : undefined, this.storage);
    this.compiled.set(rules, compiled);
    return compiled;
  }
}

/**
 * Options under which a valid object is one whose every rule holds: not groups or `always`
 * (which pick other rules), not the skip options (which pass some), and not whitelist without
 * forbidNonWhitelisted, which deletes the extra properties: a change, not a question.
 */
function walks(options: ValidatorOptions): boolean {
  return (
    !options.groups?.length &&
    !options.always &&
    !options.strictGroups &&
    !options.skipMissingProperties &&
    !options.skipNullProperties &&
    !options.skipUndefinedProperties &&
    (!options.whitelist || options.forbidNonWhitelisted === true)
  );
}

function compileRules(rules: readonly Rule[], targetName: string | undefined, storage: Storage): ClassRules | null {
  if (rules.some((rule) => !KNOWN_TYPES.has(rule.type))) return null;
  const checked = (rule: Rule): CheckedRule | null => {
    const constraints = storage.getTargetValidatorConstraints(rule.constraintCls);
    // A rule whose constraint is not registered yet: the library is asked, as it would look again.
    if (!constraints.length) return null;
    const validators = constraints.map((c) => c.instance as Validator);
    const args = {
      targetName,
      property: rule.propertyName,
      object: {},
      value: undefined,
      constraints: rule.constraints,
    };
    return { rule, validators, args: args as ValidationArguments };
  };
  const byName = new Map<string, Rule[]>();
  for (const rule of rules) {
    let list = byName.get(rule.propertyName);
    if (!list) byName.set(rule.propertyName, (list = []));
    list.push(rule);
  }
  const properties: PropertyRules[] = [];
  for (const [name, own] of byName) {
    const defined = own.filter((r) => r.type === ValidationTypes.IS_DEFINED).map(checked);
    const custom = own.filter((r) => r.type === ValidationTypes.CUSTOM_VALIDATION).map(checked);
    if (defined.includes(null) || custom.includes(null)) return null;
    properties.push({
      name,
      conditions: own.filter((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION),
      defined: defined as CheckedRule[],
      custom: custom as CheckedRule[],
      nested: own.filter((r) => r.type === ValidationTypes.NESTED_VALIDATION),
    });
  }
  return { names: new Set(byName.keys()), properties };
}
