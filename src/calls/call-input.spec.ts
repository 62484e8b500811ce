import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkCallInput } from './call-input';
import { CreateCallDto } from './dto/call.dto';

const dtoOf = (fields: Partial<CreateCallDto>) => Object.assign(new CreateCallDto(), fields);

describe('checkCallInput', () => {
  it('answers the same for the same body, each caller with its own lists', () => {
    const dto = dtoOf({ to: ['+1 (555) 123-4567', 'not a number'] });
    const first = checkCallInput(dto);
    first.problems.push({ field: 'agent_id', message: 'no such agent' });
    first.destinations.pop();
    const second = checkCallInput(dto);
    assert.deepEqual(second.destinations, [{ kind: 'e164', value: '+15551234567' }]);
    assert.deepEqual(
      second.problems.map((p) => p.field),
      ['to[1]'],
    );
  });

  it('checks each body on its own', () => {
    assert.deepEqual(checkCallInput(dtoOf({ to: '+15551234567' })).problems, []);
    assert.deepEqual(
      checkCallInput(dtoOf({ to: '+1 555' })).problems.map((p) => p.field),
      ['to'],
    );
  });
});
