import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'infra', 'kafka', 'kafka.sh');

/** Runs `bash infra/kafka/kafka.sh <command>` for a test-owned broker on `port`. */
export function kafkaScript(
  command: 'start' | 'stop' | 'status' | 'reset',
  port: number,
  timeoutMs = 150000,
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, command], {
      env: { ...process.env, KAFKA_PORT: String(port), KAFKA_START_TIMEOUT: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kafka.sh ${command} (port ${port}) did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port ≥ `from` (step 2) where both it and port + 1 (the KRaft controller) are free. */
export async function freeBrokerPort(from = 29092): Promise<number> {
  for (let port = from; port < from + 200; port += 2) {
    if ((await isFree(port)) && (await isFree(port + 1))) return port;
  }
  throw new Error(`no free broker port pair from ${from}`);
}
