import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pollUntil } from '@switchboard/simulators/testing';

/** The built gateway as its own process, exactly as `npm start` runs it. */
export class GatewayProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private child?: ChildProcess;
  exitCode: number | null = null;
  private exited?: Promise<number | null>;

  constructor(private readonly env: Record<string, string>) {}

  start(): this {
    const main = join(__dirname, '..', '..', 'src', 'main.js');
    this.child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (into: string[]) => (chunk: Buffer) =>
      into.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.child.stdout!.on('data', collect(this.stdout));
    this.child.stderr!.on('data', collect(this.stderr));
    this.exited = new Promise((resolve) => this.child!.on('exit', (code) => resolve((this.exitCode = code))));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }

  async ready(): Promise<void> {
    await pollUntil(
      async () =>
        this.exitCode !== null
          ? 'exited'
          : fetch(`${this.url}/health/ready`).then(
              (r) => r.status,
              () => 0,
            ),
      (status) => status === 200 || status === 'exited',
      { timeoutMs: 60_000, what: 'the gateway process to be ready' },
    );
    if (this.exitCode !== null) throw new Error(`gateway exited ${this.exitCode}: ${this.stderr.join('\n')}`);
  }

  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  wait(): Promise<number | null> {
    return this.exited!;
  }

  async stop(): Promise<number | null> {
    if (this.exitCode === null) this.signal('SIGTERM');
    return this.wait();
  }

  /** JSON log lines (stdout lines that parse as objects). */
  logLines(): Record<string, unknown>[] {
    return this.stdout.flatMap((line) => {
      try {
        const parsed = JSON.parse(line);
        return typeof parsed === 'object' && parsed ? [parsed] : [];
      } catch {
        return [];
      }
    });
  }
}

/** A free loopback port for a child process. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Opens a raw socket and sends the head of a request, leaving it in flight. */
export function startSlowRequest(port: number, head: string): Promise<{ finish(rest: string): Promise<string> }> {
  return new Promise((resolve, reject) => {
    let response = '';
    let closed = false;
    const whenClosed: (() => void)[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      resolve({
        finish: (rest) =>
          new Promise((done) => {
            if (closed) return done(response);
            whenClosed.push(() => done(response));
            socket.write(rest);
          }),
      });
    });
    socket.on('data', (d) => (response += d.toString('utf8')));
    socket.on('close', () => {
      closed = true;
      whenClosed.forEach((fn) => fn());
    });
    socket.on('error', reject);
  });
}
