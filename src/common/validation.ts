import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from '@switchboard/core';
import { ValidationError } from 'class-validator';
import { nulCharacterProblems } from './nul-characters';

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
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: !error.property && message.startsWith('an unknown value') ? 'must be a JSON object' : message,
    }));
    // One entry per bad field: the first constraint message is the one that matters.
    return [...own.slice(0, 1), ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The DTO pipe, preceded by the one check every string needs: no NUL, which Postgres cannot store. */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = nulCharacterProblems(value);
      if (problems.length) throw new ValidationFailedError(problems);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new GatewayValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
