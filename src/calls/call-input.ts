import type { FieldProblem } from '@switchboard/core';
import type { Destination } from './destination';
import { DESTINATION_PROBLEM, normalizeDestination } from './destination';
import type { CreateCallDto } from './dto/call.dto';

export const MAX_BATCH = 100;
const MAX_METADATA_KEYS = 50;
const MAX_METADATA_VALUE = 500;

type CallInputCheck = { destinations: Destination[]; problems: FieldProblem[] };

// The validation pipe checks the body, then the service asks again for the normalized
// destinations: parsing every number twice was a measurable share of a create. The body
// object is the same one (the pipe hands its instance on), so it is checked once; callers
// get their own arrays, since the service adds its own problems to them.
const checked = new WeakMap<CreateCallDto, CallInputCheck>();

/** Checks what class-validator cannot express: destinations, batch size, metadata limits. */
export function checkCallInput(dto: CreateCallDto): CallInputCheck {
  let result = checked.get(dto);
  if (!result) checked.set(dto, (result = check(dto)));
  return { destinations: [...result.destinations], problems: [...result.problems] };
}

function check(dto: CreateCallDto): CallInputCheck {
  const problems: FieldProblem[] = [];
  const destinations: Destination[] = [];
  const list = Array.isArray(dto.to) ? dto.to : [dto.to];
  if (dto.to === undefined || dto.to === null) problems.push({ field: 'to', message: 'is required' });
  else if (Array.isArray(dto.to) && (dto.to.length === 0 || dto.to.length > MAX_BATCH))
    problems.push({ field: 'to', message: `must hold 1 to ${MAX_BATCH} numbers` });
  else
    list.forEach((value, i) => {
      const field = Array.isArray(dto.to) ? `to[${i}]` : 'to';
      const destination = typeof value === 'string' ? normalizeDestination(value) : null;
      if (!destination) problems.push({ field, message: DESTINATION_PROBLEM });
      else destinations.push(destination);
    });

  // null is absent, as for the decorators' optional fields.
  if (dto.metadata !== undefined && dto.metadata !== null) {
    const entries = Object.entries(dto.metadata);
    if (entries.length > MAX_METADATA_KEYS)
      problems.push({ field: 'metadata', message: `at most ${MAX_METADATA_KEYS} keys` });
    for (const [key, value] of entries) {
      if (key.length > 40)
        problems.push({ field: `metadata.${key.slice(0, 40)}`, message: 'keys are at most 40 characters' });
      else if (typeof value !== 'string') problems.push({ field: `metadata.${key}`, message: 'values are strings' });
      else if (value.length > MAX_METADATA_VALUE)
        problems.push({ field: `metadata.${key}`, message: `values are at most ${MAX_METADATA_VALUE} characters` });
    }
  }
  if (dto.variables !== undefined && dto.variables !== null)
    for (const [key, value] of Object.entries(dto.variables))
      if (typeof value !== 'string') problems.push({ field: `variables.${key}`, message: 'values are strings' });
  return { destinations, problems };
}
