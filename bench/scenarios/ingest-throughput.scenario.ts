import { Client } from 'pg';
import { Check, checkEqual, checkSameSet, checkThat, storedChecks } from '../lib/checks';
import { BenchContext } from '../lib/context';
import { CpuAccount } from '../lib/cpu-accounting';
import {
  ConsumptionTiming,
  produceTraffic,
  topicCount,
  topicEnd,
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
  /** Events of the dense stream (one vehicle per 20 events) on which the product and the naive baseline must list the same vehicles. */
  agreementEvents: number;
  vehicles: number;
  partitions: number;
  seed: number;
  /** Event times span the last this many days. */
  days: number;
  timeoutMs: number;
}

export interface ConsumerRun {
  /** Which run of the scenario's sequence (see runIngestScenario). */
  run: string;
  events: number;
  completed: boolean;
  /** From the group becoming Stable (consumer joined, fetching) to every offset committed and every effect stored. */
  seconds: number | null;
  /** Draining the backlog produced before the consumer started. */
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
  /** Machine CPU from spawn to done: this consumer, Postgres, Redis, Kafka, the outside. */
  cpu: CpuAccount;
}

/** Rows and messages a consumer left behind. */
export interface StoredCounts {
  weighings: number;
  violations: number;
  listings: number;
  dlq: number;
  listingEvents: number;
  [more: string]: number;
}

export type StoringRun = ConsumerRun & { stored: StoredCounts };

export interface IngestResult {
  parameters: IngestParameters & { spacingMs: number; trafficStart: string };
  /** What the generator says it sent, by kind: the whole stream, its first `naiveEvents`, the dense stream. */
  produced: TrafficKinds & { seconds: number };
  prefix: TrafficKinds;
  dense: TrafficKinds & { vehicles: number };
  /** In the order they ran: ceiling 1, naive 1, product, naive 2, ceiling 2, then the runs for the checks only. */
  ceiling: { runs: (ConsumerRun & { ownCount: Record<string, number> | null })[]; meanEventsPerS: number | null };
  product: StoringRun & {
    readyAfterS: number | null;
    sampledPeakRssMB: number;
    rssTimeline: [number, number][];
  };
  naive: { runs: StoringRun[]; meanEventsPerS: number | null };
  /** The product on the naive baseline's prefix, in a world of its own: what the agreement checks compare. */
  productOnPrefix: StoringRun;
  /**
   * The prefix of the 50,000-vehicle stream lists few vehicles (20,000 events: one), so the listing
   * logic is compared on a dense stream too: the same generator and seed, one vehicle per 20 events.
   */
  denseNaive: StoringRun;
  denseProduct: StoringRun;
  /** Product against the mean of the two baseline runs around it, and against each. */
  ratios: {
    productToCeiling: number | null;
    productToCeilingEach: (number | null)[];
    productToNaive: number | null;
    productToNaiveEach: (number | null)[];
  };
  checks: Check[];
}

function consumerRun(
  run: string,
  events: number,
  timing: ConsumptionTiming,
  p: NodeProcess,
  memory: { hwm: number } | null,
  cpu: number | null,
  exit: number | string,
  account: CpuAccount,
): ConsumerRun {
  const seconds = timing.completed && timing.stableMs !== null ? (timing.doneMs! - timing.stableMs) / 1000 : null;
  const fromSpawn = timing.completed ? timing.doneMs! / 1000 : null;
  return {
    run,
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
    cpu: account,
  };
}

async function query<T extends object>(databaseUrl: string, sql: string): Promise<T[]> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    return (await pg.query<T>(sql)).rows;
  } finally {
    await pg.end();
  }
}

async function count(databaseUrl: string, sql: string): Promise<number> {
  return Number((await query<{ n: string }>(databaseUrl, sql))[0]!.n);
}

async function storedCounts(
  world: World,
  admin: ReturnType<BenchContext['kafka']['admin']>,
  extra: Record<string, string> = {},
): Promise<StoredCounts> {
  const queries: Record<string, string> = {
    weighings: 'SELECT count(*) AS n FROM weighings',
    violations: 'SELECT count(*) AS n FROM violations',
    listings: 'SELECT count(*) AS n FROM listings',
    ...extra,
  };
  const counts: Record<string, number> = {};
  for (const [name, sql] of Object.entries(queries)) counts[name] = await count(world.databaseUrl, sql);
  return {
    ...(counts as { weighings: number; violations: number; listings: number }),
    dlq: await topicCount(admin, world.names.weighingEventsDlq),
    listingEvents: await topicCount(admin, world.names.listingEvents),
  };
}

/** What the agreement checks compare: every stored event id, every violation's event id, the active listings. */
async function storedContent(
  databaseUrl: string,
): Promise<{ eventIds: string[]; violationEventIds: string[]; listings: string[] }> {
  const ids = async (sql: string): Promise<string[]> => (await query<{ v: string }>(databaseUrl, sql)).map((r) => r.v);
  return {
    eventIds: await ids('SELECT event_id AS v FROM weighings'),
    violationEventIds: await ids('SELECT event_id AS v FROM violations'),
    // The vehicle, its state and how many counted acts listed it.
    listings: await ids(
      `SELECT vehicle_key || ' ' || status || ' ' || violation_count AS v FROM listings WHERE status IN ('LISTED','PUBLISHED')`,
    ),
  };
}

/** The product and a naive run on the same prefix of the same seeded stream store the same things. */
async function agreementChecks(
  product: { run: string; world: World; stored: StoredCounts },
  naive: { run: string; world: World; stored: StoredCounts },
): Promise<Check[]> {
  // Each pair's checks are named after the naive run; the product run is named in the expected column.
  const p = await storedContent(product.world.databaseUrl);
  const n = await storedContent(naive.world.databaseUrl);
  const labels = { expected: product.run, actual: naive.run };
  const what = `${naive.run} and ${product.run} agree`;
  return [
    checkSameSet(`${what}: stored event ids`, p.eventIds, n.eventIds, labels),
    checkSameSet(`${what}: violations (event ids)`, p.violationEventIds, n.violationEventIds, labels),
    checkSameSet(`${what}: active listings (vehicle, status, acts)`, p.listings, n.listings, labels),
    checkEqual(`${what}: dead letters`, product.stored.dlq, naive.stored.dlq),
  ];
}

/** Messages produced into a world's weighing topic. */
async function messagesIn(admin: ReturnType<BenchContext['kafka']['admin']>, world: World): Promise<number> {
  return [...(await topicEnd(admin, world.names.weighingEvents)).values()].reduce((a, b) => a + b, 0);
}

const mean = (values: (number | null)[]): number | null =>
  values.every((v) => v !== null) && values.length > 0
    ? Math.round((values as number[]).reduce((a, b) => a + b, 0) / values.length)
    : null;

/**
 * N events are produced first into a fresh topic; the headline is how fast the product
 * drains that backlog. The runs alternate baseline, product, baseline so that a ratio is not skewed by
 * the machine getting busier or quieter during the scenario:
 *
 *   ceiling 1 → naive 1 → product → naive 2 → ceiling 2 → (for the checks) product on the prefix,
 *   naive and product on the dense stream
 *
 * The ceiling (kafkajs, consume only) and the product drain the whole topic with their own consumer
 * groups; each naive run (bench/baselines/naive-ingest) and the product on the prefix take the first
 * `naiveEvents` of the same stream, each in a topic and database of its own. Every run's stores are
 * checked against what the generator sent, and the naive runs against the product on the same input.
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

  const denseVehicles = Math.max(10, Math.round(params.agreementEvents / 20));
  const dense: TrafficParameters = {
    ...traffic,
    vehicles: denseVehicles,
    spacingMs: (params.days * DAY_MS) / params.agreementEvents,
    eventIdPrefix: `bench-${params.seed}-dense`,
  };
  /** A world holding the first `count` messages of a stream: its own database and topics. */
  const streamWorld = async (
    name: string,
    stream = traffic,
    count = params.naiveEvents,
  ): Promise<{ world: World; kinds: TrafficKinds }> => {
    const w = ctx.world(name);
    await w.createDatabase();
    await w.createTopics(params.partitions);
    const { kinds } = await produceTraffic(ctx.kafka, w.names.weighingEvents, stream, count);
    return { world: w, kinds };
  };

  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const ceiling1 = await runCeiling(ctx, world, params, admin, 'ceiling 1');
    log(`ceiling 1: ${ceiling1.eventsPerS ?? '—'} events/s`);
    const naiveWorld1 = await streamWorld('naive-1');
    const naive1 = await runNaive(ctx, naiveWorld1.world, params, admin, 'naive 1');
    log(`naive 1: ${naive1.eventsPerS ?? '—'} events/s`);
    const product = await runProduct(ctx, world, params, admin);
    log(`product: ${product.eventsPerS ?? '—'} events/s, peak RSS ${product.peakRssMB} MB`);
    const naiveWorld2 = await streamWorld('naive-2');
    const naive2 = await runNaive(ctx, naiveWorld2.world, params, admin, 'naive 2');
    log(`naive 2: ${naive2.eventsPerS ?? '—'} events/s`);
    const ceiling2 = await runCeiling(ctx, world, params, admin, 'ceiling 2');
    log(`ceiling 2: ${ceiling2.eventsPerS ?? '—'} events/s`);
    const prefix = await streamWorld('prefix');
    const productOnPrefix = await runProductFor(ctx, prefix.world, params, admin, 'product on the prefix');
    log(`product on the prefix: ${productOnPrefix.eventsPerS ?? '—'} events/s`);
    log(`dense stream: ${params.agreementEvents} events, ${denseVehicles} vehicles`);
    const denseNaiveWorld = await streamWorld('dense-naive', dense, params.agreementEvents);
    const denseNaive = await runNaive(ctx, denseNaiveWorld.world, params, admin, 'naive on the dense stream');
    const denseProductWorld = await streamWorld('dense-product', dense, params.agreementEvents);
    const denseProduct = await runProductFor(
      ctx,
      denseProductWorld.world,
      params,
      admin,
      'product on the dense stream',
    );

    const checks: Check[] = [
      ...storedChecks('product', product.stored, produced.kinds, params.events),
      ...storedChecks('naive 1', naive1.stored, naiveWorld1.kinds, params.naiveEvents),
      ...storedChecks('naive 2', naive2.stored, naiveWorld2.kinds, params.naiveEvents),
      ...storedChecks('product on the prefix', productOnPrefix.stored, prefix.kinds, params.naiveEvents),
      ...storedChecks('naive on the dense stream', denseNaive.stored, denseNaiveWorld.kinds, params.agreementEvents),
      ...storedChecks(
        'product on the dense stream',
        denseProduct.stored,
        denseProductWorld.kinds,
        params.agreementEvents,
      ),
    ];
    const onPrefix = { run: 'product on the prefix', world: prefix.world, stored: productOnPrefix.stored };
    checks.push(
      ...(await agreementChecks(onPrefix, { run: 'naive 1', world: naiveWorld1.world, stored: naive1.stored })),
      ...(await agreementChecks(onPrefix, { run: 'naive 2', world: naiveWorld2.world, stored: naive2.stored })),
      ...(await agreementChecks(
        { run: 'product on the dense stream', world: denseProductWorld.world, stored: denseProduct.stored },
        { run: 'naive on the dense stream', world: denseNaiveWorld.world, stored: denseNaive.stored },
      )),
      // Agreeing on no listing at all would prove nothing about the listing rules.
      checkThat(
        'dense stream: the product listed vehicles (the listing comparison is not empty)',
        'at least 1',
        denseProduct.stored.activeListings ?? 0,
        (denseProduct.stored.activeListings ?? 0) > 0,
      ),
    );
    const failed = checks.filter((c) => !c.ok);
    log(failed.length === 0 ? `all ${checks.length} checks hold` : `FAILED: ${failed.map((c) => c.name).join('; ')}`);

    const ceilingMean = mean([ceiling1.eventsPerS, ceiling2.eventsPerS]);
    const naiveMean = mean([naive1.eventsPerS, naive2.eventsPerS]);
    return {
      parameters: { ...params, spacingMs: round(spacingMs, 3), trafficStart: start.toISOString() },
      produced: { ...produced.kinds, seconds: produced.seconds },
      prefix: naiveWorld1.kinds,
      dense: { ...denseNaiveWorld.kinds, vehicles: denseVehicles },
      ceiling: { runs: [ceiling1, ceiling2], meanEventsPerS: ceilingMean },
      product,
      naive: { runs: [naive1, naive2], meanEventsPerS: naiveMean },
      productOnPrefix,
      denseNaive,
      denseProduct,
      ratios: {
        productToCeiling: ratio(product.eventsPerS, ceilingMean),
        productToCeilingEach: [ceiling1, ceiling2].map((c) => ratio(product.eventsPerS, c.eventsPerS)),
        productToNaive: ratio(product.eventsPerS, naiveMean),
        productToNaiveEach: [naive1, naive2].map((n) => ratio(product.eventsPerS, n.eventsPerS)),
      },
      checks,
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
  run: string,
): Promise<IngestResult['ceiling']['runs'][number]> {
  const name = `ingest-${run.replace(/ /g, '-')}`;
  const groupId = world.groupId(run.replace(/ /g, '-'));
  const p = world.track(
    spawnNode(name, ENTRY.ceilingConsumer, {
      env: {
        KAFKA_BROKERS: ctx.services.kafkaBrokers,
        ...ctx.services.kafkaLogin,
        CEILING_TOPIC: world.names.weighingEvents,
        CEILING_GROUP_ID: groupId,
        CEILING_CONCURRENCY: String(params.partitions),
      },
      logFile: ctx.logFile(name),
      captureStdout: true,
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
  });
  const cpuAccount = account.stop({ ceiling: p.pid });
  const memory = memoryOf(p.pid);
  const cpu = cpuSecondsOf(p.pid);
  const stop = await stopProcess(p);
  let ownCount: Record<string, number> | null = null;
  try {
    ownCount = JSON.parse(p.stdout().trim().split('\n').pop() ?? '') as Record<string, number>;
  } catch {
    ownCount = null;
  }
  const result = consumerRun(run, params.events, timing, p, memory, cpu, stop.exit, cpuAccount);
  // Consume-only drains the topic in well under a second: the harness's 50 ms polls are too coarse,
  // so the consumer's own clock times it, from its group join to its last commit.
  const own = ownCount as { messages?: number; joinedAt?: number; lastCommitAt?: number } | null;
  if (result.completed && own?.joinedAt && own.lastCommitAt && own.messages === params.events) {
    const seconds = (own.lastCommitAt - own.joinedAt) / 1000;
    result.seconds = round(seconds, 3);
    result.eventsPerS = Math.round(params.events / seconds);
  }
  return { ...result, ownCount };
}

/** dist/apps/ingest in a world, timed until every offset is committed and its outbox is drained. */
async function timeIngest(
  ctx: BenchContext,
  world: World,
  params: IngestParameters,
  admin: ReturnType<BenchContext['kafka']['admin']>,
  run: string,
  events: number,
  onStarted: (p: NodeProcess, port: number) => () => void = () => () => undefined,
): Promise<{ result: StoringRun; p: NodeProcess }> {
  const name = run === 'product' ? 'ingest' : `ingest-${run.replace(/ /g, '-')}`;
  const groupId = world.groupId('ingest');
  const port = await freePort();
  const p = world.track(
    spawnNode(name, ENTRY.ingest, {
      env: world.appEnv({
        KAFKA_GROUP_ID: groupId,
        INGEST_PORT: String(port),
        KAFKA_TOPIC_PARTITIONS: String(params.partitions),
      }),
      nodeArgs: ctx.nodeArgs(run === 'product' ? 'ingest-throughput-ingest' : name, true),
      logFile: ctx.logFile(name),
    }),
  );
  const account = ctx.cpuAccounting();
  const stopWatching = onStarted(p, port);
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
        ctx.log(`ingest: ${run} ${done}/${of} committed, RSS ${mb(memoryOf(p.pid)?.rss ?? 0)} MB`),
    });
  } finally {
    stopWatching();
    await pg.end();
  }
  const cpuAccount = account.stop({ ingest: p.pid });
  const memory = memoryOf(p.pid);
  const cpu = cpuSecondsOf(p.pid);
  const stored = await storedCounts(world, admin, {
    activeListings: `SELECT count(*) AS n FROM listings WHERE status IN ('LISTED','PUBLISHED')`,
    outboxRows: 'SELECT count(*) AS n FROM outbox',
  });
  const stop = await stopProcess(p);
  return { result: { ...consumerRun(run, events, timing, p, memory, cpu, stop.exit, cpuAccount), stored }, p };
}

async function runProduct(
  ctx: BenchContext,
  world: World,
  params: IngestParameters,
  admin: ReturnType<BenchContext['kafka']['admin']>,
): Promise<IngestResult['product']> {
  let readyAt: number | null = null;
  let rss: ReturnType<typeof sampleRss> | undefined;
  let sampled: { peak: number; timeline: [number, number][] } = { peak: 0, timeline: [] };
  const { result, p } = await timeIngest(ctx, world, params, admin, 'product', params.events, (started, port) => {
    rss = sampleRss(started.pid);
    const readiness = setInterval(() => {
      if (readyAt !== null) return;
      void fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(500) }).then(
        (r) => {
          if (r.ok) readyAt ??= Date.now();
        },
        () => undefined,
      );
    }, 100);
    return () => {
      clearInterval(readiness);
      sampled = rss!.stop();
    };
  });
  return {
    ...result,
    readyAfterS: readyAt === null ? null : round((readyAt - p.startedAt) / 1000, 2),
    sampledPeakRssMB: mb(sampled.peak),
    rssTimeline: sampled.timeline.filter((_, i) => i % 5 === 0).map(([t, r]) => [t, mb(r)]),
  };
}

/** The product on a stream of its own world, for the checks (its rate is reported, never a headline). */
async function runProductFor(
  ctx: BenchContext,
  world: World,
  params: IngestParameters,
  admin: ReturnType<BenchContext['kafka']['admin']>,
  run: string,
): Promise<StoringRun> {
  return (await timeIngest(ctx, world, params, admin, run, await messagesIn(admin, world))).result;
}

async function runNaive(
  ctx: BenchContext,
  world: World,
  params: IngestParameters,
  admin: ReturnType<BenchContext['kafka']['admin']>,
  run: string,
): Promise<StoringRun> {
  const name = run.replace(/ /g, '-');
  const groupId = world.groupId('naive');
  const p = world.track(
    spawnNode(name, ENTRY.naiveIngest, {
      env: world.appEnv({ KAFKA_GROUP_ID: groupId }),
      logFile: ctx.logFile(name),
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
    onProgress: (done, of) => ctx.log(`ingest: ${run} ${done}/${of} committed`),
  });
  const cpuAccount = account.stop({ naive: p.pid });
  const memory = memoryOf(p.pid);
  const cpu = cpuSecondsOf(p.pid);
  const stored = await storedCounts(world, admin);
  const stop = await stopProcess(p);
  const events = await messagesIn(admin, world);
  return { ...consumerRun(run, events, timing, p, memory, cpu, stop.exit, cpuAccount), stored };
}
