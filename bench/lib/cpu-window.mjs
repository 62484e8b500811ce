// CPU over one measured window: the server children, Postgres, this process (the load
// generator) and the whole machine, so what is left is the rest of the machine's load.
import { CLK_TCK, machineJiffies, processCpuMs } from './proc-cpu.mjs';
import { postgresCpu, postgresDelta } from './scratch-db.mjs';

/**
 * Reads Postgres, then `pids` in order, then the machine, then this process; close() reads
 * them back in the reverse order, so each window is nested in the one read before it.
 * `afterLoader`, given to close(), runs right after this process's reading: for what must
 * stop as soon as the load has (a sampler), before the slower readings.
 */
export async function openCpuWindow({ admin, dbName, pids }) {
  const pgBefore = await postgresCpu(admin, dbName);
  const pidsBefore = pids.map(processCpuMs);
  const machineBefore = machineJiffies();
  const loaderBefore = process.cpuUsage();
  return async (afterLoader) => {
    const loader = process.cpuUsage(loaderBefore);
    const between = await afterLoader?.();
    const machineAfter = machineJiffies();
    const pidMs = [];
    for (let i = pids.length - 1; i >= 0; i--) pidMs[i] = processCpuMs(pids[i]) - pidsBefore[i];
    const pgCpu = postgresDelta(pgBefore, await postgresCpu(admin, dbName));
    return {
      between,
      pidMs,
      pg: pgCpu,
      pgMs: pgCpu.backends + pgCpu.aux,
      loaderMs: (loader.user + loader.system) / 1000,
      machineBusyMs: ((machineAfter.busy - machineBefore.busy) * 1000) / CLK_TCK,
      machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    };
  };
}
