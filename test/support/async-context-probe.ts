/**
 * Loaded into a gateway process with `--require`: reports on stderr each first use, per call
 * site, of what turns on Node's promise hooks for the whole process (an AsyncLocalStorage
 * entered, an async hook created). The gateway uses none (src/common/request-context.ts).
 */
import asyncHooks = require('node:async_hooks');

const seen = new Set<string>();
function report(what: string): void {
  const site = (new Error().stack ?? '').split('\n').slice(3, 6).join(' | ');
  if (seen.has(site)) return;
  seen.add(site);
  process.stderr.write(`async-context-probe: ${what} ${site}\n`);
}

for (const method of ['run', 'enterWith'] as const) {
  const original = asyncHooks.AsyncLocalStorage.prototype[method] as (...args: unknown[]) => unknown;
  (asyncHooks.AsyncLocalStorage.prototype as unknown as Record<string, unknown>)[method] = function (
    this: unknown,
    ...args: unknown[]
  ) {
    report(`AsyncLocalStorage.${method}`);
    return original.apply(this, args);
  };
}
const createHook = asyncHooks.createHook;
asyncHooks.createHook = (callbacks) => {
  report('createHook');
  return createHook(callbacks);
};
process.stderr.write('async-context-probe: armed\n');
