import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { distribution, Distribution } from '../lib/stats';

/**
 * HTTP load with autocannon, in its own process so that it never shares an event loop with the server
 * it measures nor with the harness. Every request takes the next path of a prepared list (a realistic
 * mix of plates and readings), so connections cycle through the same sequence.
 *
 * Latency: autocannon's own histogram has 1 ms resolution; this worker also keeps every response time
 * (autocannon's `response` event, hrtime, sub-millisecond) and reports exact percentiles of those.
 * At a fixed rate (`overallRate`) autocannon's histogram is corrected for coordinated omission and the
 * raw times are not: both are reported.
 *
 * `paced` mode is an open-loop generator at an exact rate, for latency at a fixed load: autocannon's
 * `overallRate` is not one — each connection sends its share of a second back to back as fast as the
 * server answers, then waits for the next second (autocannon/lib/httpClient.js, `reqsMadeThisSecond`),
 * so 5,000 requests/s arrive as a burst at full speed every second. Paced mode schedules request i at
 * start + i/rate over a keep-alive pool of `connections` sockets (node:http) and times each response
 * from its scheduled instant (so queueing behind a slow answer counts: no coordinated omission) and,
 * for comparison, from the moment it was written.
 *
 * Usage: node load-generator.js <spec.json>; prints one JSON line (LoadResult).
 */

export interface LoadSpec {
  title: string;
  url: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  durationS: number;
  overallRate?: number;
  /** autocannon (default), or an open-loop generator at `overallRate` (required then). */
  mode?: 'autocannon' | 'paced';
}

export interface LoadResult {
  title: string;
  connections: number;
  durationS: number;
  overallRate: number | null;
  /** Responses of any status. */
  requests: number;
  /** 2xx responses: the answers a lane could act on. */
  ok: number;
  /** 2xx responses per second over the run; answers of any other status are counted apart (non2xx). */
  requestsPerS: number;
  /** Mean of autocannon's per-second samples (responses of any status). */
  requestsPerSAutocannon: number;
  non2xx: number;
  /** Requests that got no response: connection errors (autocannon: timeouts included). */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Exact, from every 2xx response time, in ms. */
  latencyMs: Distribution;
  /** autocannon's histogram (1 ms resolution; corrected for coordinated omission at a fixed rate). */
  autocannonLatencyMs: { p50: number; p99: number; p99_9: number; max: number } | null;
  /** Paced mode: from the moment each request was written (latencyMs counts from its scheduled instant). */
  latencyFromSendMs?: Distribution;
  /** Paced mode: when the last request was due (the run lasts longer when the server falls behind). */
  requestsDueAfterS?: number;
  mode: 'autocannon' | 'paced';
  /** CPU seconds the load generator itself used (it shares the machine with the server). */
  generatorCpuS?: number;
}

interface AutocannonHistogram {
  average: number;
  p50: number;
  p99: number;
  p99_9: number;
  max: number;
  total: number;
}
interface AutocannonResult {
  requests: AutocannonHistogram;
  latency: AutocannonHistogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => EventEmitter;

// autocannon ships no type declarations; the shapes above are the parts of its documented API used here.
const autocannon = require('autocannon') as Autocannon;

const is2xx = (status: number): boolean => status >= 200 && status < 300;

function run(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let next = 0;
    const times: number[] = [];
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.durationS,
        ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
        headers: spec.headers,
        requests: [
          {
            method: 'GET',
            setupRequest: (request: AutocannonRequest) => {
              request.path = spec.paths[next++ % spec.paths.length];
              return request;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const requests = Object.values(result.statusCodeStats).reduce((s, c) => s + c.count, 0);
        const ok = Object.entries(result.statusCodeStats)
          .filter(([code]) => is2xx(Number(code)))
          .reduce((s, [, c]) => s + c.count, 0);
        resolve({
          mode: 'autocannon',
          title: spec.title,
          connections: spec.connections,
          durationS: result.duration,
          overallRate: spec.overallRate ?? null,
          requests,
          ok,
          requestsPerS: Math.round(ok / result.duration),
          requestsPerSAutocannon: Math.round(result.requests.average),
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
          latencyMs: distribution(times),
          autocannonLatencyMs: {
            p50: result.latency.p50,
            p99: result.latency.p99,
            p99_9: result.latency.p99_9,
            max: result.latency.max,
          },
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (is2xx(status)) times.push(responseTime);
    });
  });
}

interface PacedRequest {
  index: number;
  scheduled: number;
  written: number;
}

/** One keep-alive connection with at most one request in flight (no pipelining, as autocannon's default). */
class PacedConnection {
  private socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  inFlight: PacedRequest | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly onResponse: (connection: PacedConnection, request: PacedRequest, status: number) => void,
    private readonly onError: (request: PacedRequest | null) => void,
  ) {
    this.socket = this.connect();
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (): void => {
      const lost = this.inFlight;
      this.inFlight = null;
      this.buffer = Buffer.alloc(0);
      socket.destroy();
      if (this.socket === socket) this.socket = this.connect();
      this.onError(lost);
    };
    socket.on('error', fail);
    socket.on('end', fail);
    return socket;
  }

  send(request: PacedRequest, bytes: Buffer): void {
    this.inFlight = request;
    request.written = performance.now();
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.destroy();
  }

  /** Minimal HTTP/1.1 response framing: Content-Length or chunked. */
  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = this.buffer.toString('latin1', 0, headerEnd);
      const status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      let end: number;
      if (length) {
        end = headerEnd + 4 + Number(length[1]);
        if (this.buffer.length < end) return;
      } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        const last = this.buffer.indexOf('\r\n0\r\n\r\n', headerEnd);
        if (last < 0) return;
        end = last + 7;
      } else {
        end = headerEnd + 4;
      }
      this.buffer = this.buffer.subarray(end);
      const request = this.inFlight;
      this.inFlight = null;
      if (request) this.onResponse(this, request, status);
    }
  }
}

/**
 * Open loop at an exact rate: request i is due at start + i/rate whatever happened to the others; a
 * due request waits for a free connection (that wait counts in its latency). Raw sockets keep the
 * generator's own CPU small: on two shared cores a heavier client would take the server's CPU.
 */
function runPaced(spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.overallRate;
  if (!rate) throw new Error('paced mode needs overallRate');
  const target = new URL(spec.url);
  const headerLines = Object.entries(spec.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const requests = spec.paths.map((p) =>
    Buffer.from(`GET ${p} HTTP/1.1\r\nHost: ${target.host}\r\n${headerLines}Connection: keep-alive\r\n\r\n`, 'latin1'),
  );
  const total = Math.round(rate * spec.durationS);
  const intervalMs = 1000 / rate;
  const fromSchedule: number[] = [];
  const fromSend: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let finished = 0;
  let lastScheduled = 0;
  const waiting: PacedRequest[] = [];
  const idle: PacedConnection[] = [];

  return new Promise((resolve) => {
    const start = performance.now();
    const finish = (): void => {
      if (++finished < total) return;
      const seconds = (performance.now() - start) / 1000;
      for (const c of connections) c.close();
      const answered = Object.values(statusCodes).reduce((a, b) => a + b, 0);
      const ok = Object.entries(statusCodes)
        .filter(([code]) => is2xx(Number(code)))
        .reduce((a, [, n]) => a + n, 0);
      resolve({
        mode: 'paced',
        title: spec.title,
        connections: spec.connections,
        durationS: Math.round(seconds * 100) / 100,
        overallRate: rate,
        requests: answered,
        ok,
        requestsPerS: Math.round(ok / seconds),
        requestsPerSAutocannon: 0,
        non2xx: answered - ok,
        errors,
        timeouts: 0,
        statusCodes,
        latencyMs: distribution(fromSchedule),
        latencyFromSendMs: distribution(fromSend),
        autocannonLatencyMs: null,
        requestsDueAfterS: Math.round(lastScheduled) / 1000,
      });
    };
    const dispatch = (connection: PacedConnection): void => {
      const next = waiting.shift();
      if (next) connection.send(next, requests[next.index % requests.length]!);
      else idle.push(connection);
    };
    const connections: PacedConnection[] = Array.from(
      { length: spec.connections },
      () =>
        new PacedConnection(
          target.hostname,
          Number(target.port),
          (connection, request, status) => {
            const now = performance.now();
            statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
            if (is2xx(status)) {
              fromSchedule.push(now - request.scheduled);
              fromSend.push(now - request.written);
            }
            finish();
            dispatch(connection);
          },
          (lost) => {
            if (lost) {
              errors += 1;
              finish();
            }
          },
        ),
    );
    idle.push(...connections);
    let next = 0;
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        lastScheduled = next * intervalMs;
        waiting.push({ index: next, scheduled: start + next * intervalMs, written: 0 });
        next += 1;
      }
      while (waiting.length > 0 && idle.length > 0) {
        const connection = idle.pop()!;
        const request = waiting.shift()!;
        connection.send(request, requests[request.index % requests.length]!);
      }
      if (next < total) setTimeout(tick, 1);
    };
    tick();
  });
}

if (require.main === module) {
  const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
  (spec.mode === 'paced' ? runPaced(spec) : run(spec))
    .then((result) => {
      const used = process.cpuUsage();
      result.generatorCpuS = Math.round((used.user + used.system) / 1e4) / 100;
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`load generator failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
