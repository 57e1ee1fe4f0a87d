import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { DEV_KAFKA_PRINCIPALS } from '@oc/messaging';
import { eventually, KAFKA_ADMIN, testServices } from './services';

export type AppName = 'ingest' | 'gate-api' | 'staff-api';
const PORT_VARIABLE: Record<AppName, string> = {
  ingest: 'INGEST_PORT',
  'gate-api': 'GATE_PORT',
  'staff-api': 'STAFF_PORT',
};
const ROOT = path.resolve(__dirname, '..', '..');

export function appEntry(app: AppName): string {
  return path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningApp {
  name: AppName;
  port: number;
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Each app logs in to Kafka as its own principal, under the ACLs of libs/messaging/src/kafka-acls.ts. */
const KAFKA_PRINCIPAL: Record<AppName, string> = {
  ingest: DEV_KAFKA_PRINCIPALS.ingest,
  'gate-api': DEV_KAFKA_PRINCIPALS.gateApi,
  'staff-api': DEV_KAFKA_PRINCIPALS.staffApi,
};

/**
 * Starts a built app (npm run build) as its own process and waits until /health/live answers. An env
 * logged in as the harness's admin (services.env()) is switched to the app's own principal; a test
 * that names another principal keeps it.
 */
export async function startApp(name: AppName, env: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  const login = env.KAFKA_SASL_USERNAME === KAFKA_ADMIN ? testServices().kafkaLogin(KAFKA_PRINCIPAL[name]) : {};
  const child = spawn(process.execPath, [appEntry(name)], {
    env: { PATH: process.env.PATH ?? '', ...env, ...login, [PORT_VARIABLE[name]]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const url = `http://127.0.0.1:${port}`;
  const app: RunningApp = {
    name,
    port,
    url,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output}`);
        return (await fetch(`${url}/health/live`)).ok;
      },
      { timeoutMs: 30000, what: `${name} /health/live` },
    );
  } catch (error) {
    await app.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output}`);
  }
  return app;
}

/** Runs an app expecting it to stop by itself (e.g. on bad configuration); returns code and output. */
export function runToExit(
  name: AppName,
  env: Record<string, string>,
  timeoutMs = 20000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appEntry(name)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
