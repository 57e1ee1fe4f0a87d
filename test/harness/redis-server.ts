import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { freePort } from './app-process';
import { eventually } from './services';

/**
 * The state letter of a process in /proc/<pid>/stat (`T` = stopped by a signal), or undefined when it
 * is gone. proc(5): the command name in parentheses may contain spaces, so read after its last ')'.
 */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/**
 * A redis-server owned by one test, on its own port, that the test can stop and start again, or pause
 * (SIGSTOP: connections stay open, commands wait unanswered, as in a Redis that hangs) and resume.
 */
export class OwnRedis {
  private child?: ChildProcess;
  private paused = false;
  private constructor(readonly port: number) {
    // A test that dies before its afterAll must not leave a stopped (or any) redis-server behind.
    process.once('exit', () => {
      if (this.running()) {
        this.child!.kill('SIGCONT');
        this.child!.kill('SIGKILL');
      }
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  async restart(): Promise<void> {
    if (this.running()) return;
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child.on('error', (error) => {
      throw new Error(`redis-server could not be started (is it installed?): ${error.message}`);
    });
    this.child = child;
    await eventually(
      async () => {
        const client = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } finally {
          client.disconnect();
        }
      },
      { what: `redis-server on ${this.port}`, timeoutMs: 10000 },
    );
  }

  private running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGSTOP: the server stops answering; returns once the kernel reports the process stopped. */
  async pause(): Promise<void> {
    const child = this.child;
    if (!child || !this.running()) throw new Error('redis-server is not running');
    this.paused = true;
    child.kill('SIGSTOP');
    await eventually(() => processState(child.pid!) === 'T', {
      what: 'redis-server to stop',
      timeoutMs: 5000,
      intervalMs: 10,
    });
  }

  /** SIGCONT: the server answers again, the commands that waited first. Harmless when not paused. */
  async resume(): Promise<void> {
    const child = this.child;
    if (!child || !this.running() || !this.paused) return;
    child.kill('SIGCONT');
    this.paused = false;
    await eventually(() => processState(child.pid!) !== 'T', {
      what: 'redis-server to continue',
      timeoutMs: 5000,
      intervalMs: 10,
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.paused = false;
    if (!child || !this.running()) return;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
