import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { failedChecks, storedChecks } from './lib/checks';
import { committed, produceTraffic, topicCount, topicEnd } from './lib/kafka';
import { logger, mb, sleep } from './lib/log';
import { codeVersion, describeMachine, loadAverage, ROOT } from './lib/machine';
import {
  cpuSecondsOf,
  ENTRY,
  freePort,
  isRunning,
  logProblems,
  memoryOf,
  NodeProcess,
  sampleRss,
  spawnNode,
  stopProcess,
} from './lib/processes';
import { createKafkaClient, servicesFromEnv, World } from './lib/world';

/**
 * The ingest process's peak RSS over a 100,000-event run (target ≤ 300 MB).
 *
 * Produces N simulated weigh events into a fresh, prefixed topic first, then starts the built ingest
 * app (dist/) against a fresh database and samples its RSS from /proc every 200 ms until every offset
 * is committed by its consumer group and the outbox is drained. Everything it creates (database,
 * topics, consumer group, Redis keys) is removed at the end. See bench/README.md. The full suite
 * (`npm run bench`, bench/run.ts) measures the same RSS in its ingest scenario, with throughput.
 */

const RSS_TARGET_MB = 300;
const METRICS_MS = 2000;
const PARTITIONS = 6;
const DAY_MS = 86_400_000;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    vehicles: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    days: { type: 'string', default: '60' },
    'batch-size': { type: 'string', default: '2000' },
    'timeout-s': { type: 'string', default: '600' },
    'heap-prof': { type: 'boolean', default: false },
    // Extra Node flags for the ingest process, for experiments (e.g. "--max-old-space-size=160").
    'node-options': { type: 'string', default: '' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results') },
  },
});

function intArg(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be an integer >= 1 (got ${args[name]})`);
  return value;
}

const EVENTS = intArg('events');
const VEHICLES = intArg('vehicles');
const SEED = intArg('seed');
const DAYS = intArg('days');
const BATCH_SIZE = intArg('batch-size');
const TIMEOUT_MS = intArg('timeout-s') * 1000;

const log = logger('ingest-rss');

/** The Node memory figures ingest's /metrics exposes (prom-client default metrics). */
async function heapMetrics(url: string): Promise<Record<string, number> | null> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1000) })).text();
    const read = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
    return {
      heapUsed: read('nodejs_heap_size_used_bytes'),
      heapTotal: read('nodejs_heap_size_total_bytes'),
      external: read('nodejs_external_memory_bytes'),
      rss: read('process_resident_memory_bytes'),
    };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const stamp = Date.now();
  const services = servicesFromEnv();
  const kafka = createKafkaClient(services, `bench-ingest-rss-${stamp}`);
  const redis = new Redis(services.redisUrl, { lazyConnect: true });
  await redis.connect();
  const adminPg = new Client({ connectionString: services.postgresUrl });
  await adminPg.connect();
  const host = await describeMachine(adminPg, redis);
  await adminPg.end();
  const world = new World(services, kafka, redis, stamp, 'rss');
  const groupId = world.groupId('ingest');

  mkdirSync(args.out, { recursive: true });
  const isoStamp = new Date(stamp).toISOString().replace(/[:]/g, '').replace(/\..*/, 'Z');
  const logFile = path.join(os.tmpdir(), `ingest-rss-${isoStamp}.log`);
  const heapProfDir = args['heap-prof'] ? path.join(args.out, `ingest-rss-${isoStamp}-heapprof`) : undefined;
  if (heapProfDir) mkdirSync(heapProfDir, { recursive: true });

  let ingest: NodeProcess | undefined;
  const admin = kafka.admin();
  let pg: Client | undefined;
  try {
    log(`database ${world.databaseUrl}, topic prefix ${world.topicPrefix}`);
    await world.createDatabase();
    await world.createTopics(PARTITIONS);
    log(`producing ${EVENTS} events (seed ${SEED}, ${VEHICLES} vehicles, ${DAYS} days) …`);
    const spacingMs = Math.round((DAYS * DAY_MS) / EVENTS);
    const start = new Date(Date.now() - DAYS * DAY_MS);
    const produced = await produceTraffic(
      kafka,
      world.names.weighingEvents,
      { seed: SEED, vehicles: VEHICLES, start, spacingMs, eventIdPrefix: `bench-${SEED}` },
      EVENTS,
      BATCH_SIZE,
    );
    log(`produced in ${produced.seconds.toFixed(1)} s: ${JSON.stringify(produced.kinds)}`);

    pg = new Client({ connectionString: world.databaseUrl });
    await pg.connect();
    await admin.connect();
    const ends = await topicEnd(admin, world.names.weighingEvents);
    const total = [...ends.values()].reduce((a, b) => a + b, 0);

    // ---- the measured run
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    ingest = world.track(
      spawnNode('ingest', ENTRY.ingest, {
        env: world.appEnv({ KAFKA_GROUP_ID: groupId, INGEST_PORT: String(port) }),
        nodeArgs: [
          ...(heapProfDir ? ['--heap-prof', `--heap-prof-dir=${heapProfDir}`] : []),
          ...args['node-options'].split(/\s+/).filter(Boolean),
        ],
        logFile,
      }),
    );
    const pid = ingest.pid;
    const t0 = ingest.startedAt;
    const rss = sampleRss(pid);
    const heap = { heapUsed: 0, heapTotal: 0, external: 0 };
    const scraper = setInterval(() => {
      void heapMetrics(url).then((h) => {
        if (!h) return;
        heap.heapUsed = Math.max(heap.heapUsed, h.heapUsed || 0);
        heap.heapTotal = Math.max(heap.heapTotal, h.heapTotal || 0);
        heap.external = Math.max(heap.external, h.external || 0);
      });
    }, METRICS_MS);

    let readyAt: number | undefined;
    let consumedAt: number | undefined;
    let doneAt: number | undefined;
    let progress = 0;
    let lastReport = 0;
    while (Date.now() - t0 < TIMEOUT_MS) {
      if (!isRunning(ingest)) throw new Error(`ingest exited early (see ${logFile})`);
      if (readyAt === undefined) {
        const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) readyAt = Date.now();
      }
      progress = await committed(admin, groupId, world.names.weighingEvents, ends).catch(() => progress);
      if (progress >= total && total >= EVENTS) {
        consumedAt ??= Date.now();
        const { rows } = await pg.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
        if (Number(rows[0]!.n) === 0) {
          doneAt = Date.now();
          break;
        }
      }
      if (Date.now() - lastReport >= 10000) {
        lastReport = Date.now();
        const m = memoryOf(pid);
        log(
          `${((Date.now() - t0) / 1000).toFixed(0)} s: ${progress}/${total} committed, RSS ${m ? mb(m.rss) : '?'} MB`,
        );
      }
      await sleep(250);
    }
    const sampled = rss.stop();
    clearInterval(scraper);
    const end = doneAt ?? Date.now();
    const finalMemory = memoryOf(pid);
    const cpuSeconds = cpuSecondsOf(pid);
    const elapsed = (end - t0) / 1000;
    const consuming = readyAt ? (end - readyAt) / 1000 : null;

    const count = async (sql: string): Promise<number> => Number((await pg!.query<{ n: string }>(sql)).rows[0]!.n);
    const stored = {
      weighings: await count('SELECT count(*) AS n FROM weighings'),
      violations: await count('SELECT count(*) AS n FROM violations'),
      listings: await count('SELECT count(*) AS n FROM listings'),
      activeListings: await count(`SELECT count(*) AS n FROM listings WHERE status IN ('LISTED','PUBLISHED')`),
      outboxRows: await count('SELECT count(*) AS n FROM outbox'),
      dlq: await topicCount(admin, world.names.weighingEventsDlq),
      listingEvents: await topicCount(admin, world.names.listingEvents),
    };

    // What was stored must be what the generator sent, or the memory figure is of some other work.
    const checks = storedChecks('ingest', stored, produced.kinds, EVENTS);
    const stop = await stopProcess(ingest);
    const problems = logProblems(logFile);
    const code = codeVersion();

    const result = {
      benchmark: 'ingest-rss',
      issue: 3,
      at: new Date(stamp).toISOString(),
      completed: doneAt !== undefined,
      parameters: {
        events: EVENTS,
        vehicles: VEHICLES,
        seed: SEED,
        days: DAYS,
        spacingMs,
        trafficStart: start.toISOString(),
        partitions: PARTITIONS,
        produceBatch: BATCH_SIZE,
        timeoutS: TIMEOUT_MS / 1000,
        nodeOptions: args['node-options'],
      },
      code: { commit: code.commit, uncommittedChanges: code.dirty },
      machine: host,
      produced: { ...produced.kinds, seconds: produced.seconds },
      consumed: { committedOffsets: progress, of: total },
      stored: { ...stored, accountedFor: stored.weighings + stored.dlq },
      checks,
      timing: {
        readyS: readyAt ? (readyAt - t0) / 1000 : null,
        consumedS: consumedAt ? (consumedAt - t0) / 1000 : null,
        elapsedS: elapsed,
        eventsPerS: Math.round(progress / elapsed),
        eventsPerSAfterReady: consuming ? Math.round(progress / consuming) : null,
        ingestCpuS: cpuSeconds,
        loadAverageAtEnd: loadAverage(),
      },
      memory: {
        peakRssMB: finalMemory ? mb(finalMemory.hwm) : null,
        peakSampledRssMB: mb(sampled.peak),
        finalRssMB: finalMemory ? mb(finalMemory.rss) : null,
        peakHeapUsedMB: mb(heap.heapUsed),
        peakHeapTotalMB: mb(heap.heapTotal),
        peakExternalMB: mb(heap.external),
        targetMB: RSS_TARGET_MB,
        targetMet: finalMemory ? mb(finalMemory.hwm) <= RSS_TARGET_MB : null,
        samplesMs: 200,
        // One sample a second is enough to draw the curve: [ms since start, RSS MB].
        rssTimeline: sampled.timeline.filter((_, i) => i % 5 === 0).map(([t, r]) => [t, mb(r)]),
      },
      shutdown: { exit: stop.exit, seconds: stop.seconds },
      ingestLog: { file: logFile, ...problems },
      heapProfiles: heapProfDir ?? null,
    };
    const file = path.join(args.out, `ingest-rss-${isoStamp}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');

    const rows: [string, string][] = [
      ['commit', `${code.commit.slice(0, 7)}${code.dirty ? ' + uncommitted changes' : ''}`],
      ['events produced', String(EVENTS)],
      ['seed / vehicles / days', `${SEED} / ${VEHICLES} / ${DAYS}`],
      ['offsets committed', `${progress} / ${total}`],
      ['stored weighings', String(stored.weighings)],
      ['violations', String(stored.violations)],
      ['listings', `${stored.listings} (${stored.activeListings} active)`],
      ['DLQ records', `${stored.dlq} (generator: ${produced.kinds.MALFORMED} malformed)`],
      ['elapsed from ingest start, s', elapsed.toFixed(1)],
      ['events/s (incl. start-up)', String(result.timing.eventsPerS)],
      ['ingest CPU, s', cpuSeconds === null ? '?' : cpuSeconds.toFixed(1)],
      ['**peak RSS (VmHWM), MB**', `**${result.memory.peakRssMB}**`],
      [
        'peak heap used / total / external, MB',
        `${result.memory.peakHeapUsedMB} / ${result.memory.peakHeapTotalMB} / ${result.memory.peakExternalMB}`,
      ],
      ['target ≤ 300 MB', result.memory.targetMet ? 'met' : 'NOT met'],
      ['SIGTERM exit', `${stop.exit} in ${stop.seconds.toFixed(1)} s`],
      ['ingest log warnings / errors', `${problems.warnings} / ${problems.errors}`],
    ];
    for (const c of checks)
      rows.push([c.name, `${c.actual} (expected ${c.expected}) ${c.ok ? 'holds' : '**FAILED**'}`]);
    const table = ['| ingest-rss | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
    process.stdout.write(
      `\n${table}\n\nmachine: ${JSON.stringify(host)}\nresult: ${path.relative(process.cwd(), file)}\n`,
    );
    if (!result.completed) {
      log(`did not finish within ${TIMEOUT_MS / 1000} s: ${progress}/${total} committed`);
      process.exitCode = 1;
    }
    if (stop.exit !== 0) process.exitCode = 1;
    const failed = failedChecks(checks);
    if (failed.length > 0) {
      log(`FAILED: ${failed.map((c) => `${c.name}: ${c.actual}, expected ${c.expected}`).join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await world.cleanUp(log);
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
