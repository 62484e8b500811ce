import { startSimulators, STANDALONE_PORTS, stopSimulators } from './harness';

/** `npm run simulators`: all four vendors on fixed, printed ports until Ctrl-C. */
async function main(): Promise<void> {
  const host = process.env.SIMULATOR_HOST ?? '127.0.0.1';
  const speed = process.env.SIMULATOR_SPEED ? Number(process.env.SIMULATOR_SPEED) : undefined;
  const accounts = await startSimulators({ ports: STANDALONE_PORTS, host, speed });
  for (const a of accounts) {
    process.stdout.write(`${a.vendor.padEnd(12)} ${a.baseUrl}  key ${a.apiKey}  control ${a.simulator.url}/__sim/\n`);
  }
  const stop = async () => {
    await stopSimulators(accounts);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  process.stderr.write(`simulators failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
