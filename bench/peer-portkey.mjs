// Child process of bench/suite.mjs: the Portkey gateway from bench/peer (its own install, never
// a dependency of the project), bound to loopback. Its server entry listens on every interface
// and takes only --port, so listen() is narrowed to 127.0.0.1 before the entry is loaded.
//   env: BENCH_PEER_PORT
//   → { type: 'ready', pid, url }   ← { type: 'stop' } → exits
import net from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib/options.mjs';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  // serve() calls listen(port, undefined, cb) or listen({ port }); both become loopback-only.
  if (typeof args[0] === 'object' && args[0] !== null)
    return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  const callback = args.find((a) => typeof a === 'function');
  return listen.call(this, args[0], '127.0.0.1', ...(callback ? [callback] : []));
};

const port = Number(process.env.BENCH_PEER_PORT);
process.argv = [process.argv[0], 'portkey', `--port=${port}`, '--headless'];
// It prints a banner with console.clear and a spinner on stdout; the suite's output stays readable without them (errors still reach stderr).
console.clear = () => {};
console.log = () => {};
process.stdout.write = () => true;
const peerRequire = createRequire(join(root, 'bench/peer/package.json'));
await import(pathToFileURL(peerRequire.resolve('@portkey-ai/gateway/build/start-server.js')).href);
process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
process.on('message', (msg) => msg.type === 'stop' && process.exit(0));
process.send?.({ type: 'ready', pid: process.pid, url: `http://127.0.0.1:${port}` });
