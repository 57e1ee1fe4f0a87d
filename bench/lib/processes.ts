import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ROOT } from './machine';
import { sleep } from './log';

/** Built entry points, run from dist/ exactly as `npm start` runs them. */
export const ENTRY = {
  ingest: path.join(ROOT, 'dist', 'apps', 'ingest', 'src', 'main.js'),
  gateApi: path.join(ROOT, 'dist', 'apps', 'gate-api', 'src', 'main.js'),
  staffApi: path.join(ROOT, 'dist', 'apps', 'staff-api', 'src', 'main.js'),
  cli: path.join(ROOT, 'bin', 'overload-credit.js'),
  naiveIngest: path.join(ROOT, 'dist', 'bench', 'baselines', 'naive-ingest', 'main.js'),
  bareFastify: path.join(ROOT, 'dist', 'bench', 'baselines', 'bare-fastify', 'main.js'),
  ceilingConsumer: path.join(ROOT, 'dist', 'bench', 'workers', 'ceiling-consumer.js'),
  loadGenerator: path.join(ROOT, 'dist', 'bench', 'workers', 'load-generator.js'),
  backgroundTraffic: path.join(ROOT, 'dist', 'bench', 'workers', 'background-traffic.js'),
} as const;

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  startedAt: number;
  exited: Promise<number | string>;
  /** stdout, when captured instead of logged. */
  stdout(): string;
}

export interface SpawnOptions {
  env: Record<string, string>;
  args?: string[];
  nodeArgs?: string[];
  logFile: string;
  /** Keep stdout in memory (for workers that print their result) instead of writing it to the log. */
  captureStdout?: boolean;
}

/**
 * Starts `node <entry>` with only the given environment (plus PATH and HOME): nothing from the
 * caller's environment, such as NODE_OPTIONS, leaks into what is measured.
 */
export function spawnNode(name: string, entry: string, options: SpawnOptions): NodeProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: ROOT,
  });
  const out = createWriteStream(options.logFile);
  let captured = '';
  if (options.captureStdout) child.stdout!.on('data', (chunk: Buffer) => (captured += chunk.toString('utf8')));
  else child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  // Let the pipes drain before the log is closed.
  void exited.then(() => setTimeout(() => out.end(), 200));
  if (child.pid === undefined) throw new Error(`could not start ${name} (${entry})`);
  return {
    name,
    child,
    pid: child.pid,
    logFile: options.logFile,
    startedAt: Date.now(),
    exited,
    stdout: () => captured,
  };
}

export const isRunning = (p: NodeProcess): boolean => p.child.exitCode === null && p.child.signalCode === null;

/** SIGTERM, then SIGKILL after `graceMs`; the exit code (or signal) and how long it took. */
export async function stopProcess(
  p: NodeProcess,
  graceMs = 20000,
): Promise<{ exit: number | string; seconds: number }> {
  const began = Date.now();
  if (isRunning(p)) p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  try {
    const exit = await p.exited;
    const seconds = (Date.now() - began) / 1000;
    await sleep(300); // the log stream closes 200 ms after the exit
    return { exit, seconds };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a process to its end; rejects when it exits non-zero or outlives `timeoutMs`. */
export async function runToEnd(p: NodeProcess, timeoutMs: number): Promise<{ seconds: number }> {
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  try {
    const exit = await p.exited;
    const seconds = (Date.now() - p.startedAt) / 1000;
    await sleep(300);
    if (exit !== 0) throw new Error(`${p.name} exited with ${exit} (log: ${p.logFile})`);
    return { seconds };
  } finally {
    clearTimeout(timer);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls `url` until it answers 2xx; rejects when the process exits or the deadline passes. */
export async function waitForHttp(url: string, p: NodeProcess, timeoutMs = 60000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(p)) throw new Error(`${p.name} exited before ${url} answered (log: ${p.logFile})`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return Date.now();
    await sleep(50);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (log: ${p.logFile})`);
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes; null once it has gone. */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used (from /proc/<pid>/stat). */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` while it runs; `peak` is the highest sample. */
export function sampleRss(pid: number, everyMs = 200): { stop(): { peak: number; timeline: [number, number][] } } {
  const t0 = Date.now();
  const timeline: [number, number][] = [];
  let peak = 0;
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (!m) return;
    timeline.push([Date.now() - t0, m.rss]);
    peak = Math.max(peak, m.rss);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { peak, timeline };
    },
  };
}

export interface LogProblems {
  warnings: number;
  errors: number;
  lines: number;
  first: string[];
}

/** Warnings and errors in a JSON (pino) log: levels 40 warn, 50 error, 60 fatal; non-JSON lines count as errors. */
export function logProblems(logFile: string): LogProblems {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return { warnings: 0, errors: 0, lines: 0, first: [] };
  }
  const lines = text.split('\n').filter(Boolean);
  let warnings = 0;
  let errors = 0;
  const first: string[] = [];
  for (const line of lines) {
    let level = 50;
    let message = line;
    try {
      const entry = JSON.parse(line) as { level?: number | string; msg?: string; err?: { message?: string } };
      level = typeof entry.level === 'number' ? entry.level : entry.level === 'warn' ? 40 : 50;
      message = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
    } catch {
      // Not JSON (a Node warning on stderr, Nest's own logger): count it as an error-level line.
    }
    if (level >= 50) errors += 1;
    else if (level >= 40) warnings += 1;
    if (level >= 40 && first.length < 10) first.push(message.slice(0, 300));
  }
  return { warnings, errors, lines: lines.length, first };
}
