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
