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
