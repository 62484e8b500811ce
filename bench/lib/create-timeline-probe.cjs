// Preloaded into the gateway child by bench/create-timeline.mjs (`node --require`): stamps the
// moments of each POST /v1/calls with hrtime, from the request's arrival to its response
// leaving, and answers the parent's `{ type: 'timeline' }` with every request's marks. Meant
// for creates sent one at a time: a request that overlaps another is dropped, since its marks
// could not be told apart. Bench-only: it wraps prototypes of the build it is loaded with.
const http = require('node:http');
const diagnostics = require('node:diagnostics_channel');
const { join } = require('node:path');

const dist = process.env.BENCH_DIST;
const fromDist = (path) => require(join(dist, path));
const fromDeps = (name) => require(require.resolve(name, { paths: [dist] }));
const now = () => Number(process.hrtime.bigint()) / 1e6;

let current = null;
let overlapped = false;
const finished = [];
const mark = (label) => {
  if (current) current.push([label, now()]);
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === 'request' && req.method === 'POST' && req.url === '/v1/calls') {
    if (current) overlapped = true;
    const marks = [['request received', now()]];
    current = marks;
    const end = res.end;
    res.end = function (...args) {
      marks.push(['response end', now()]);
      return end.apply(this, args);
    };
    res.once('finish', () => {
      marks.push(['response flushed', now()]);
      if (current === marks) {
        if (!overlapped) finished.push(marks);
        current = null;
        overlapped = false;
      }
    });
  }
  return emit.apply(this, arguments);
};

/** Marks `label start` when a method is called and `label done` when it returns or its promise settles. */
function around(proto, method, label) {
  const original = proto[method];
  proto[method] = function (...args) {
    mark(`${label} start`);
    const result = original.apply(this, args);
    if (result && typeof result.then === 'function')
      result.then(
        () => mark(`${label} done`),
        () => {},
      );
    else mark(`${label} done`);
    return result;
  };
}

around(fromDist('src/auth/auth.guard.js').AuthGuard.prototype, 'canActivate', 'AuthGuard');
around(fromDist('src/auth/key-throttler.guard.js').KeyThrottlerGuard.prototype, 'canActivate', 'KeyThrottlerGuard');
around(fromDist('src/calls/calls.service.js').CallsService.prototype, 'create', 'CallsService.create');
around(fromDist('src/ledger/call-ledger.js').CallLedger.prototype, 'open', 'CallLedger.open');
around(fromDist('src/routing/dispatcher.js').Dispatcher.prototype, 'place', 'Dispatcher.place');
around(fromDist('src/ledger/call-ledger.js').CallLedger.prototype, 'applyIfUnchanged', 'CallLedger.applyIfUnchanged');

// The vendor transport chain, outermost layer (the rate budget): entered and left.
const budgets = fromDist('src/routing/rate-budget/rate-budgets.service.js').RateBudgets.prototype;
const guard = budgets.guard;
budgets.guard = function (...args) {
  const transport = guard.apply(this, args);
  return {
    ...transport,
    request(request) {
      mark('vendor chain entered');
      const response = transport.request(request);
      response.then(
        () => mark('vendor chain left'),
        () => {},
      );
      return response;
    },
  };
};
const { Agent } = fromDeps('undici');
const agentRequest = Agent.prototype.request;
Agent.prototype.request = function (...args) {
  mark('undici request');
  return agentRequest.apply(this, args);
};
diagnostics.subscribe('undici:client:sendHeaders', () => mark('vendor request written'));
diagnostics.subscribe('undici:request:headers', () => mark('vendor headers'));
diagnostics.subscribe('undici:request:trailers', () => mark('vendor body'));

// A statement is on the wire once its Sync is written; its answer is complete at ReadyForQuery.
// Each is named by its text as the pool's client is given it (a create's INSERT and its budget
// take, when its lease is empty, are in flight at once, on two connections, so their order
// says nothing).
const kindOf = (text) =>
  text.startsWith('WITH inserted AS')
    ? 'INSERT'
    : /switchboard_(take|lease)_rate_budget/.test(text)
      ? 'budget take'
      : text.includes('UPDATE calls')
        ? 'UPDATE'
        : 'statement';
const Client = fromDeps('pg/lib/client');
const clientQuery = Client.prototype.query;
Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text;
  if (this.connection && typeof text === 'string') this.connection.probeKind = kindOf(text);
  return clientQuery.call(this, config, ...rest);
};
const Connection = fromDeps('pg/lib/connection');
const sync = Connection.prototype.sync;
Connection.prototype.sync = function (...args) {
  mark(`${this.probeKind ?? 'statement'} written`);
  return sync.apply(this, args);
};
const connectionEmit = Connection.prototype.emit;
Connection.prototype.emit = function (event) {
  if (event === 'readyForQuery') mark(`${this.probeKind ?? 'statement'} answered`);
  return connectionEmit.apply(this, arguments);
};

process.on('message', (msg) => {
  if (msg?.type !== 'timeline') return;
  process.send({ type: 'timeline', requests: finished.splice(0) });
});
