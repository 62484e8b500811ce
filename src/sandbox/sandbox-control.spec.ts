import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controlPath, controlRefusal } from './sandbox-control';

describe('controlPath', () => {
  it('reaches only the simulator’s control routes, keeping the query', () => {
    assert.equal(controlPath('scenario', ''), '/__sim/scenario');
    assert.equal(controlPath('/calls', 'limit=5'), '/__sim/calls?limit=5');
    assert.equal(controlPath('', ''), '/__sim/');
  });
});

describe('controlRefusal', () => {
  it('lets success through', () => {
    assert.equal(controlRefusal('kalem', '/__sim/reset', { status: 200, body: { ok: true } }), null);
  });

  it('turns the simulator’s problems into invalid_request with details', () => {
    const error = controlRefusal('kalem', '/__sim/faults', {
      status: 400,
      body: { error: 'invalid', problems: ['mode: one of none, error'] },
    });
    assert.equal(error?.code, 'invalid_request');
    assert.equal(error?.message, 'The kalem simulator refused it: mode: one of none, error');
    assert.deepEqual(error?.details, [{ problem: 'mode: one of none, error' }]);
  });

  it('an unknown control route is not_found, named without the simulator’s prefix', () => {
    const error = controlRefusal('klen', '/__sim/nothing', { status: 404, body: null });
    assert.equal(error?.code, 'not_found');
    assert.equal(error?.message, 'The klen simulator has no control route /nothing.');
  });

  it('any other refusal without problems still says what the simulator answered', () => {
    assert.equal(
      controlRefusal('klen', '/__sim/x', { status: 405, body: null })?.message,
      'The klen simulator answered 405.',
    );
  });
});
