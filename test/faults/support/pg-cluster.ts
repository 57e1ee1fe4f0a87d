import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../harness/app-process';
import { processState } from '../../harness/redis-server';
import { eventually } from '../../harness/services';

const run = promisify(execFile);

/** The bin directory of the newest PostgreSQL installed the Debian way (/usr/lib/postgresql/<v>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter(
          (v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')) && existsSync(path.join(root, v, 'bin', 'initdb')),
        )
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL with initdb and pg_ctl under ${root}/*/bin`);
  return path.join(root, versions[0]!, 'bin');
}

/**
 * A PostgreSQL cluster this test owns: its own data directory under the OS temp dir, its own port,
 * trust authentication, listening on 127.0.0.1 only. Postgres refuses to run as root, so as root the
 * binaries run as the `postgres` OS user (runuser), which owns the data directory.
 */
export class PgCluster {
  private paused = false;

  private constructor(
    readonly binDir: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly asUser: string | undefined,
  ) {}

  readonly logFile = (): string => path.join(this.dataDir, 'server.log');

  /** initdb + start. Also registers a synchronous stop on process exit, so a crashed run leaves nothing. */
  static async create(): Promise<PgCluster> {
    const binDir = postgresBinDir();
    const asRoot = process.getuid?.() === 0;
    const base = mkdtempSync(path.join(os.tmpdir(), 'oc-faults-pg-'));
    const dataDir = path.join(base, 'data');
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(base, uid, gid);
    }
    const cluster = new PgCluster(binDir, dataDir, await freePort(), asRoot ? 'postgres' : undefined);
    await cluster.exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], 60000);
    process.once('exit', () => cluster.destroySync());
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  databaseUrl(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    await this.exec(
      'pg_ctl',
      [
        '-D',
        this.dataDir,
        '-l',
        this.logFile(),
        '-w',
        '-t',
        '30',
        '-o',
        // fsync off: an immediate stop kills processes, not the OS, so committed data stays in the page cache.
        `-c listen_addresses=127.0.0.1 -p ${this.port} -k /tmp -c fsync=off -c max_connections=100`,
        'start',
      ],
      45000,
    );
  }

  /**
   * SIGSTOP to the postmaster and every process it forked (backends, checkpointer, walwriter, …):
   * connections stay open and connecting still succeeds at the TCP level (the kernel completes the
   * handshake), but nothing answers — a Postgres that hangs rather than one that is down. Each child
   * calls setsid() (InitPostmasterChild), so there is no process group to signal: the postmaster
   * stops first, so that it forks no more, then each child listed in /proc, until the kernel reports
   * every one of them stopped.
   */
  async pause(): Promise<void> {
    this.paused = true;
    this.signalServer('SIGSTOP');
    await eventually(
      () => {
        // Z: a backend that exited while the postmaster, which would reap it, was stopped.
        const running = this.serverPids().filter((pid) => !['T', 'Z', undefined].includes(processState(pid)));
        for (const pid of running) signal(pid, 'SIGSTOP');
        return running.length === 0;
      },
      { what: 'every Postgres process to stop', timeoutMs: 5000, intervalMs: 10 },
    );
  }

  /** SIGCONT to the whole server; harmless when it is not paused (afterAll and exit call it anyway). */
  async resume(): Promise<void> {
    if (!this.paused) return;
    this.signalServer('SIGCONT');
    this.paused = false;
    await eventually(() => this.serverPids().every((pid) => processState(pid) !== 'T'), {
      what: 'every Postgres process to continue',
      timeoutMs: 5000,
      intervalMs: 10,
    });
  }

  /** The postmaster first, then its children. */
  private signalServer(name: 'SIGSTOP' | 'SIGCONT'): void {
    for (const pid of this.serverPids()) signal(pid, name);
  }

  /** The postmaster and its children, from /proc (the postmaster's pid is line 1 of postmaster.pid). */
  serverPids(): number[] {
    const postmaster = this.postmasterPid();
    const children = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => parentPid(pid) === postmaster);
    return [postmaster, ...children];
  }

  private postmasterPid(): number {
    const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${this.dataDir}/postmaster.pid`);
    return pid;
  }

  /** A stopped server cannot be asked to stop: SIGCONT first, so pg_ctl's SIGQUIT is acted on. */
  private continueIfPaused(): void {
    if (!this.paused) return;
    try {
      this.signalServer('SIGCONT');
    } catch {
      // already gone
    }
    this.paused = false;
  }

  /** `pg_ctl stop -m immediate` by default: every backend dies at once, like a crash. */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    this.continueIfPaused();
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop'], 45000);
  }

  log(): string {
    try {
      return readFileSync(this.logFile(), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the server if it runs and deletes its directory. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
  }

  private destroySync(): void {
    try {
      this.continueIfPaused();
      if (existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
        execFileSync(...this.command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']), {
          stdio: 'ignore',
          timeout: 20000,
        });
      }
      rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }

  private command(binary: string, args: string[]): [string, string[]] {
    const file = path.join(this.binDir, binary);
    return this.asUser ? ['runuser', ['-u', this.asUser, '--', file, ...args]] : [file, args];
  }

  private async exec(binary: string, args: string[], timeoutMs: number): Promise<string> {
    const [file, argv] = this.command(binary, args);
    try {
      const { stdout } = await run(file, argv, { timeout: timeoutMs, killSignal: 'SIGKILL' });
      return stdout;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `${binary} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}\n${this.log()}`,
      );
    }
  }
}

/** Field 4 (ppid) of /proc/<pid>/stat, read after the command name, which may contain spaces (proc(5)). */
function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** kill(2) that ignores a process that has just exited. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
