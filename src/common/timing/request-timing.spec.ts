import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BusyTime } from './busy-time';
import { formatServerTiming, RequestTiming, serverTimingPhases, timedBy } from './request-timing';

/** A clock the test moves by hand, and work that ends when the test says so. */
function manualClock(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe(BusyTime.name, () => {
  it('counts overlapping intervals once and adds disjoint ones', () => {
    const sut = new BusyTime();
    sut.begin(0);
    sut.begin(5);
    sut.end(10);
    sut.end(20); // [0,20] covered by two overlapping operations: 20, not 25
    sut.begin(30);
    sut.end(35);
    assert.equal(sut.totalMs(100), 25);
  });

  it('counts an operation still open as running until now', () => {
    const sut = new BusyTime();
    sut.begin(10);
    assert.equal(sut.totalMs(15), 5);
    assert.equal(sut.totalMs(40), 30);
  });

  it('ignores an end without a begin', () => {
    const sut = new BusyTime();
    sut.end(5);
    sut.begin(10);
    sut.end(12);
    assert.equal(sut.totalMs(50), 2);
  });
});

describe(serverTimingPhases.name, () => {
  it('gives the gateway what is left of the total once waiting on the database or a vendor is taken out', () => {
    assert.deepEqual(serverTimingPhases({ totalMs: 100, dbMs: 30, vendorMs: 50, waitingMs: 80 }), {
      gatewayMs: 20,
      dbMs: 30,
      vendorMs: 50,
    });
  });

  it('never counts overlapping database and vendor time twice against the gateway', () => {
    // db and vendor overlapped by 20 ms: waiting covered 60 ms, not 80.
    assert.deepEqual(serverTimingPhases({ totalMs: 100, dbMs: 30, vendorMs: 50, waitingMs: 60 }), {
      gatewayMs: 40,
      dbMs: 30,
      vendorMs: 50,
    });
  });

  it('never goes negative', () => {
    assert.equal(serverTimingPhases({ totalMs: 10, dbMs: 6, vendorMs: 6, waitingMs: 10.0001 }).gatewayMs, 0);
  });
});

describe(formatServerTiming.name, () => {
  it('writes the three phases in milliseconds with one decimal', () => {
    assert.equal(
      formatServerTiming({ gatewayMs: 1.26, dbMs: 0.04, vendorMs: 312 }),
      'gateway;dur=1.3, db;dur=0.0, vendor;dur=312.0',
    );
  });
});

describe(RequestTiming.name, () => {
  it('has no phases when no vendor was reached, however much database time there was', async () => {
    const clock = manualClock();
    const sut = new RequestTiming(clock.now(), clock.now);
    await sut.measure('db', async () => void clock.advance(5));
    assert.equal(sut.finish(), null);
  });

  it('splits a sequential request into gateway, db and vendor time', async () => {
    const clock = manualClock();
    const sut = new RequestTiming(clock.now(), clock.now);
    clock.advance(2); // auth, validation
    await sut.measure('db', async () => void clock.advance(3));
    await sut.measure('vendor', async () => {
      clock.advance(40);
      sut.markVendorReached();
    });
    await sut.measure('db', async () => void clock.advance(4));
    clock.advance(1); // serialization
    assert.deepEqual(sut.finish(), { gatewayMs: 3, dbMs: 7, vendorMs: 40 });
  });

  it('counts concurrent queries and vendor requests by the wall time they covered', async () => {
    const clock = manualClock();
    const sut = new RequestTiming(clock.now(), clock.now);
    const query = deferred();
    const vendor = deferred();
    const q = sut.measure('db', () => query.promise); // db from 0
    clock.advance(10);
    const v = sut.measure('vendor', () => vendor.promise); // vendor from 10
    const q2 = sut.measure('db', () => Promise.resolve()); // a concurrent query inside [0, 20]
    clock.advance(10);
    query.resolve();
    await q;
    await q2;
    clock.advance(30);
    vendor.resolve();
    await v;
    sut.markVendorReached();
    clock.advance(5);
    // total 55; db [0,20]; vendor [10,50]; either busy [0,50].
    assert.deepEqual(sut.finish(), { gatewayMs: 5, dbMs: 20, vendorMs: 40 });
  });

  it('counts the time of work that fails', async () => {
    const clock = manualClock();
    const sut = new RequestTiming(clock.now(), clock.now);
    await assert.rejects(
      sut.measure('vendor', async () => {
        clock.advance(7);
        sut.markVendorReached();
        throw new Error('HTTP 500');
      }),
    );
    assert.equal(sut.finish()?.vendorMs, 7);
  });

  it('answers work that throws before it returns a promise with a rejection, its time closed', async () => {
    const clock = manualClock();
    const sut = new RequestTiming(clock.now(), clock.now);
    sut.markVendorReached();
    const measured = sut.measure('db', () => {
      throw new Error('no connection');
    });
    clock.advance(5);
    await assert.rejects(measured, /no connection/);
    assert.deepEqual(sut.finish(), { gatewayMs: 5, dbMs: 0, vendorMs: 0 });
  });

  it('stops counting once the response is out', async () => {
    const clock = manualClock();
    const sut = new RequestTiming(clock.now(), clock.now);
    sut.markVendorReached();
    sut.finish();
    await sut.measure('db', async () => void clock.advance(50));
    assert.deepEqual(sut.finish(), { gatewayMs: 50, dbMs: 0, vendorMs: 0 });
  });
});

describe(timedBy.name, () => {
  it("measures into the request's timing it is given, and runs work untouched without one", async () => {
    const clock = manualClock();
    const first = new RequestTiming(clock.now(), clock.now);
    const second = new RequestTiming(clock.now(), clock.now);
    first.markVendorReached();
    second.markVendorReached();
    await timedBy(first, 'vendor', async () => void clock.advance(300));
    await timedBy(second, 'db', async () => void clock.advance(20));
    assert.equal(await timedBy(undefined, 'db', async () => 'outside'), 'outside');
    assert.deepEqual(first.finish(), { gatewayMs: 20, dbMs: 0, vendorMs: 300 });
    assert.deepEqual(second.finish(), { gatewayMs: 300, dbMs: 20, vendorMs: 0 });
  });
});
