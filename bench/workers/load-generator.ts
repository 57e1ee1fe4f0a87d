import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
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
  requests: number;
  /** Responses per second over the run (2xx and others). */
  requestsPerS: number;
  /** Mean of autocannon's per-second samples. */
  requestsPerSAutocannon: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Exact, from every 2xx response time, in ms. */
  latencyMs: Distribution;
  /** autocannon's histogram (1 ms resolution; corrected for coordinated omission at a fixed rate). */
  autocannonLatencyMs: { p50: number; p99: number; p99_9: number; max: number } | null;
  /** Paced mode: from the moment each request was written (latencyMs counts from its scheduled instant). */
  latencyFromSendMs?: Distribution;
  mode: 'autocannon' | 'paced';
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
        resolve({
          mode: 'autocannon',
          title: spec.title,
          connections: spec.connections,
          durationS: result.duration,
          overallRate: spec.overallRate ?? null,
          requests,
          requestsPerS: Math.round(requests / result.duration),
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
      if (status >= 200 && status < 300) times.push(responseTime);
    });
  });
}

function runPaced(spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.overallRate;
  if (!rate) throw new Error('paced mode needs overallRate');
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const total = Math.round(rate * spec.durationS);
  const intervalMs = 1000 / rate;
  const fromSchedule: number[] = [];
  const fromSend: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let finished = 0;
  return new Promise((resolve) => {
    const start = performance.now();
    const finish = (): void => {
      if (++finished < total) return;
      const seconds = (performance.now() - start) / 1000;
      agent.destroy();
      const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
      resolve({
        mode: 'paced',
        title: spec.title,
        connections: spec.connections,
        durationS: Math.round(seconds * 100) / 100,
        overallRate: rate,
        requests,
        requestsPerS: Math.round(requests / seconds),
        requestsPerSAutocannon: 0,
        non2xx: requests - (statusCodes['200'] ?? 0),
        errors,
        timeouts,
        statusCodes,
        latencyMs: distribution(fromSchedule),
        latencyFromSendMs: distribution(fromSend),
        autocannonLatencyMs: null,
      });
    };
    const fire = (i: number, scheduled: number): void => {
      const request = http.get(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: spec.paths[i % spec.paths.length],
          headers: spec.headers,
          timeout: 10_000,
        },
        (response) => {
          const written = (request as http.ClientRequest & { writtenAt?: number }).writtenAt ?? scheduled;
          response.resume();
          response.on('end', () => {
            const now = performance.now();
            const code = String(response.statusCode);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            if (response.statusCode === 200) {
              fromSchedule.push(now - scheduled);
              fromSend.push(now - written);
            }
            finish();
          });
        },
      );
      request.on('socket', () => ((request as http.ClientRequest & { writtenAt?: number }).writtenAt = performance.now()));
      request.on('timeout', () => {
        timeouts += 1;
        request.destroy(new Error('timeout'));
      });
      request.on('error', () => {
        errors += 1;
        finish();
      });
    };
    let next = 0;
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        fire(next, start + next * intervalMs);
        next += 1;
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
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`load generator failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
