import type { FieldProblem } from '@switchboard/core';

type FieldCheck = (dto: never) => FieldProblem[];
const CHECKS = new WeakMap<object, FieldCheck>();

/**
 * Rules a DTO's decorators cannot express (a destination that must be a possible phone
 * number, limits on a map's keys), run by the validation pipe beside the decorators so one
 * answer names every bad field. The check sees a value that may break the decorators' rules
 * too, and must not assume their types.
 */
export function ChecksFields<T>(check: (dto: T) => FieldProblem[]): ClassDecorator {
  return (target) => void CHECKS.set(target, check as FieldCheck);
}

/** The extra check of the class `dto` is an instance of, if it has one. */
export function fieldCheckOf(dto: object): ((dto: object) => FieldProblem[]) | undefined {
  const check = CHECKS.get(Object.getPrototypeOf(dto)?.constructor);
  return check as ((dto: object) => FieldProblem[]) | undefined;
}

/**
 * A PATCH body's `null` on a field whose column cannot be empty. Mapped partial types make
 * every field optional, and class-validator's optional lets `null` through as "absent", so
 * without this the null reached the database (a 500) or was stored where a value belongs.
 */
export function refuseNull<T>(...fields: (keyof T & string)[]): (dto: T) => FieldProblem[] {
  return (dto) =>
    fields
      .filter((field) => (dto as Record<string, unknown>)[field] === null)
      .map((field) => ({ field, message: 'must not be null (leave it out to keep the current value)' }));
}
