// Reading a V8 CPU profile (.cpuprofile) as written by the gateway child's profile-stop.

/** Self time in µs per profile node, with the nodes by id to look their frames up. */
export function selfTimeByNode({ nodes, samples, timeDeltas }) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
  return { byId, selfUs };
}

/** `name file:line`, `file` being the frame's url as the caller shortens it (line numbers in profiles count from 0). */
export function frameLabel({ functionName, lineNumber }, file) {
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** Whose code a frame is: an npm package, the gateway build at `dist`, node core, or else its file or name. */
export function packageOf({ functionName, url }, file, dist) {
  return (
    /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url.includes(`${dist}/`)
      ? 'switchboard (dist)'
      : file
        ? file.startsWith('node:')
          ? 'node core'
          : file
        : functionName || '(native)')
  );
}

/**
 * Leaf frames whose samples are left out of a summary. V8's sampler stamps a tick with the frame
 * the thread was in when the timer fired, even when the thread sat preempted by the kernel inside
 * a syscall: on a shared 2-core machine `writev` (socket writes) and `writeBuffer` collect time the
 * process spent waiting for a core, not CPU it used. `(idle)` is the loop waiting for I/O.
 */
export const NOT_CPU_FRAMES = new Set(['writev', 'writeBuffer', '(idle)']);

/**
 * A sample with a frame of bench/ on its stack is the in-process profiler's own session (the
 * gateway child's profile-start handler): while the thread waits outside JS, V8 keeps stamping
 * the stack that last entered the inspector, so a mostly idle second shows up as `dispatch`.
 */
const isBenchFrame = (callFrame) => /\/bench\/[^/]+\.mjs$/.test(callFrame.url);

/**
 * Top `limit` frames by self and by inclusive time (a frame counted once per sample however
 * often it recurs on that stack; `(root)` left out), in ms per request and as a share of the
 * counted samples. `label(callFrame)` names a frame.
 */
export function profileSummary(profileJson, { requests, label, limit = 30, exclude = NOT_CPU_FRAMES }) {
  const { nodes, samples, timeDeltas } = profileJson;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  let countedUs = 0;
  let excludedUs = 0;
  samples.forEach((id, i) => {
    const us = timeDeltas[i] ?? 0;
    const stack = [];
    for (let cur = id; cur !== undefined; cur = parentOf.get(cur)) stack.push(byId.get(cur).callFrame);
    if (exclude.has(stack[0].functionName) || stack.some(isBenchFrame)) {
      excludedUs += us;
      return;
    }
    countedUs += us;
    const leaf = label(stack[0]);
    self.set(leaf, (self.get(leaf) ?? 0) + us);
    const onStack = new Set(stack.filter((f) => f.functionName !== '(root)').map(label));
    for (const key of onStack) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  });
  const top = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, us]) => ({ key, msPerRequest: us / 1000 / requests, share: us / countedUs }));
  return {
    countedMsPerRequest: countedUs / 1000 / requests,
    excludedMsPerRequest: excludedUs / 1000 / requests,
    self: top(self),
    inclusive: top(inclusive),
  };
}
