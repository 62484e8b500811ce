import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResponse, HttpTransport } from '@switchboard/core';
import { ProviderError, TransportError } from '@switchboard/core';
import type { CircuitSettings } from './circuit-breakers';
import { CircuitBreakers } from './circuit-breakers';

const SETTINGS: CircuitSettings = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  samplingWindowMs: 30_000,
  samplingMinRequests: 10,
  halfOpenAfterMs: 1_000,
};
const CONNECTION = 'con_01h455vb4pex5vsknk084sn02q';
const REQUEST = { method: 'GET', url: 'http://vendor.invalid/calls' } as const;

/**
 * A transport answering from a script, counting what reached it. The breaker's rules are
 * about what the transport returned, so they are shown here without a server; the e2e suite
 * shows the same against a simulator over HTTP.
 */
function scripted() {
  const state = { answer: (): Promise<HttpResponse> => Promise.resolve(status(200)), sent: 0 };
  const transport: HttpTransport = {
    request: () => {
      state.sent += 1;
      return state.answer();
    },
  };
  return { state, transport };
}
const status = (code: number): HttpResponse => ({ status: code, headers: {}, body: null });
const refused = () => Promise.reject(new TransportError('connect ECONNREFUSED', false, 'refused'));

async function outcome(http: HttpTransport): Promise<number | string> {
  try {
    return (await http.request(REQUEST)).status;
  } catch (e) {
    return e instanceof ProviderError
      ? `local:${e.vendorCode}`
      : e instanceof TransportError
        ? `transport:${e.reason}`
        : `error:${(e as Error).message}`;
  }
}

describe(CircuitBreakers.name, () => {
  let sut: CircuitBreakers;
  beforeEach(() => {
    mock.timers.enable({ apis: ['Date'], now: 1_700_000_000_000 });
    sut = new CircuitBreakers(SETTINGS);
  });
  afterEach(() => mock.timers.reset());

  it('opens after repeated 5xx and then refuses without sending, naming the next probe time', async () => {
    const { state, transport } = scripted();
    const http = sut.guard(CONNECTION, 'kalem', transport);
    state.answer = () => Promise.resolve(status(503));
    for (let i = 0; i < 3; i++) assert.equal(await outcome(http), 503);
    assert.equal(sut.state(CONNECTION), 'open');
    assert.equal(sut.isOpen(CONNECTION), true);
    assert.equal(sut.nextProbeAt(CONNECTION)?.toISOString(), new Date(1_700_000_001_000).toISOString());

    const error = await http.request(REQUEST).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProviderError);
    assert.equal(error.local, true);
    assert.equal(error.kind, 'retryable');
    assert.equal(error.vendorCode, 'circuit_open');
    assert.equal(
      error.message,
      `kalem connection ${CONNECTION}: circuit open after repeated failures; next probe at 2023-11-14T22:13:21.000Z`,
    );
    assert.equal(state.sent, 3, 'nothing sent while open');
  });

  it('counts transport failures (refused, timeouts after sending) and 408 as failures', async () => {
    const { state, transport } = scripted();
    const http = sut.guard(CONNECTION, 'klen', transport);
    const answers = [
      refused,
      () => Promise.reject(new TransportError('timeout of 10000ms exceeded', true, 'timeout')),
      () => Promise.resolve(status(408)),
    ];
    for (const answer of answers) {
      state.answer = answer;
      await outcome(http);
    }
    assert.equal(sut.state(CONNECTION), 'open');
  });

  it('4xx, 429 and 2xx are successes: they break a run of failures', async () => {
    const { state, transport } = scripted();
    // The failure rate (8 of 12 here) would open it too: this is about the run alone.
    sut = new CircuitBreakers({ ...SETTINGS, samplingMinRequests: 1_000 });
    const http = sut.guard(CONNECTION, 'klen', transport);
    for (const code of [400, 404, 429, 201]) {
      state.answer = () => Promise.resolve(status(500));
      await outcome(http);
      await outcome(http);
      state.answer = () => Promise.resolve(status(code));
      assert.equal(await outcome(http), code);
      assert.equal(sut.state(CONNECTION), 'closed', `${code} after two 500s`);
    }
  });

  it('an error that is not a transport failure counts neither way and passes through', async () => {
    const { state, transport } = scripted();
    const http = sut.guard(CONNECTION, 'klen', transport);
    state.answer = () => Promise.resolve(status(500));
    await outcome(http);
    await outcome(http);
    state.answer = () => Promise.reject(new Error('refused by a guard further in'));
    assert.equal(await outcome(http), 'error:refused by a guard further in');
    assert.equal(sut.state(CONNECTION), 'closed', 'not a third failure');
    state.answer = () => Promise.resolve(status(500));
    await outcome(http);
    assert.equal(sut.state(CONNECTION), 'open', 'nor a success: the run of two went on');
  });

  it('half-open: one probe is sent, others are refused while it runs, its success closes the circuit', async () => {
    const { state, transport } = scripted();
    const http = sut.guard(CONNECTION, 'hmsovereign', transport);
    state.answer = refused;
    for (let i = 0; i < 3; i++) await outcome(http);
    mock.timers.tick(999);
    assert.equal(sut.state(CONNECTION), 'open');
    mock.timers.tick(1);
    assert.equal(sut.state(CONNECTION), 'half_open', 'due for its probe');
    assert.equal(sut.isOpen(CONNECTION), false, 'a router may spend the probe');

    let answerProbe!: (r: HttpResponse) => void;
    state.answer = () => new Promise((resolve) => (answerProbe = resolve));
    const probe = outcome(http);
    assert.equal(sut.isOpen(CONNECTION), true, 'refusing while the probe runs');
    assert.equal(await outcome(http), 'local:circuit_open');
    assert.equal(state.sent, 4, 'only the probe was sent');
    answerProbe(status(200));
    assert.equal(await probe, 200);
    assert.equal(sut.state(CONNECTION), 'closed');
    assert.equal(sut.nextProbeAt(CONNECTION), null);
  });

  it('a failed probe opens the circuit for another wait', async () => {
    const { state, transport } = scripted();
    const http = sut.guard(CONNECTION, 'kaicalls', transport);
    state.answer = () => Promise.resolve(status(502));
    for (let i = 0; i < 3; i++) await outcome(http);
    mock.timers.tick(1_000);
    assert.equal(await outcome(http), 502, 'the probe reached the vendor');
    assert.equal(sut.state(CONNECTION), 'open');
    assert.equal(sut.nextProbeAt(CONNECTION)?.getTime(), Date.now() + 1_000);
    assert.equal(await outcome(http), 'local:circuit_open');
  });

  it('a probe that learned nothing (a neutral error) re-opens rather than closes', async () => {
    const { state, transport } = scripted();
    const http = sut.guard(CONNECTION, 'kaicalls', transport);
    state.answer = refused;
    for (let i = 0; i < 3; i++) await outcome(http);
    mock.timers.tick(1_000);
    state.answer = () => Promise.reject(new Error('refused by a guard further in'));
    assert.equal(await outcome(http), 'error:refused by a guard further in');
    assert.equal(sut.state(CONNECTION), 'open');
  });

  it('each connection has its own breaker; reset forgets one', async () => {
    const { state, transport } = scripted();
    const other = 'con_01h455vb4pex5vsknk084sn02r';
    const http = sut.guard(CONNECTION, 'kalem', transport);
    const otherHttp = sut.guard(other, 'kalem', transport);
    state.answer = () => Promise.resolve(status(500));
    for (let i = 0; i < 3; i++) await outcome(http);
    assert.equal(sut.state(CONNECTION), 'open');
    assert.equal(sut.state(other), 'closed');
    state.answer = () => Promise.resolve(status(200));
    assert.equal(await outcome(otherHttp), 200);
    sut.reset(CONNECTION);
    assert.equal(sut.state(CONNECTION), 'closed');
    assert.equal(await outcome(http), 200, 'sent again at once');
  });
});
