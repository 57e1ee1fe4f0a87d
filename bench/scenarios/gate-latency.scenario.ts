import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { limitKgFor } from '@oc/domain';
import { seededRandom } from '@oc/simulation';
import { Check, checkEqual, checkThat } from '../lib/checks';
import { BenchContext } from '../lib/context';
import { CpuAccount } from '../lib/cpu-accounting';
import { mb, round, sleep } from '../lib/log';
import {
  cpuSecondsOf,
  ENTRY,
  freePort,
  logProblems,
  LogProblems,
  memoryOf,
  NodeProcess,
  runToEnd,
  spawnNode,
  stopProcess,
  waitForHttp,
} from '../lib/processes';
import { seededPlate, seedListings } from '../lib/seed';
import { ratio } from '../lib/stats';
import { countKeys, World } from '../lib/world';
import type { LoadResult, LoadSpec } from '../workers/load-generator';

export interface GateParameters {
  vehicles: number;
  /** One vehicle in `listedEvery` has an active listing (10: 10 %). */
  listedEvery: number;
  connections: number;
  durationS: number;
  warmupS: number;
  fixedRate: number;
  /** Distinct request paths the load generator cycles through. */
  paths: number;
  seed: number;
  stationId: string;
}

export interface GateResult {
  parameters: GateParameters;
  seeding: { sqlSeconds: number; cacheRebuildSeconds: number; vehicleKeys: number };
  requestMix: Record<string, number>;
  /** Requests until gate-api knew the station key (1: the first was answered). */
  keyLookups: number;
  sanity: { case: string; expected: string; got: string; ok: boolean }[];
  gate: {
    warmup: LoadResult;
    max: LoadResult;
    /** autocannon overallRate: bursts at full speed every second (see workers/load-generator.ts). */
    fixedRate: LoadResult;
    /** Open-loop, evenly paced at the same rate: the figure for the fixed-rate target. */
    paced: LoadResult;
    /** GC pauses during the paced run, by kind (gate-api's /metrics). */
    pacedGc: Record<string, number>;
    pacedCpu: CpuAccount;
    decisions: Record<string, number>;
    peakRssMB: number | null;
    cpuS: number | null;
    /** Machine CPU during the full-speed run (load generator separated out of "bench"). */
    cpu: CpuAccount;
    exit: number | string;
    log: LogProblems & { file: string };
  };
  /**
   * The same full-speed load against the constant route before and after gate-api's (A B A), and the
   * same paced run: the floor of what the tools add.
   */
  bareFastify: {
    warmup: LoadResult;
    max: [LoadResult, LoadResult];
    cpu: [CpuAccount, CpuAccount];
    meanRequestsPerS: number;
    paced: LoadResult;
    exit: number | string;
  };
  /** gate-api against the mean of the two bare runs around it, and against each. */
  ratios: { gateToBareFastify: number | null; gateToBareFastifyEach: (number | null)[] };
  checks: Check[];
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/**
 * The requests an entry lane sends: plates of listed vehicles (the listed share), of vehicles in the
 * cache without an active listing, and of vehicles the system has never seen; cargo mostly laden, some
 * empty, some not given; half with the entry scale's reading (most within the limit, some in the
 * warning band, a few overlimit). Deterministic for a seed.
 */
export function gateRequestPaths(p: GateParameters): { paths: string[]; mix: Record<string, number> } {
  const random = seededRandom(p.seed);
  const mix: Record<string, number> = {};
  const count = (k: string): void => void (mix[k] = (mix[k] ?? 0) + 1);
  const listed = Math.ceil(p.vehicles / p.listedEvery);
  const paths: string[] = [];
  for (let n = 0; n < p.paths; n++) {
    const r = random();
    let plate: string;
    if (r < 1 / p.listedEvery) {
      plate = seededPlate(Math.floor(random() * listed) * p.listedEvery);
      count('plate: listed');
    } else if (r < 0.8) {
      let i = Math.floor(random() * p.vehicles);
      if (i % p.listedEvery === 0) i = (i + 1) % p.vehicles;
      plate = seededPlate(i);
      count('plate: cached, not listed');
    } else {
      plate = seededPlate(Math.floor(random() * 100_000), '苏');
      count('plate: never seen');
    }
    let query = `plate=${encodeURIComponent(plate)}&plateColor=1`;
    const c = random();
    const cargo = c < 0.8 ? 'LADEN' : c < 0.95 ? 'EMPTY' : null;
    if (cargo) query += `&cargo=${cargo}`;
    count(`cargo: ${cargo ?? 'not given'}`);
    if (random() < 0.5) {
      const axles = pick(random, [2, 3, 4, 5, 6]);
      const limit = limitKgFor({ axles, combination: axles >= 5 });
      const w = random();
      const weight =
        w < 0.85
          ? Math.floor(limit * (0.5 + 0.45 * random()))
          : w < 0.95
            ? limit + 1 + Math.floor(random() * 1000)
            : limit + 2000 + Math.floor(random() * 10000);
      query += `&axles=${axles}&grossWeightKg=${weight}`;
      count(w < 0.85 ? 'reading: within limit' : w < 0.95 ? 'reading: warning band' : 'reading: overlimit');
    } else {
      count('reading: none');
    }
    paths.push(`/v1/gate/decision?${query}`);
  }
  return { paths, mix };
}

/** gate-api's GC time by kind (cumulative), from prom-client's default metrics on its /metrics. */
async function gcMetrics(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} (\S+)$/gm))
    out[`gc ${m[2]} ${m[1] === 'sum' ? 'ms' : 'count'}`] =
      m[1] === 'sum' ? Math.round(Number(m[3]) * 1e5) / 100 : Number(m[3]);
  return out;
}

/** gate_decisions_total from a Prometheus text page, summed by decision and by source. */
async function decisionCounts(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^gate_decisions_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const value = Number(m[2]);
    for (const key of [`decision ${labels.decision}`, `source ${labels.source}`, `reason ${labels.reason}`])
      counts[key] = (counts[key] ?? 0) + value;
  }
  return counts;
}

const minus = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, Math.round((v - (before[k] ?? 0)) * 100) / 100]));

/** Moves the load generator's own CPU (it reports it) out of the harness's share ("bench"). */
function withGenerator(account: CpuAccount, result: LoadResult): CpuAccount {
  const generator = result.generatorCpuS ?? 0;
  return {
    ...account,
    byRole: {
      ...account.byRole,
      loadGenerator: generator,
      bench: round(Math.max(0, (account.byRole.bench ?? 0) - generator), 2),
    },
  };
}

/** Every request of a load run got a 2xx answer: no other status, no connection error, no timeout. */
function answeredChecks(run: string, r: LoadResult): Check[] {
  return [
    checkEqual(`${run}: answers other than 2xx`, 0, r.non2xx),
    checkEqual(`${run}: requests without an answer (errors, timeouts)`, 0, r.errors + r.timeouts),
  ];
}

async function load(ctx: BenchContext, world: World, spec: LoadSpec): Promise<LoadResult> {
  const file = path.join(ctx.logDir, `load-${spec.title}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const p = world.track(
    spawnNode(`load-${spec.title}`, ENTRY.loadGenerator, {
      env: {},
      args: [file],
      logFile: ctx.logFile(`load-${spec.title}`),
      captureStdout: true,
    }),
  );
  await runToEnd(p, (spec.durationS + 60) * 1000);
  return JSON.parse(p.stdout().trim().split('\n').pop()!) as LoadResult;
}

/**
 * 100,000 vehicles in the turn-back cache (10 % listed) seeded by SQL and the product's
 * `cache:rebuild`; gate-api (dist/) under autocannon at full speed, between two runs of a bare Fastify
 * route returning a constant under the same load (the ratio), then at a fixed 5,000 requests/s.
 * Requests/s counts 2xx answers only; any other answer, error or timeout fails the scenario.
 */
export async function runGateScenario(ctx: BenchContext, params: GateParameters): Promise<GateResult> {
  const log = (m: string): void => ctx.log(`gate: ${m}`);
  const world = ctx.world('gate');
  await world.createDatabase();
  await world.createTopics(3);
  log(`seeding ${params.vehicles} vehicles (1 in ${params.listedEvery} listed) …`);
  const sqlSeconds = await seedListings(world.databaseUrl, {
    vehicles: params.vehicles,
    activeEvery: params.listedEvery,
    publishedEvery: params.listedEvery * 5,
  });
  const rebuild = await ctx.cli(world, 'gate-cache-rebuild', ['cache:rebuild']);
  const vehicleKeys = await countKeys(ctx.redis, `${world.redisKeyPrefix}vehicle:*`);
  if (vehicleKeys !== params.vehicles)
    throw new Error(`cache holds ${vehicleKeys} vehicles, expected ${params.vehicles}`);
  const key = (
    await ctx.cli(world, 'gate-station-add', ['station:add', params.stationId, '--name', 'bench'])
  ).stdout.trim();
  log(
    `seeded in ${sqlSeconds.toFixed(1)} s + cache:rebuild ${rebuild.seconds.toFixed(1)} s; ${vehicleKeys} vehicle keys`,
  );

  const { paths, mix } = gateRequestPaths(params);
  const headers = { authorization: `Bearer ${key}` };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gate: NodeProcess = world.track(
    spawnNode('gate-api', ENTRY.gateApi, {
      env: world.appEnv({ GATE_PORT: String(port) }),
      nodeArgs: ctx.nodeArgs('gate-latency-gate-api', true),
      logFile: ctx.logFile('gate-api'),
    }),
  );
  await waitForHttp(`${url}/health/ready`, gate);

  const keyLookups = await waitForStationKey(url, headers);
  const sanity = await sanityChecks(url, headers);
  const failed = sanity.filter((s) => !s.ok);
  if (failed.length > 0) throw new Error(`gate answers are wrong: ${JSON.stringify(failed)}`);

  const barePort = await freePort();
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const bare = world.track(
    spawnNode('bare-fastify', ENTRY.bareFastify, {
      env: { PORT: String(barePort) },
      logFile: ctx.logFile('bare-fastify'),
    }),
  );
  await waitForHttp(`${bareUrl}/health/ready`, bare);

  const spec = (title: string, durationS: number, overallRate?: number, mode?: 'paced'): LoadSpec => ({
    title,
    url,
    paths,
    headers,
    connections: params.connections,
    durationS,
    ...(overallRate ? { overallRate } : {}),
    ...(mode ? { mode } : {}),
  });
  const bareSpec = (title: string, durationS: number, overallRate?: number, mode?: 'paced'): LoadSpec => ({
    ...spec(title, durationS, overallRate, mode),
    url: bareUrl,
  });
  /** A full-speed run with the machine's CPU accounted; the load generator's own CPU separated out. */
  const measured = async (s: LoadSpec, pid: number, role: string): Promise<[LoadResult, CpuAccount]> => {
    const account = ctx.cpuAccounting();
    const result = await load(ctx, world, s);
    return [result, withGenerator(account.stop({ [role]: pid }), result)];
  };

  // Full speed, alternated bare Fastify, gate-api, bare Fastify: the ratio is against both bare runs,
  // so a machine that gets busier or quieter during the scenario does not tilt it.
  log(
    `warm-up ${params.warmupS} s each; ${params.durationS} s at full speed (${params.connections} connections): bare, gate-api, bare …`,
  );
  const bareWarmup = await load(ctx, world, bareSpec('bare-warmup', params.warmupS));
  const [bareMax1, bareCpu1] = await measured(bareSpec('bare-max-1', params.durationS), bare.pid, 'bareFastify');
  log(`bare Fastify 1: ${bareMax1.requestsPerS} requests/s, p99 ${bareMax1.latencyMs.p99} ms`);
  const warmup = await load(ctx, world, spec('gate-warmup', params.warmupS));
  const before = await decisionCounts(url);
  const cpuBefore = cpuSecondsOf(gate.pid) ?? 0;
  const [max, cpu] = await measured(spec('gate-max', params.durationS), gate.pid, 'gateApi');
  const cpuS = round((cpuSecondsOf(gate.pid) ?? 0) - cpuBefore, 2);
  const decisions = minus(await decisionCounts(url), before);
  log(`gate-api: ${max.requestsPerS} requests/s, p99 ${max.latencyMs.p99} ms`);
  const [bareMax2, bareCpu2] = await measured(bareSpec('bare-max-2', params.durationS), bare.pid, 'bareFastify');
  log(`bare Fastify 2: ${bareMax2.requestsPerS} requests/s, p99 ${bareMax2.latencyMs.p99} ms`);

  log(`${params.durationS} s at ${params.fixedRate} requests/s, autocannon then paced …`);
  const fixedRate = await load(ctx, world, spec('gate-fixed-rate', params.durationS, params.fixedRate));
  log(`gate-api at ${fixedRate.requestsPerS} requests/s (autocannon): p99 ${fixedRate.latencyMs.p99} ms`);
  const gcBefore = await gcMetrics(url);
  const [paced, pacedCpu] = await measured(
    spec('gate-paced', params.durationS, params.fixedRate, 'paced'),
    gate.pid,
    'gateApi',
  );
  const pacedGc = minus(await gcMetrics(url), gcBefore);
  log(`gate-api at ${paced.requestsPerS} requests/s (paced): p99 ${paced.latencyMs.p99} ms`);
  const memory = memoryOf(gate.pid);
  const gateStop = await stopProcess(gate);
  const barePaced = await load(ctx, world, bareSpec('bare-paced', params.durationS, params.fixedRate, 'paced'));
  log(`bare Fastify at ${barePaced.requestsPerS} requests/s (paced): p99 ${barePaced.latencyMs.p99} ms`);
  const bareStop = await stopProcess(bare);

  const decided = Object.entries(decisions)
    .filter(([k]) => k.startsWith('decision '))
    .reduce((a, [, v]) => a + v, 0);
  const checks: Check[] = [
    ...answeredChecks('gate-api warm-up', warmup),
    ...answeredChecks('gate-api full speed', max),
    ...answeredChecks(`gate-api at ${params.fixedRate}/s (autocannon)`, fixedRate),
    ...answeredChecks(`gate-api at ${params.fixedRate}/s (paced)`, paced),
    // gate-api's own count: every 2xx of the full-speed run was a decision. It may exceed the 2xx by
    // the requests in flight when the load generator stopped (at most one per connection).
    checkThat(
      'gate-api full speed: decisions counted by gate-api − 2xx answers',
      `0 to ${params.connections} (in flight at the end)`,
      decided - max.ok,
      decided >= max.ok && decided <= max.ok + params.connections,
    ),
    ...answeredChecks('bare Fastify warm-up', bareWarmup),
    ...answeredChecks('bare Fastify full speed 1', bareMax1),
    ...answeredChecks('bare Fastify full speed 2', bareMax2),
    ...answeredChecks(`bare Fastify at ${params.fixedRate}/s (paced)`, barePaced),
  ];
  const bareMean = Math.round((bareMax1.requestsPerS + bareMax2.requestsPerS) / 2);

  return {
    parameters: params,
    seeding: { sqlSeconds: round(sqlSeconds, 2), cacheRebuildSeconds: round(rebuild.seconds, 2), vehicleKeys },
    requestMix: mix,
    keyLookups,
    sanity,
    gate: {
      warmup,
      max,
      fixedRate,
      paced,
      pacedGc,
      pacedCpu,
      decisions,
      peakRssMB: memory ? mb(memory.hwm) : null,
      cpuS,
      cpu,
      exit: gateStop.exit,
      log: { file: gate.logFile, ...logProblems(gate.logFile) },
    },
    bareFastify: {
      warmup: bareWarmup,
      max: [bareMax1, bareMax2],
      cpu: [bareCpu1, bareCpu2],
      meanRequestsPerS: bareMean,
      paced: barePaced,
      exit: bareStop.exit,
    },
    ratios: {
      gateToBareFastify: ratio(max.requestsPerS, bareMean),
      gateToBareFastifyEach: [bareMax1, bareMax2].map((b) => ratio(max.requestsPerS, b.requestsPerS)),
    },
    checks,
  };
}

/**
 * gate-api loads every active station key before it listens (at most 2 s of its start, SPEC §4.8,
 * libs/credit StationAuthenticator); on a busy machine that load can take longer, and until it is done
 * a key is looked up within GATE_DB_TIMEOUT_MS and, when that is too slow, answered as GATE_FAILURE_MODE
 * says (`source: fail-open`). Asks until the key is known (then it is answered from the process's keys),
 * so that the measured runs start from the steady state; returns how many asks it took.
 */
async function waitForStationKey(url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const query = `plate=${encodeURIComponent(seededPlate(1))}&plateColor=1&cargo=LADEN`;
  for (let asks = 1; Date.now() < deadline; asks++) {
    const response = await fetch(`${url}/v1/gate/decision?${query}`, { headers, signal: AbortSignal.timeout(5000) });
    const body = (await response.json().catch(() => ({}))) as { source?: string };
    if (response.status !== 503 && !body.source?.startsWith('fail-')) return asks;
    await sleep(100);
  }
  throw new Error(`gate-api could not check the station key within ${timeoutMs / 1000} s`);
}

/** A few known answers before measuring: the load must be answered from the cache, and correctly. */
async function sanityChecks(url: string, headers: Record<string, string>): Promise<GateResult['sanity']> {
  const listed = encodeURIComponent(seededPlate(0));
  const clean = encodeURIComponent(seededPlate(1));
  const unseen = encodeURIComponent(seededPlate(1, '苏'));
  const cases: [string, string, string][] = [
    ['listed, laden', `plate=${listed}&plateColor=1&cargo=LADEN`, 'TURN_BACK DISHONESTY_LIST cache'],
    ['listed, empty', `plate=${listed}&plateColor=1&cargo=EMPTY`, 'ALLOW EXEMPT_EMPTY cache'],
    ['cached, not listed', `plate=${clean}&plateColor=1&cargo=LADEN`, 'ALLOW  cache'],
    ['never seen', `plate=${unseen}&plateColor=1&cargo=LADEN`, 'ALLOW  cache'],
    [
      'overlimit reading',
      `plate=${clean}&plateColor=1&cargo=LADEN&axles=2&grossWeightKg=${limitKgFor({ axles: 2 }) + 5000}`,
      'TURN_BACK OVERLIMIT cache',
    ],
  ];
  const results: GateResult['sanity'] = [];
  for (const [name, query, expected] of cases) {
    const response = await fetch(`${url}/v1/gate/decision?${query}`, { headers, signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { decision?: string; reasons?: string[]; source?: string };
    const got = `${body.decision} ${(body.reasons ?? []).join(',')} ${body.source}`;
    results.push({ case: name, expected, got, ok: got === expected });
  }
  return results;
}
