// Counts the SQL statements a client sends to PostgreSQL, from the wire: a loopback TCP proxy
// in front of the server that reads the frontend protocol (simple Query, and Parse / Bind /
// Execute of the extended protocol). pg_stat_statements would need a server restart to be
// loaded (it is not in shared_preload_libraries here) and log_statement needs access to the
// server's log; this needs neither and sees exactly what the gateway's pool sends.
import { createServer, connect } from 'node:net';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

/** A C string at `offset` of `buf`, and the offset after its terminating zero. */
function cstring(buf, offset) {
  const end = buf.indexOf(0, offset);
  return [buf.toString('utf8', offset, end), end + 1];
}

/** The parameter values of a Bind message from `offset` (after the portal and statement names), as text; null for NULL or binary ones. */
function bindParameters(body, offset) {
  const formatCount = body.readInt16BE(offset);
  const formats = [];
  for (let i = 0; i < formatCount; i++) formats.push(body.readInt16BE(offset + 2 + 2 * i));
  let at = offset + 2 + 2 * formatCount;
  const count = body.readInt16BE(at);
  at += 2;
  const params = [];
  for (let i = 0; i < count; i++) {
    const len = body.readInt32BE(at);
    at += 4;
    const binary = (formats.length === 1 ? formats[0] : (formats[i] ?? 0)) === 1;
    params.push(len < 0 || binary ? null : body.toString('utf8', at, at + len));
    if (len > 0) at += len;
  }
  return params;
}

/**
 * Starts the proxy towards `target` (host, port). `statements` counts executions by statement
 * text (whitespace squeezed); reset() zeroes it. Every counted execution is one statement the
 * server ran: a simple Query of several statements counts once (the gateway sends none).
 */
export async function startWireCounter(target) {
  let statements = new Map();
  let captured = null;
  const count = (text, params) => {
    const key = text.replace(/\s+/g, ' ').trim();
    statements.set(key, (statements.get(key) ?? 0) + 1);
    captured?.push({ text, params: params ?? [] });
  };
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const prepared = new Map(); // statement name → text, per connection as Postgres keeps them
    const portals = new Map(); // portal name → { statement name, parameters as text (null for binary or NULL) }
    let startup = true;
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const len = pending.readInt32BE(0);
          if (pending.length < len) break;
          const code = pending.readInt32BE(4);
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) startup = false;
          pending = pending.subarray(len);
          continue;
        }
        if (pending.length < 5) break;
        const len = pending.readInt32BE(1);
        if (pending.length < 1 + len) break;
        const type = String.fromCharCode(pending[0]);
        const body = pending.subarray(5, 1 + len);
        if (type === 'Q') count(cstring(body, 0)[0]);
        else if (type === 'P') {
          const [name, next] = cstring(body, 0);
          prepared.set(name, cstring(body, next)[0]);
        } else if (type === 'B') {
          const [portal, next] = cstring(body, 0);
          const [statement, at] = cstring(body, next);
          portals.set(portal, { statement, params: captured ? bindParameters(body, at) : null });
        } else if (type === 'E') {
          const bound = portals.get(cstring(body, 0)[0]);
          count(prepared.get(bound?.statement) ?? '(unknown prepared statement)', bound?.params);
        }
        pending = pending.subarray(1 + len);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  return {
    port: server.address().port,
    total: () => [...statements.values()].reduce((a, b) => a + b, 0),
    snapshot: () => new Map(statements),
    /** Records every execution's text and parameters until the returned function is called, which hands them over. */
    capture: () => {
      captured = [];
      return () => {
        const out = captured;
        captured = null;
        return out;
      };
    },
    reset: () => {
      statements = new Map();
    },
    close: () =>
      new Promise((res) => {
        for (const s of sockets) s.destroy();
        server.close(res);
      }),
  };
}
