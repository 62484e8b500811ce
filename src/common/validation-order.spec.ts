import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from 'class-validator';
import { firstBrokenRule, REQUIRED_MESSAGE } from './validation-order';
import { mergeFieldProblems } from './validation';

const error = (property: string, value: unknown, constraints: Record<string, string>): ValidationError =>
  Object.assign(new ValidationError(), { property, value, constraints, children: [] });

describe('firstBrokenRule', () => {
  it('tells an absent or null required field that it is required, whatever else it breaks', () => {
    assert.equal(
      firstBrokenRule(
        error('agent_id', undefined, {
          maxLength: 'agent_id must be shorter than or equal to 64 characters',
          isString: 'agent_id must be a string',
        }),
      ),
      REQUIRED_MESSAGE,
    );
    assert.equal(
      firstBrokenRule(
        error('name', null, {
          isLength: 'name must be longer than or equal to 1 characters',
          isString: 'name must be a string',
        }),
      ),
      REQUIRED_MESSAGE,
    );
  });

  it('puts the type before the range, whatever order class-validator lists them in', () => {
    assert.equal(
      firstBrokenRule(
        error('limit', Number.NaN, {
          max: 'limit must not be greater than 200',
          min: 'limit must not be less than 1',
          isInt: 'limit must be an integer number',
        }),
      ),
      'must be an integer number',
    );
    assert.equal(
      firstBrokenRule(
        error('priority', 'high', {
          max: 'priority must not be greater than 1000000',
          isInt: 'priority must be an integer number',
        }),
      ),
      'must be an integer number',
    );
    assert.equal(
      firstBrokenRule(
        error('customer', 'x', {
          nestedValidation: 'nested property customer must be either object or array',
          isObject: 'customer must be an object',
        }),
      ),
      'must be an object',
    );
  });

  it('puts a known rule before a custom one, and keeps class-validator order within a rank', () => {
    assert.equal(
      firstBrokenRule(
        error('HTTP_HEADERS_TIMEOUT_MS', 'x', {
          notAbove: 'HTTP_HEADERS_TIMEOUT_MS must not be larger than HTTP_REQUEST_TIMEOUT_MS',
          isInt: 'HTTP_HEADERS_TIMEOUT_MS must be an integer number',
        }),
      ),
      'must be an integer number',
    );
    assert.equal(firstBrokenRule(error('x', 'a', { min: 'x first', max: 'x second' })), 'first');
  });

  it('reports an unknown field as unknown, not as missing, and nothing for a field without broken rules of its own', () => {
    assert.equal(
      firstBrokenRule(error('extra', undefined, { whitelistValidation: 'property extra should not exist' })),
      'property extra should not exist',
    );
    assert.equal(firstBrokenRule(error('routing', {}, {})), undefined);
  });
});

describe('mergeFieldProblems', () => {
  it('adds the extra problems of fields the decorators passed, in declared field order', () => {
    const merged = mergeFieldProblems(
      [
        { field: 'agent_id', message: 'is required' },
        { field: 'metadata', message: 'must be an object' },
      ],
      [
        { field: 'to[1]', message: 'must be a phone number' },
        { field: 'metadata.0', message: 'values are strings' },
      ],
      ['to', 'agent_id', 'metadata'],
    );
    assert.deepEqual(merged, [
      { field: 'to[1]', message: 'must be a phone number' },
      { field: 'agent_id', message: 'is required' },
      { field: 'metadata', message: 'must be an object' },
    ]);
  });
});
