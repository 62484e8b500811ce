import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import type { FieldProblem } from '@switchboard/core';
import { ValidationFailedError } from '@switchboard/core';
import * as classTransformer from 'class-transformer';
import { plainToInstance } from 'class-transformer';
import * as classValidator from 'class-validator';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { getMetadataStorage } from 'class-validator';
import { fieldCheckOf } from './field-checks';
import { nulCharacterProblems } from './nul-characters';
import { memoizeValidationMetadata } from './validation-metadata-cache';
import { ValidationFastPath } from './validation-fast-path';
import { firstBrokenRule } from './validation-order';

/** `to[1]`, `metadata.plan`: the field names clients see in `details`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = !error.property
      ? parent || 'body'
      : /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : parent
          ? `${parent}.${error.property}`
          : error.property;
    // One entry per bad field: the first rule it breaks, in the order required, type, range.
    const message = firstBrokenRule(error);
    const own =
      message === undefined
        ? []
        : [
            {
              field,
              message: !error.property && message.startsWith('an unknown value') ? 'must be a JSON object' : message,
            },
          ];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** `to[1]` → `to`, `metadata.plan` → `metadata`. */
const topField = (field: string) => /^[^.[]*/.exec(field)![0];

/**
 * The decorators' problems and the DTO's extra check's in one list, one entry per field in
 * the order the DTO declares its fields. A field the decorators already refused is not
 * checked again: its value is not what the extra check expects.
 */
export function mergeFieldProblems(
  own: FieldProblem[],
  extra: FieldProblem[],
  declared: string[] = [],
): FieldProblem[] {
  const refused = new Set(own.map((p) => topField(p.field)));
  const merged = [...own, ...extra.filter((p) => !refused.has(topField(p.field)))];
  const position = (p: FieldProblem) => {
    const i = declared.indexOf(topField(p.field));
    return i === -1 ? declared.length : i;
  };
  return merged
    .map((p, i) => ({ p, i }))
    .sort((a, b) => position(a.p) - position(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

const declaredFields = (dto: object): string[] => [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(Object.getPrototypeOf(dto).constructor, '', true, false)
      .map((m) => m.propertyName),
  ),
];

/**
 * A request body as the JSON parser hands it over (src/common/json-body.ts): a plain object
 * from JSON.parse, with nothing but JSON values inside, and no `__proto__` key (refused
 * there). Webhook bodies are Buffers and no body is `undefined`: neither is one.
 */
const isParsedJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Nest's prototype-key stripping over a JSON value, which has none of what its general walk
 * guards against (cycles, array holes, binary values, built-in objects): the same keys go.
 */
export function stripPrototypeKeys(value: unknown): void {
  const stack = [value];
  while (stack.length) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (const item of current as unknown[]) stack.push(item); // no spread: a long array would overflow the call's arguments
      continue;
    }
    const object = current as Record<string, unknown>;
    for (const key of ['__proto__', 'prototype', 'constructor']) if (Object.hasOwn(object, key)) delete object[key];
    for (const key in object) stack.push(object[key]);
  }
}

/** The DTO pipe, preceded by the one check every string needs: no NUL, which Postgres cannot store. */
class GatewayValidationPipe extends ValidationPipe {
  private readonly fastPath = new ValidationFastPath();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = nulCharacterProblems(value);
      if (problems.length) throw new ValidationFailedError(problems);
    }
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata) && isParsedJsonObject(value))
      return this.transformJsonBody(value, metadata.metatype);
    return super.transform(value, metadata);
  }

  /**
   * Nest's transform for the one case every API body is: a parsed JSON object into a DTO
   * class, with this pipe's options (transform on, error values kept). Its general path
   * walks the body three more times first (array holes, prototype keys, binary values), of
   * which only the prototype keys can occur in JSON: those walks were 1.8 % of a create's
   * profiled CPU (bench/README.md, the change table).
   */
  private async transformJsonBody(value: Record<string, unknown>, metatype: new () => object): Promise<object> {
    stripPrototypeKeys(value);
    const entity = plainToInstance(metatype, value, this.transformOptions);
    const errors = await this.validate(entity, {
      ...this.validatorOptions,
      validationError: { target: false, ...this.validatorOptions.validationError },
    });
    if (errors.length) throw await this.exceptionFactory(errors);
    return entity;
  }

  // The one place that holds the built DTO: its extra check runs here, beside the decorators.
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    // The library only for its errors: a body it would pass is told so without its error tree.
    const errors = this.fastPath.isValid(object, options) ? [] : await super.validate(object, options);
    const check = fieldCheckOf(object);
    if (!check) return errors;
    const extra = check(object);
    if (!errors.length && !extra.length) return [];
    throw new ValidationFailedError(mergeFieldProblems(flattenValidationErrors(errors), extra, declaredFields(object)));
  }
}

export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  return new GatewayValidationPipe({
    // Given, not loaded by the pipe itself: then its `validate` works from the first request on
    // (transformJsonBody calls it without Nest's transform, which awaits the load).
    validatorPackage: classValidator,
    transformerPackage: classTransformer,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    // Kept on every error, also those with children: an absent value is how a required field is told apart.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
