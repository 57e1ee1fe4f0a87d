import { Client } from 'pg';
import { BenchContext } from '../lib/context';
import { CpuAccount } from '../lib/cpu-accounting';
import {
  ConsumptionTiming,
  produceTraffic,
  topicCount,
  TrafficKinds,
  TrafficParameters,
  watchConsumption,
} from '../lib/kafka';
import { mb, round } from '../lib/log';
import {
  cpuSecondsOf,
  ENTRY,
  freePort,
  logProblems,
  LogProblems,
  memoryOf,
  NodeProcess,
  sampleRss,
  spawnNode,
  stopProcess,
} from '../lib/processes';
import { ratio } from '../lib/stats';
import { World } from '../lib/world';

const DAY_MS = 86_400_000;

export interface IngestParameters {
  events: number;
  naiveEvents: number;
  vehicles: number;
  partitions: number;
  seed: number;
  /** Event times span the last this many days. */
  days: number;
  timeoutMs: number;
}

export interface ConsumerRun {
  events: number;
  completed: boolean;
  /** From the group becoming Stable (consumer joined, fetching) to every offset committed and every effect stored. */
  seconds: number | null;
  eventsPerS: number | null;
  /** The same from process spawn, start-up included. */
  secondsFromSpawn: number | null;
  eventsPerSFromSpawn: number | null;
  joinedAfterS: number | null;
  committedOffsets: number;
  peakRssMB: number | null;
  cpuS: number | null;
  exit: number | string;
  log: LogProblems & { file: string };
  /** Machine CPU from spawn to done: this consumer, Postgres, Redis, Kafka, everything else. */
  cpu?: CpuAccount;
}

export interface IngestResult {
  parameters: IngestParameters & { spacingMs: number; trafficStart: string };
  produced: TrafficKinds & { seconds: number };
  ceiling: ConsumerRun & { ownCount: Record<string, number> | null };
  product: ConsumerRun & {
    readyAfterS: number | null;
    sampledPeakRssMB: number;
    rssTimeline: [number, number][];
    stored: Record<string, number>;
  };
  naive: ConsumerRun & { stored: Record<string, number> };
  ratios: { productToCeiling: number | null; productToNaive: number | null };
}

function consumerRun(
  events: number,
  timing: ConsumptionTiming,
  p: NodeProcess,
  memory: { hwm: number } | null,
  cpu: number | null,
  exit: number | string,
): ConsumerRun {
  const seconds = timing.completed && timing.stableMs !== null ? (timing.doneMs! - timing.stableMs) / 1000 : null;
  const fromSpawn = timing.completed ? timing.doneMs! / 1000 : null;
  return {
    events,
    completed: timing.completed,
    seconds: seconds === null ? null : round(seconds, 2),
    eventsPerS: seconds ? Math.round(events / seconds) : null,
    secondsFromSpawn: fromSpawn === null ? null : round(fromSpawn, 2),
    eventsPerSFromSpawn: fromSpawn ? Math.round(events / fromSpawn) : null,
    joinedAfterS: timing.stableMs === null ? null : round(timing.stableMs / 1000, 2),
    committedOffsets: timing.committed,
    peakRssMB: memory ? mb(memory.hwm) : null,
    cpuS: cpu,
    exit,
    log: { file: p.logFile, ...logProblems(p.logFile) },
  };
}

async function countRows(databaseUrl: string, queries: Record<string, string>): Promise<Record<string, number>> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const counts: Record<string, number> = {};
    for (const [name, sql] of Object.entries(queries))
      counts[name] = Number((await pg.query<{ n: string }>(sql)).rows[0]!.n);
    return counts;
  } finally {
    await pg.end();
  }
}

const STORED = {
  weighings: 'SELECT count(*) AS n FROM weighings',
  violations: 'SELECT count(*) AS n FROM violations',
  listings: 'SELECT count(*) AS n FROM listings',
};

/**
 * Issue 6 §1. N events are produced first into a fresh topic; then, one after the other, three
 * consumers drain it from the earliest offset with their own consumer group: the ceiling (kafkajs,
 * consume only), the product's ingest (dist/apps/ingest) and — on the first `naiveEvents` of the same
 * stream, in a topic and database of its own — the naive NestJS baseline (bench/baselines/naive-ingest).
 */
export async function runIngestScenario(ctx: BenchContext, params: IngestParameters): Promise<IngestResult> {
  const log = (m: string): void => ctx.log(`ingest: ${m}`);
  const world = ctx.world('ingest');
  const spacingMs = (params.days * DAY_MS) / params.events;
  const start = new Date(Date.now() - params.days * DAY_MS);
  const traffic: TrafficParameters = {
    seed: params.seed,
    vehicles: params.vehicles,
    start,
    spacingMs,
    eventIdPrefix: `bench-${params.seed}`,
  };

  await world.createDatabase();
  await world.createTopics(params.partitions);
  log(`producing ${params.events} events into ${params.partitions} partitions (seed ${params.seed}) …`);
  const produced = await produceTraffic(ctx.kafka, world.names.weighingEvents, traffic, params.events);
  log(`produced in ${produced.seconds.toFixed(1)} s: ${JSON.stringify(produced.kinds)}`);

  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const ceiling = await runCeiling(ctx, world, params, admin);
    log(`ceiling: ${ceiling.eventsPerS ?? '—'} events/s`);
    const product = await runProduct(ctx, world, params, admin);
    log(`product: ${product.eventsPerS ?? '—'} events/s, peak RSS ${product.peakRssMB} MB`);
    const naive = await runNaive(ctx, params, traffic, admin);
    log(`naive: ${naive.eventsPerS ?? '—'} events/s`);
    return {
      parameters: { ...params, spacingMs: round(spacingMs, 3), trafficStart: start.toISOString() },
      produced: { ...produced.kinds, seconds: produced.seconds },
      ceiling,
      product,
      naive,
      ratios: {
        productToCeiling: ratio(product.eventsPerS, ceiling.eventsPerS),
        productToNaive: ratio(product.eventsPerS, naive.eventsPerS),
      },
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function runCeiling(
  ctx: BenchContext,
  world: World,
  params: IngestParameters,
  admin: ReturnType<BenchContext['kafka']['admin']>,
): Promise<IngestResult['ceiling']> {
  const groupId = world.groupId('ceiling');
  const p = world.track(
    spawnNode('ingest-ceiling', ENTRY.ceilingConsumer, {
      env: {
        KAFKA_BROKERS: ctx.services.kafkaBrokers,
        CEILING_TOPIC: world.names.weighingEvents,
        CEILING_GROUP_ID: groupId,
        CEILING_CONCURRENCY: String(params.partitions),
      },
      logFile: ctx.logFile('ingest-ceiling'),
      captureStdout: true,
    }),
  );
  const timing = await watchConsumption({
    admin,
    groupId,
    topic: world.names.weighingEvents,
    spawnedAt: p.startedAt,
    timeoutMs: params.timeoutMs,
    alive: () => p.child.exitCode === null,
  });
  const memory = memoryOf(p.pid);
  const cpu = cpuSecondsOf(p.pid);
  const stop = await stopProcess(p);
  let ownCount: Record<string, number> | null = null;
  try {
    ownCount = JSON.parse(p.stdout().trim().split('\n').pop() ?? '') as Record<string, number>;
  } catch {
    ownCount = null;
  }
  const run = consumerRun(params.events, timing, p, memory, cpu, stop.exit);
  // Consume-only drains the topic in well under a second: the harness's 50 ms polls are too coarse,
  // so the consumer's own clock times it, from its group join to its last commit.
  const own = ownCount as { messages?: number; joinedAt?: number; lastCommitAt?: number } | null;
  if (run.completed && own?.joinedAt && own.lastCommitAt && own.messages === params.events) {
    const seconds = (own.lastCommitAt - own.joinedAt) / 1000;
    run.seconds = round(seconds, 3);
    run.eventsPerS = Math.round(params.events / seconds);
  }
  return { ...run, ownCount };
}

async function runProduct(
  ctx: BenchContext,
  world: World,
  params: IngestParameters,
  admin: ReturnType<BenchContext['kafka']['admin']>,
): Promise<IngestResult['product']> {
  const groupId = world.groupId('ingest');
  const port = await freePort();
  const p = world.track(
    spawnNode('ingest', ENTRY.ingest, {
      env: world.appEnv({
        KAFKA_GROUP_ID: groupId,
        INGEST_PORT: String(port),
        KAFKA_TOPIC_PARTITIONS: String(params.partitions),
      }),
      nodeArgs: ctx.nodeArgs('ingest-throughput-ingest', true),
      logFile: ctx.logFile('ingest'),
    }),
  );
  const account = ctx.cpuAccounting();
  const rss = sampleRss(p.pid);
  let readyAt: number | null = null;
  const readiness = setInterval(() => {
    if (readyAt !== null) return;
    void fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(500) }).then(
      (r) => {
        if (r.ok) readyAt ??= Date.now();
      },
      () => undefined,
    );
  }, 100);
  const pg = new Client({ connectionString: world.databaseUrl });
  await pg.connect();
  let timing: ConsumptionTiming;
  try {
    timing = await watchConsumption({
      admin,
      groupId,
      topic: world.names.weighingEvents,
      spawnedAt: p.startedAt,
      timeoutMs: params.timeoutMs,
      alive: () => p.child.exitCode === null,
      drained: async () =>
        Number(
          (await pg.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0]!.n,
        ) === 0,
      onProgress: (done, of) =>
        ctx.log(`ingest: product ${done}/${of} committed, RSS ${mb(memoryOf(p.pid)?.rss ?? 0)} MB`),
    });
  } finally {
    clearInterval(readiness);
    await pg.end();
  }
  const cpuAccount = account.stop({ ingest: p.pid });
  const sampled = rss.stop();
  const memory = memoryOf(p.pid);
  const cpu = cpuSecondsOf(p.pid);
  const stored = {
    ...(await countRows(world.databaseUrl, {
      ...STORED,
      activeListings: `SELECT count(*) AS n FROM listings WHERE status IN ('LISTED','PUBLISHED')`,
      outboxRows: 'SELECT count(*) AS n FROM outbox',
    })),
    dlq: await topicCount(admin, world.names.weighingEventsDlq),
    listingEvents: await topicCount(admin, world.names.listingEvents),
  };
  const stop = await stopProcess(p);
  return {
    ...consumerRun(params.events, timing, p, memory, cpu, stop.exit),
    cpu: cpuAccount,
    readyAfterS: readyAt === null ? null : round((readyAt - p.startedAt) / 1000, 2),
    sampledPeakRssMB: mb(sampled.peak),
    rssTimeline: sampled.timeline.filter((_, i) => i % 5 === 0).map(([t, r]) => [t, mb(r)]),
    stored,
  };
}

async function runNaive(
  ctx: BenchContext,
  params: IngestParameters,
  traffic: TrafficParameters,
  admin: ReturnType<BenchContext['kafka']['admin']>,
): Promise<IngestResult['naive']> {
  const world = ctx.world('naive');
  await world.createDatabase();
  await world.createTopics(params.partitions);
  // The same stream, cut short: the first naiveEvents messages of the same generator and seed.
  await produceTraffic(ctx.kafka, world.names.weighingEvents, traffic, params.naiveEvents);
  const groupId = world.groupId('naive');
  const p = world.track(
    spawnNode('naive-ingest', ENTRY.naiveIngest, {
      env: world.appEnv({ KAFKA_GROUP_ID: groupId }),
      logFile: ctx.logFile('naive-ingest'),
    }),
  );
  const account = ctx.cpuAccounting();
  const timing = await watchConsumption({
    admin,
    groupId,
    topic: world.names.weighingEvents,
    spawnedAt: p.startedAt,
    timeoutMs: params.timeoutMs,
    alive: () => p.child.exitCode === null,
    onProgress: (done, of) => ctx.log(`ingest: naive ${done}/${of} committed`),
  });
  const cpuAccount = account.stop({ naive: p.pid });
  const memory = memoryOf(p.pid);
  const cpu = cpuSecondsOf(p.pid);
  const stored = {
    ...(await countRows(world.databaseUrl, STORED)),
    dlq: await topicCount(admin, world.names.weighingEventsDlq),
    listingEvents: await topicCount(admin, world.names.listingEvents),
  };
  const stop = await stopProcess(p);
  return { ...consumerRun(params.naiveEvents, timing, p, memory, cpu, stop.exit), cpu: cpuAccount, stored };
}
