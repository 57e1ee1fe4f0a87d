import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { Admin, Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { topics } from '@oc/contracts';
import { ensureTopics } from '@oc/messaging';
import { dropDatabase, migrate } from '@oc/persistence';
import { generateTraffic, SimulatedMessage } from '@oc/simulation';

/**
 * Issue 3: the ingest process's peak RSS over a 100,000-event run (target ≤ 300 MB).
 *
 * Produces N simulated weigh events into a fresh, prefixed topic first, then starts the built ingest
 * app (dist/) against a fresh database and samples its RSS from /proc every 200 ms until every offset
 * is committed by its consumer group and the outbox is drained. Everything it creates (database,
 * topics, consumer group, Redis keys) is removed at the end. See bench/README.md.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const INGEST_ENTRY = path.join(ROOT, 'dist', 'apps', 'ingest', 'src', 'main.js');
const RSS_TARGET_MB = 300;
const SAMPLE_MS = 200;
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

const services = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
};

const stamp = Date.now();
const run = {
  databaseUrl: withDatabase(services.postgresUrl, `oc_bench_${stamp}`),
  topicPrefix: `bench.${stamp}.`,
  redisKeyPrefix: `bench:${stamp}:`,
  groupId: `bench.${stamp}.ingest`,
};
const names = topics(run.topicPrefix);

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function log(message: string): void {
  process.stderr.write(`[ingest-rss ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

// ---------------------------------------------------------------- machine

async function machine(pg: Client, redis: Redis): Promise<Record<string, unknown>> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let kafka = process.env.BENCH_KAFKA_VERSION ?? 'unknown';
  if (kafka === 'unknown') {
    try {
      const status = execFileSync('bash', [path.join(ROOT, 'infra', 'kafka', 'kafka.sh'), 'status'], {
        encoding: 'utf8',
        timeout: 10000,
      });
      kafka = /Kafka (\d[\w.-]*)/.exec(status)?.[1] ?? 'unknown';
    } catch {
      // A broker not started by infra/kafka: its version is not known here.
    }
  }
  return {
    nproc: os.availableParallelism(),
    memoryMB: Math.round(os.totalmem() / 1024 / 1024),
    cpu: model,
    kernel: os.release(),
    node: process.version,
    kafka,
    postgres: (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
    redis: /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown',
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The commit measured, and whether apps/ or libs/ differ from it (then the figures are for uncommitted code). */
function codeVersion(): { commit: string; uncommittedChanges: boolean | null } {
  try {
    const git = (...a: string[]): string => execFileSync('git', ['-C', ROOT, ...a], { encoding: 'utf8' }).trim();
    return {
      commit: git('rev-parse', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain', '--', 'apps', 'libs') !== '',
    };
  } catch {
    return { commit: 'unknown', uncommittedChanges: null };
  }
}

// ---------------------------------------------------------------- produce

async function produce(
  kafka: Kafka,
): Promise<{ kinds: Record<SimulatedMessage['kind'], number>; seconds: number; spacingMs: number; start: string }> {
  const spacingMs = Math.round((DAYS * DAY_MS) / EVENTS);
  const start = new Date(Date.now() - DAYS * DAY_MS);
  const traffic = generateTraffic({ seed: SEED, vehicles: VEHICLES, start, spacingMs, eventIdPrefix: `bench-${SEED}` });
  const kinds = { COMPLIANT: 0, WARNING: 0, VIOLATION: 0, EMPTY: 0, PERMIT: 0, UNKNOWN_PLATE: 0, MALFORMED: 0 };
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const began = Date.now();
  await producer.connect();
  try {
    for (let sent = 0; sent < EVENTS;) {
      const messages: { key: string; value: string }[] = [];
      while (messages.length < BATCH_SIZE && sent + messages.length < EVENTS) {
        const m = traffic.next().value as SimulatedMessage;
        kinds[m.kind] += 1;
        messages.push({ key: m.key, value: m.value });
      }
      await producer.send({ topic: names.weighingEvents, acks: -1, messages });
      sent += messages.length;
    }
  } finally {
    await producer.disconnect();
  }
  return { kinds, seconds: (Date.now() - began) / 1000, spacingMs, start: start.toISOString() };
}

// ---------------------------------------------------------------- ingest process and its memory

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes; null once it has gone. */
function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used (from /proc/<pid>/stat). */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

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

interface IngestRun {
  child: ChildProcess;
  url: string;
  logFile: string;
  exited: Promise<number | string>;
}

async function startIngest(logFile: string, heapProfDir?: string): Promise<IngestRun> {
  const port = await freePort();
  const nodeArgs = [
    ...(heapProfDir ? ['--heap-prof', `--heap-prof-dir=${heapProfDir}`] : []),
    ...args['node-options'].split(/\s+/).filter(Boolean),
  ];
  const child = spawn(process.execPath, [...nodeArgs, INGEST_ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: services.kafkaBrokers,
      REDIS_URL: services.redisUrl,
      DATABASE_URL: run.databaseUrl,
      TOPIC_PREFIX: run.topicPrefix,
      REDIS_KEY_PREFIX: run.redisKeyPrefix,
      KAFKA_GROUP_ID: run.groupId,
      INGEST_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(logFile);
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  void exited.then(() => setTimeout(() => out.end(), 100));
  return { child, url: `http://127.0.0.1:${port}`, logFile, exited };
}

async function stopIngest(ingest: IngestRun): Promise<{ exit: number | string; seconds: number }> {
  const began = Date.now();
  if (ingest.child.exitCode === null && ingest.child.signalCode === null) ingest.child.kill('SIGTERM');
  const timer = setTimeout(() => ingest.child.kill('SIGKILL'), 20000);
  try {
    return { exit: await ingest.exited, seconds: (Date.now() - began) / 1000 };
  } finally {
    clearTimeout(timer);
  }
}

/** Warnings and errors in ingest's JSON log (pino levels: 40 warn, 50 error, 60 fatal). */
function logProblems(logFile: string): { warnings: number; errors: number; lines: number; first: string[] } {
  const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  let warnings = 0;
  let errors = 0;
  const first: string[] = [];
  for (const line of lines) {
    let level = 50;
    let message = line;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      level = entry.level ?? 50;
      message = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
    } catch {
      // Not JSON (e.g. a Node warning on stderr): count it as an error-level line.
    }
    if (level >= 50) errors += 1;
    else if (level >= 40) warnings += 1;
    if (level >= 40 && first.length < 20) first.push(message.slice(0, 300));
  }
  return { warnings, errors, lines: lines.length, first };
}

// ---------------------------------------------------------------- progress

async function committedOffsets(admin: Admin): Promise<{ committed: number; total: number }> {
  const ends = await admin.fetchTopicOffsets(names.weighingEvents);
  const [group] = await admin.fetchOffsets({ groupId: run.groupId, topics: [names.weighingEvents] });
  let committed = 0;
  let total = 0;
  for (const end of ends) {
    const high = Number(end.high);
    const c = Number(group?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
    total += high;
    committed += Math.min(Math.max(c, 0), high);
  }
  return { committed, total };
}

async function topicCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
}

// ---------------------------------------------------------------- clean-up

async function cleanUp(kafka: Kafka, redis: Redis): Promise<void> {
  await dropDatabase(run.databaseUrl).catch((e: Error) => log(`could not drop the database: ${e.message}`));
  const admin = kafka.admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(run.topicPrefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30000 });
    await admin.deleteGroups([run.groupId]).catch(() => undefined);
  } catch (e) {
    log(`could not delete the topics: ${(e as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${run.redisKeyPrefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const kafka = new Kafka({
    clientId: `bench-ingest-rss-${stamp}`,
    brokers: services.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const redis = new Redis(services.redisUrl, { lazyConnect: true });
  await redis.connect();
  const adminPg = new Client({ connectionString: services.postgresUrl });
  await adminPg.connect();
  const host = await machine(adminPg, redis);
  await adminPg.end();

  mkdirSync(args.out, { recursive: true });
  const isoStamp = new Date(stamp).toISOString().replace(/[:]/g, '').replace(/\..*/, 'Z');
  const logFile = path.join(os.tmpdir(), `ingest-rss-${isoStamp}.log`);
  const heapProfDir = args['heap-prof'] ? path.join(args.out, `ingest-rss-${isoStamp}-heapprof`) : undefined;
  if (heapProfDir) mkdirSync(heapProfDir, { recursive: true });

  let ingest: IngestRun | undefined;
  const admin = kafka.admin();
  let pg: Client | undefined;
  try {
    log(`database ${run.databaseUrl}, topic prefix ${run.topicPrefix}`);
    await migrate(run.databaseUrl);
    await ensureTopics(kafka, Object.values(names), PARTITIONS);
    log(`producing ${EVENTS} events (seed ${SEED}, ${VEHICLES} vehicles, ${DAYS} days) …`);
    const produced = await produce(kafka);
    log(`produced in ${produced.seconds.toFixed(1)} s: ${JSON.stringify(produced.kinds)}`);

    pg = new Client({ connectionString: run.databaseUrl });
    await pg.connect();
    await admin.connect();

    // ---- the measured run
    ingest = await startIngest(logFile, heapProfDir);
    const pid = ingest.child.pid!;
    const t0 = Date.now();
    const samples: [number, number][] = [];
    let peakSampledRss = 0;
    const sampler = setInterval(() => {
      const m = memoryOf(pid);
      if (!m) return;
      samples.push([Date.now() - t0, m.rss]);
      peakSampledRss = Math.max(peakSampledRss, m.rss);
    }, SAMPLE_MS);
    const heap = { heapUsed: 0, heapTotal: 0, external: 0 };
    const scraper = setInterval(() => {
      void heapMetrics(ingest!.url).then((h) => {
        if (!h) return;
        heap.heapUsed = Math.max(heap.heapUsed, h.heapUsed || 0);
        heap.heapTotal = Math.max(heap.heapTotal, h.heapTotal || 0);
        heap.external = Math.max(heap.external, h.external || 0);
      });
    }, METRICS_MS);

    let readyAt: number | undefined;
    let consumedAt: number | undefined;
    let doneAt: number | undefined;
    let progress = { committed: 0, total: EVENTS };
    let lastReport = 0;
    while (Date.now() - t0 < TIMEOUT_MS) {
      if (ingest.child.exitCode !== null || ingest.child.signalCode !== null)
        throw new Error(`ingest exited early (see ${logFile})`);
      if (readyAt === undefined) {
        const ok = await fetch(`${ingest.url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) readyAt = Date.now();
      }
      progress = await committedOffsets(admin).catch(() => progress);
      if (progress.committed >= progress.total && progress.total >= EVENTS) {
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
          `${((Date.now() - t0) / 1000).toFixed(0)} s: ${progress.committed}/${progress.total} committed, RSS ${m ? mb(m.rss) : '?'} MB`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    clearInterval(sampler);
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
      dlq: await topicCount(admin, names.weighingEventsDlq),
      listingEvents: await topicCount(admin, names.listingEvents),
    };

    const stop = await stopIngest(ingest);
    const problems = logProblems(logFile);

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
        spacingMs: produced.spacingMs,
        trafficStart: produced.start,
        partitions: PARTITIONS,
        produceBatch: BATCH_SIZE,
        timeoutS: TIMEOUT_MS / 1000,
        nodeOptions: args['node-options'],
      },
      code: codeVersion(),
      machine: host,
      produced: { ...produced.kinds, seconds: produced.seconds },
      consumed: { committedOffsets: progress.committed, of: progress.total },
      stored: { ...stored, accountedFor: stored.weighings + stored.dlq },
      timing: {
        readyS: readyAt ? (readyAt - t0) / 1000 : null,
        consumedS: consumedAt ? (consumedAt - t0) / 1000 : null,
        elapsedS: elapsed,
        eventsPerS: Math.round(progress.committed / elapsed),
        eventsPerSAfterReady: consuming ? Math.round(progress.committed / consuming) : null,
        ingestCpuS: cpuSeconds,
        loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
      },
      memory: {
        peakRssMB: finalMemory ? mb(finalMemory.hwm) : null,
        peakSampledRssMB: mb(peakSampledRss),
        finalRssMB: finalMemory ? mb(finalMemory.rss) : null,
        peakHeapUsedMB: mb(heap.heapUsed),
        peakHeapTotalMB: mb(heap.heapTotal),
        peakExternalMB: mb(heap.external),
        targetMB: RSS_TARGET_MB,
        targetMet: finalMemory ? mb(finalMemory.hwm) <= RSS_TARGET_MB : null,
        samplesMs: SAMPLE_MS,
        // One sample a second is enough to draw the curve: [ms since start, RSS MB].
        rssTimeline: samples.filter((_, i) => i % 5 === 0).map(([t, rss]) => [t, mb(rss)]),
      },
      shutdown: { exit: stop.exit, seconds: stop.seconds },
      ingestLog: { file: logFile, ...problems },
      heapProfiles: heapProfDir ?? null,
    };
    const file = path.join(args.out, `ingest-rss-${isoStamp}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');

    const rows: [string, string][] = [
      ['commit', `${result.code.commit.slice(0, 7)}${result.code.uncommittedChanges ? ' + uncommitted changes' : ''}`],
      ['events produced', String(EVENTS)],
      ['seed / vehicles / days', `${SEED} / ${VEHICLES} / ${DAYS}`],
      ['offsets committed', `${progress.committed} / ${progress.total}`],
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
    const table = ['| ingest-rss | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
    process.stdout.write(
      `\n${table}\n\nmachine: ${JSON.stringify(host)}\nresult: ${path.relative(process.cwd(), file)}\n`,
    );
    if (!result.completed) {
      log(`did not finish within ${TIMEOUT_MS / 1000} s: ${progress.committed}/${progress.total} committed`);
      process.exitCode = 1;
    }
    if (stop.exit !== 0) process.exitCode = 1;
  } finally {
    if (ingest && ingest.child.exitCode === null && ingest.child.signalCode === null) await stopIngest(ingest);
    await admin.disconnect().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await cleanUp(kafka, redis);
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
