// Forked child scripts of bench/ that talk to the parent over the IPC channel with
// { type } messages, plus the gateway's HTTP API and the simulators' control routes.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './options.mjs';

/**
 * next(type) waits for that message and fails if the child exits first; stop() asks, then
 * kills after 10 s. Without `execArgv` the child gets this process's Node flags, as fork gives.
 */
export function startChild(script, env, execArgv) {
  const child = fork(join(root, 'bench', script), [], {
    env: { ...process.env, ...env },
    ...(execArgv ? { execArgv } : {}),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type) =>
    new Promise((res, rej) => {
      const onMessage = (msg) => {
        if (msg.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        res(msg);
      };
      const onExit = (code) => rej(new Error(`${script} exited (${code}) while waiting for ${type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const stop = () =>
    new Promise((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        res();
      });
      child.send({ type: 'stop' });
    });
  return { child, next, stop };
}

/** `run` under the V8 sampling profiler of a child that answers profile-start / profile-stop (bench/webhook-ingest-gateway.mjs). */
export async function profileChild(started, file, run) {
  started.child.send({ type: 'profile-start' });
  await started.next('profiling');
  const result = await run();
  started.child.send({ type: 'profile-stop', path: file });
  await started.next('profiled');
  return { result, profile: JSON.parse(readFileSync(file, 'utf8')) };
}

/** A JSON client of the gateway's API as `adminKey`; a non-2xx answer throws with its body. */
export function gatewayApi(url, adminKey) {
  return async (path, init = {}) => {
    const response = await fetch(url + path, {
      ...init,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
}

/** POST to a simulator's /__sim/<path> control route. */
export function simulatorControl(origin) {
  return async (path, body) => {
    const response = await fetch(`${origin}/__sim/${path}`, {
      method: 'POST',
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`simulator ${path}: ${response.status} ${await response.text()}`);
  };
}

/** One cleanup for the normal end and for Ctrl-C, so the scratch database is dropped either way, once. */
export function cleanupOnce(fn) {
  let cleaning;
  const cleanup = () => (cleaning ??= fn());
  process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));
  return cleanup;
}
