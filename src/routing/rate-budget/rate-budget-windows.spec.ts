import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RateLimitWindow } from '@switchboard/core';
import {
  blockDurationMs,
  blockedScopeFor,
  budgetView,
  describeWindow,
  effectiveWindows,
  LEASE_MAX_UNITS,
  leaseSlackMs,
  leaseTerms,
  rateLimitOverrideProblem,
  viewedWindows,
  windowsFor,
} from './rate-budget-windows';

const KALEM: RateLimitWindow[] = [
  { scope: 'requests', limit: 60, windowSeconds: 60 },
  { scope: 'requests', limit: 1000, windowSeconds: 3600 },
];
const KAICALLS: RateLimitWindow[] = [
  { scope: 'calls', limit: 60, windowSeconds: 60 },
  { scope: 'reads', limit: 300, windowSeconds: 60 },
];
const now = new Date('2026-03-01T12:00:00.000Z');

describe('effectiveWindows', () => {
  it("keeps the vendor's documented windows, in ms", () => {
    assert.deepEqual(effectiveWindows(KALEM, {}), [
      { scope: 'requests', limit: 60, windowMs: 60_000, slackMs: 0 },
      { scope: 'requests', limit: 1000, windowMs: 3_600_000, slackMs: 0 },
    ]);
    assert.deepEqual(effectiveWindows(KALEM, null), effectiveWindows(KALEM, {}));
  });

  it('replaces the window of the same scope and length, adds new ones, and 0 removes one', () => {
    const windows = effectiveWindows(KALEM, { requests_per_minute: 30, requests_per_hour: 0, calls_per_day: 100 });
    assert.deepEqual(windows, [
      { scope: 'requests', limit: 30, windowMs: 60_000, slackMs: 0 },
      { scope: 'calls', limit: 100, windowMs: 86_400_000, slackMs: 0 },
    ]);
  });

  it('ignores entries that are not valid overrides', () => {
    assert.deepEqual(
      effectiveWindows(KALEM, { calls_per_week: 5, requests_per_minute: -1, reads_per_minute: 2.5 }),
      effectiveWindows(KALEM, {}),
    );
  });
});

describe('rateLimitOverrideProblem', () => {
  it('accepts <scope>_per_<period> with a whole number from 0', () => {
    assert.equal(rateLimitOverrideProblem('calls_per_minute', 3), null);
    assert.equal(rateLimitOverrideProblem('agent_updates_per_second', 0), null);
  });
  it('names what is wrong', () => {
    assert.match(rateLimitOverrideProblem('calls_per_week', 3)!, /unknown rate limit/);
    assert.match(rateLimitOverrideProblem('dials_per_minute', 3)!, /unknown rate limit/);
    assert.match(rateLimitOverrideProblem('calls_per_minute', 1.5)!, /integer/);
    assert.match(rateLimitOverrideProblem('calls_per_minute', '3')!, /integer/);
  });
});

describe('which windows and blocks a request meets', () => {
  const windows = effectiveWindows(KAICALLS, {});
  it('counts a request only against windows of its scopes', () => {
    assert.deepEqual(windowsFor(windows, ['requests', 'calls']), [
      { scope: 'calls', limit: 60, windowMs: 60_000, slackMs: 0 },
    ]);
    assert.deepEqual(windowsFor(windows, ['requests']), []);
  });

  it("blocks, on a vendor 429, the narrowest of the request's scopes the vendor limits", () => {
    assert.equal(blockedScopeFor(windows, ['requests', 'calls']), 'calls');
    assert.equal(blockedScopeFor(windows, ['requests', 'reads']), 'reads');
    // Kalem counts every request together: a 429 to a read stops the creates too.
    assert.equal(blockedScopeFor(effectiveWindows(KALEM, {}), ['requests', 'reads']), 'requests');
    assert.equal(blockedScopeFor([], ['requests', 'calls']), 'requests');
  });

  it("blocks until the vendor's reset time, bounded, or for the shortest window without one", () => {
    assert.equal(blockDurationMs(new Date(now.getTime() + 5_500), now, windows), 5_500);
    assert.equal(blockDurationMs(new Date(now.getTime() - 5_000), now, windows), 1_000);
    assert.equal(blockDurationMs(new Date(now.getTime() + 10 * 86_400_000), now, windows), 86_400_000);
    assert.equal(blockDurationMs(undefined, now, effectiveWindows(KALEM, {})), 60_000);
    assert.equal(blockDurationMs(undefined, now, []), 60_000);
  });
});

describe('budgetView', () => {
  const kalem = effectiveWindows(KALEM, {});
  it('reports the window with the least left, and when it next frees', () => {
    const view = budgetView(
      kalem,
      [
        { used: 10, freesInMs: 20_000 },
        { used: 995, freesInMs: 1_800_000 },
      ],
      0,
      now,
    );
    assert.deepEqual(view, { remaining: 5, reset_at: '2026-03-01T12:30:00.000Z' });
  });

  it('shows a spent window as 0 left until it frees, and an untouched budget as full with no reset', () => {
    assert.deepEqual(
      budgetView(
        kalem,
        [
          { used: 60, freesInMs: 1_500 },
          { used: 60, freesInMs: 1_500 },
        ],
        0,
        now,
      ),
      {
        remaining: 0,
        reset_at: '2026-03-01T12:00:01.500Z',
      },
    );
    assert.deepEqual(
      budgetView(
        kalem,
        [
          { used: 0, freesInMs: null },
          { used: 0, freesInMs: null },
        ],
        0,
        now,
      ),
      { remaining: 60, reset_at: null },
    );
  });

  it('shows a vendor block as nothing left until it ends', () => {
    assert.deepEqual(
      budgetView(
        kalem,
        [
          { used: 1, freesInMs: 10 },
          { used: 1, freesInMs: 10 },
        ],
        4_000,
        now,
      ),
      {
        remaining: 0,
        reset_at: '2026-03-01T12:00:04.000Z',
      },
    );
  });

  it('has nothing to say without windows', () => {
    assert.deepEqual(budgetView([], [], 0, now), { remaining: null, reset_at: null });
  });

  it("views the calls scope's windows, else the requests scope's", () => {
    assert.deepEqual(viewedWindows(effectiveWindows(KAICALLS, {})), [
      { scope: 'calls', limit: 60, windowMs: 60_000, slackMs: 0 },
    ]);
    assert.deepEqual(viewedWindows(kalem), kalem);
  });

  it('describes a window for messages', () => {
    assert.equal(
      describeWindow({ scope: 'agent_creates', limit: 30, windowMs: 60_000, slackMs: 0 }),
      '30 agent creates per 60 s',
    );
  });
});

describe('lease terms', () => {
  it('gives a window slack only when its rate over that slack is two units or more', () => {
    // Kalem's documented windows: one a second at most, so they stay exact.
    assert.deepEqual(
      effectiveWindows(KALEM, {}).map((w) => w.slackMs),
      [0, 0],
    );
    assert.equal(leaseSlackMs(120, 60_000), 1_000);
    assert.equal(leaseSlackMs(119, 60_000), 0);
    // A twentieth of a short window, never more than a second of a long one.
    assert.equal(leaseSlackMs(1_000, 1_000), 50);
    assert.equal(leaseSlackMs(39, 1_000), 0);
    assert.equal(leaseSlackMs(1_000_000, 86_400_000), 1_000);
  });

  it("leases for the least slack of a take's windows, no more units than any of them averages in it", () => {
    const windows = effectiveWindows(KALEM, { requests_per_minute: 1_000_000, requests_per_hour: 1_000_000 });
    // 1 000 000 an hour is 277 a second: capped at LEASE_MAX_UNITS.
    assert.deepEqual(leaseTerms(windows), { lifeMs: 1_000, maxUnits: LEASE_MAX_UNITS });
    assert.deepEqual(leaseTerms(effectiveWindows(KALEM, { requests_per_minute: 600, requests_per_hour: 0 })), {
      lifeMs: 1_000,
      maxUnits: 10,
    });
    // One exact window among them: no lease (a unit at a time, spent at once).
    const mixed = effectiveWindows(KAICALLS, { reads_per_minute: 600_000 });
    assert.deepEqual(leaseTerms(mixed), { lifeMs: 0, maxUnits: 1 });
    assert.deepEqual(leaseTerms([]), { lifeMs: 1_000, maxUnits: LEASE_MAX_UNITS });
  });
});
