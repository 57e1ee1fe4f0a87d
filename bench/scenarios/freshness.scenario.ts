import { Partitioners } from 'kafkajs';
import { violationEvent } from '@oc/simulation';
import { Check, checkEqual } from '../lib/checks';
import { BenchContext } from '../lib/context';
import { CpuAccount } from '../lib/cpu-accounting';
import { committed, topicEnd } from '../lib/kafka';
import { sleep } from '../lib/log';
import {
  ENTRY,
  freePort,
  isRunning,
  logProblems,
  LogProblems,
  NodeProcess,
  spawnNode,
  stopProcess,
  waitForHttp,
} from '../lib/processes';
import { seededPlate } from '../lib/seed';
import { Distribution, distribution } from '../lib/stats';

export interface FreshnessParameters {
  /** Vehicles that receive their third trip while the background traffic runs. */
  vehicles: number;
  /** Background traffic, events/s. */
  rate: number;
  fleet: number;
  partitions: number;
  warmupS: number;
  /** Between two third trips. */
  spacingMs: number;
  /**
   * Each pending plate is asked again max(minPollMs, 5 % of the time since its produce) after its
   * previous answer: fine resolution while it is fresh, bounded relative error and bounded load on
   * the gate when ingest lags.
   */
  minPollMs: number;
  /** At most this many probe requests in flight at once. */
  maxInFlight: number;
  /** A plate not turned back after this long counts as a miss. */
  timeoutMs: number;
  seed: number;
  stationId: string;
}

export interface FreshnessResult {
  parameters: FreshnessParameters;
  /** Produce → first TURN_BACK answer received (upper bound of the true latency), ms. */
  latencyMs: Distribution;
  /** Produce → sending of the last answer that was still ALLOW (lower bound), ms. */
  lowerBoundMs: Distribution;
  /** Upper − lower bound per plate: the probe's resolution, ms. */
  resolutionMs: Distribution;
  produceAckMs: Distribution;
  turnedBack: number;
  missed: number;
  probeRequests: number;
  probeErrors: number;
  background: Record<string, number> | null;
  /** Ingest's consumer lag (events produced, not yet committed), sampled every second while probing. */
  ingestLag: { max: number; mean: number; samples: number };
  /** Machine CPU while probing. */
  cpu: CpuAccount;
  ingest: { exit: number | string; log: LogProblems & { file: string } };
  gate: { exit: number | string; log: LogProblems & { file: string } };
  checks: Check[];
}

interface Probe {
  plate: string;
  producedAt: number;
  ackMs: number;
  lastAllowSentAt: number;
  turnedBackAt: number | null;
}

/**
 * Ingest and gate-api (dist/) run against a fresh world; 200 vehicles get two illegal
 * trips each (stored before the clock starts); background traffic runs at 5,000 events/s; then every
 * `spacingMs` one of those vehicles gets its third trip, and the gate is asked about its plate (see
 * minPollMs) until it answers TURN_BACK. The figure is produce → TURN_BACK received.
 */
export async function runFreshnessScenario(ctx: BenchContext, params: FreshnessParameters): Promise<FreshnessResult> {
  const log = (m: string): void => ctx.log(`freshness: ${m}`);
  const world = ctx.world('freshness');
  await world.createDatabase();
  await world.createTopics(params.partitions);
  const key = (await ctx.cli(world, 'freshness-station-add', ['station:add', params.stationId])).stdout.trim();
  const groupId = world.groupId('ingest');
  const ingestPort = await freePort();
  const ingest: NodeProcess = world.track(
    spawnNode('freshness-ingest', ENTRY.ingest, {
      env: world.appEnv({
        KAFKA_GROUP_ID: groupId,
        INGEST_PORT: String(ingestPort),
        KAFKA_TOPIC_PARTITIONS: String(params.partitions),
      }),
      nodeArgs: ctx.nodeArgs('freshness-ingest', true),
      logFile: ctx.logFile('freshness-ingest'),
    }),
  );
  const gatePort = await freePort();
  const gateUrl = `http://127.0.0.1:${gatePort}`;
  const gate: NodeProcess = world.track(
    spawnNode('freshness-gate-api', ENTRY.gateApi, {
      env: world.appEnv({ GATE_PORT: String(gatePort) }),
      nodeArgs: ctx.nodeArgs('freshness-gate-api', true),
      logFile: ctx.logFile('freshness-gate-api'),
    }),
  );
  await waitForHttp(`http://127.0.0.1:${ingestPort}/health/ready`, ingest);
  await waitForHttp(`${gateUrl}/health/ready`, gate);

  const producer = ctx.kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const admin = ctx.kafka.admin();
  await producer.connect();
  await admin.connect();
  let background: NodeProcess | undefined;
  try {
    // Plates 京A00000…: the traffic generator never uses 京, so only the probe touches these vehicles.
    const plates = Array.from({ length: params.vehicles }, (_, i) => seededPlate(i, '京'));
    const now = Date.now();
    const prior = plates.flatMap((plate, i) => [
      violationEvent({ eventId: `fresh-${i}-1`, plate, measuredAt: new Date(now - 150 * 60_000) }),
      violationEvent({ eventId: `fresh-${i}-2`, plate, measuredAt: new Date(now - 80 * 60_000) }),
    ]);
    await producer.send({ topic: world.names.weighingEvents, acks: -1, messages: prior });
    await waitCaughtUp(admin, groupId, world.names.weighingEvents, ingest, 120_000);
    const ask = gateAsker(gateUrl, key);
    const before = await ask(plates[0]!);
    if (before !== 'ALLOW') throw new Error(`a vehicle with two trips is already ${before} at the gate`);
    log(`${params.vehicles} vehicles have 2 trips stored; background traffic ${params.rate} events/s …`);

    background = world.track(
      spawnNode('freshness-traffic', ENTRY.backgroundTraffic, {
        env: {
          KAFKA_BROKERS: ctx.services.kafkaBrokers,
          TRAFFIC_TOPIC: world.names.weighingEvents,
          TRAFFIC_RATE: String(params.rate),
          TRAFFIC_VEHICLES: String(params.fleet),
          TRAFFIC_SEED: String(params.seed),
          TRAFFIC_EVENT_ID_PREFIX: `fresh-bg-${params.seed}`,
        },
        logFile: ctx.logFile('freshness-traffic'),
        captureStdout: true,
      }),
    );
    await sleep(params.warmupS * 1000);

    const lag = { max: 0, sum: 0, samples: 0 };
    const lagTimer = setInterval(() => {
      void (async () => {
        const ends = await topicEnd(admin, world.names.weighingEvents);
        const total = [...ends.values()].reduce((a, b) => a + b, 0);
        const behind = total - (await committed(admin, groupId, world.names.weighingEvents, ends));
        lag.max = Math.max(lag.max, behind);
        lag.sum += behind;
        lag.samples += 1;
      })().catch(() => undefined);
    }, 1000);

    const account = ctx.cpuAccounting();
    const probes: Probe[] = [];
    const inFlight = { n: 0, requests: 0, errors: 0 };
    const watchers: Promise<void>[] = [];
    const began = Date.now();
    for (let i = 0; i < plates.length; i++) {
      const due = began + i * params.spacingMs;
      if (due > Date.now()) await sleep(due - Date.now());
      if (!isRunning(ingest) || !isRunning(gate)) throw new Error('ingest or gate-api exited during the probe');
      const plate = plates[i]!;
      const probe: Probe = { plate, producedAt: Date.now(), ackMs: 0, lastAllowSentAt: 0, turnedBackAt: null };
      probe.lastAllowSentAt = probe.producedAt;
      await producer.send({
        topic: world.names.weighingEvents,
        acks: -1,
        messages: [violationEvent({ eventId: `fresh-${i}-3`, plate, measuredAt: new Date(probe.producedAt) })],
      });
      probe.ackMs = Date.now() - probe.producedAt;
      probes.push(probe);
      watchers.push(watch(probe, ask, params, inFlight));
    }
    await Promise.all(watchers);
    clearInterval(lagTimer);
    const cpu = account.stop({ ingest: ingest.pid, gateApi: gate.pid, backgroundTraffic: background.pid });

    const done = probes.filter((p) => p.turnedBackAt !== null);
    const upper = done.map((p) => p.turnedBackAt! - p.producedAt);
    const lower = done.map((p) => Math.max(0, p.lastAllowSentAt - p.producedAt));
    const backgroundStop = await stopProcess(background);
    let backgroundStats: Record<string, number> | null = null;
    try {
      backgroundStats = JSON.parse(background.stdout().trim().split('\n').pop() ?? '') as Record<string, number>;
    } catch {
      backgroundStats = null;
    }
    if (backgroundStop.exit !== 0) throw new Error(`background traffic exited with ${backgroundStop.exit}`);
    const ingestStop = await stopProcess(ingest);
    const gateStop = await stopProcess(gate);
    const result: FreshnessResult = {
      parameters: params,
      latencyMs: distribution(upper, 1),
      lowerBoundMs: distribution(lower, 1),
      resolutionMs: distribution(
        upper.map((u, i) => u - lower[i]!),
        1,
      ),
      produceAckMs: distribution(
        probes.map((p) => p.ackMs),
        1,
      ),
      turnedBack: done.length,
      missed: probes.length - done.length,
      probeRequests: inFlight.requests,
      probeErrors: inFlight.errors,
      background: backgroundStats,
      ingestLag: { max: lag.max, mean: lag.samples ? Math.round(lag.sum / lag.samples) : 0, samples: lag.samples },
      cpu,
      ingest: { exit: ingestStop.exit, log: { file: ingest.logFile, ...logProblems(ingest.logFile) } },
      gate: { exit: gateStop.exit, log: { file: gate.logFile, ...logProblems(gate.logFile) } },
      checks: [
        // A listing that never reaches the gate is a wrong answer, not a slow one.
        checkEqual(`vehicles turned back within ${params.timeoutMs / 1000} s`, probes.length, done.length),
        checkEqual('probe requests without a 2xx answer', 0, inFlight.errors),
      ],
    };
    log(
      `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms (${done.length}/${probes.length} turned back, ` +
        `background ${backgroundStats?.ratePerS ?? '?'} events/s, max lag ${lag.max})`,
    );
    return result;
  } finally {
    if (background && isRunning(background)) await stopProcess(background);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Asks the gate about a laden truck with this plate; the decision. */
function gateAsker(url: string, key: string): (plate: string) => Promise<string> {
  const headers = { authorization: `Bearer ${key}` };
  return async (plate) => {
    const response = await fetch(
      `${url}/v1/gate/decision?plate=${encodeURIComponent(plate)}&plateColor=1&cargo=LADEN`,
      {
        headers,
        signal: AbortSignal.timeout(2000),
      },
    );
    if (!response.ok) throw new Error(`gate answered ${response.status}`);
    return ((await response.json()) as { decision: string }).decision;
  };
}

/**
 * Polls one plate until TURN_BACK. The true moment the listing became visible lies after the sending
 * of the last ALLOW answer and before the receipt of the first TURN_BACK: both are kept.
 */
async function watch(
  probe: Probe,
  ask: (plate: string) => Promise<string>,
  params: FreshnessParameters,
  inFlight: { n: number; requests: number; errors: number },
): Promise<void> {
  while (Date.now() - probe.producedAt < params.timeoutMs) {
    while (inFlight.n >= params.maxInFlight) await sleep(1);
    inFlight.n += 1;
    inFlight.requests += 1;
    const sentAt = Date.now();
    let decision: string | null = null;
    try {
      decision = await ask(probe.plate);
    } catch {
      inFlight.errors += 1;
    } finally {
      inFlight.n -= 1;
    }
    if (decision === 'TURN_BACK') {
      probe.turnedBackAt = Date.now();
      return;
    }
    if (decision === 'ALLOW') probe.lastAllowSentAt = sentAt;
    await sleep(Math.max(params.minPollMs, (Date.now() - probe.producedAt) / 20));
  }
}

/** Waits until the group has committed everything produced to the topic so far. */
async function waitCaughtUp(
  admin: ReturnType<BenchContext['kafka']['admin']>,
  groupId: string,
  topic: string,
  ingest: NodeProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ends = await topicEnd(admin, topic);
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  while (Date.now() < deadline) {
    if (!isRunning(ingest)) throw new Error(`ingest exited (log: ${ingest.logFile})`);
    if ((await committed(admin, groupId, topic, ends).catch(() => 0)) >= total) return;
    await sleep(100);
  }
  throw new Error(`ingest did not consume the prior trips within ${timeoutMs / 1000} s`);
}
