import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import type { FieldProblem } from '@switchboard/core';
import { ValidationFailedError } from '@switchboard/core';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { getMetadataStorage } from 'class-validator';
import { fieldCheckOf } from './field-checks';
import { nulCharacterProblems } from './nul-characters';
import { memoizeValidationMetadata } from './validation-metadata-cache';
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

/** The DTO pipe, preceded by the one check every string needs: no NUL, which Postgres cannot store. */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = nulCharacterProblems(value);
      if (problems.length) throw new ValidationFailedError(problems);
    }
    return super.transform(value, metadata);
  }

  // The one place that holds the built DTO: its extra check runs here, beside the decorators.
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
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
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    // Kept on every error, also those with children: an absent value is how a required field is told apart.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
