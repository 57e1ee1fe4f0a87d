import { Partitioners, Producer, Kafka } from 'kafkajs';
import { REGISTRY_KINDS, TOPIC, type RegistryKind, type RegistryRecordOf } from '@oc/contracts';
import { registryMessages, simulatedRegistry } from './simulated-registry';
import { generateTraffic, SimulatedMessage } from './traffic-generator';

export type RegistryTopics = Record<RegistryKind, string>;

export interface SimulationOptions {
  /** The weighing topic (weighing.events.v1, with its prefix). */
  topic: string;
  /** The registry topics (SPEC §4.9); default: those with the prefix of `topic`. */
  registryTopics?: RegistryTopics;
  /**
   * Ingest's consumer group: when given, no weighing is sent before that group has consumed the
   * registries just published (their topics are not ordered with the weighings), so that none of the
   * simulated weighings is dead-lettered UNKNOWN_STATION for arriving before its station.
   */
  awaitRegistries?: { groupId: string; timeoutMs?: number };
  /** Weighings per second of live traffic. */
  rate: number;
  /** Seconds of live traffic; 0 = until stopped. */
  durationSeconds: number;
  vehicles: number;
  seed: number;
  /** Days of history sent first, as fast as the broker takes it, so that listings exist at once. */
  backfillDays: number;
  /** When set, every live weighing also asks the gate, as the entry lane would (劝返判定). */
  gate?: { url: string; stationKey: string };
}

export interface GateAnswer {
  vehicleKey: string;
  decision: string;
  reasons: string[];
  source: string;
}

export interface SimulationProgress {
  phase: 'registries' | 'backfill' | 'live';
  /** Registry records published first: stations, vehicles, permits. */
  registries: Record<RegistryKind, number>;
  /** Weighings sent. */
  sent: number;
  byKind: Record<string, number>;
  turnBacks: number;
  gateErrors: number;
  /** The last gate error, for the operator to see what went wrong. */
  lastGateError?: string;
}

const BACKFILL_PER_VEHICLE = 12;

/**
 * Feeds realistic traffic to `weighing.events.v1` (SPEC §8 simulate), after publishing the registries
 * it relies on (SPEC §4.9): its stations, then the registration of its vehicles, then its permits, each
 * keyed as its compacted topic is (stationId, "<plateColorCode>:<plate>", permitNo). Deterministic for a
 * seed: the same vehicles, owners and weights every run (event ids include the seed and the start);
 * the registries are drawn as of the run's month, so a run in the same month republishes equal records.
 */
export async function runSimulation(
  kafka: Kafka,
  options: SimulationOptions,
  onProgress: (p: SimulationProgress) => void,
  shouldStop: () => boolean,
  onTurnBack: (answer: GateAnswer) => void = () => undefined,
): Promise<SimulationProgress> {
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const progress: SimulationProgress = {
    phase: 'registries',
    registries: { stations: 0, vehicles: 0, permits: 0 },
    sent: 0,
    byKind: {},
    turnBacks: 0,
    gateErrors: 0,
  };
  const count = (batch: SimulatedMessage[]): void => {
    progress.sent += batch.length;
    for (const m of batch) progress.byKind[m.kind] = (progress.byKind[m.kind] ?? 0) + 1;
  };
  const send = (batch: SimulatedMessage[]) =>
    producer.send({ topic: options.topic, messages: batch.map(({ key, value }) => ({ key, value })) });
  try {
    const now = Date.now();
    const runId = Math.floor(now / 1000).toString(36);
    const registryAt = new Date(now);
    const registry = simulatedRegistry({ seed: options.seed, vehicles: options.vehicles, at: registryAt });
    const registryTopics = options.registryTopics ?? registryTopicsOf(options.topic);
    for (const kind of REGISTRY_KINDS) {
      const messages = registryMessages(kind, registry[kind] as RegistryRecordOf[typeof kind][]);
      for (let i = 0; i < messages.length; i += 1000) {
        const batch = messages.slice(i, i + 1000);
        await producer.send({ topic: registryTopics[kind], acks: -1, messages: batch });
        progress.registries[kind] += batch.length;
        onProgress({ ...progress, registries: { ...progress.registries } });
      }
    }
    if (options.awaitRegistries) await awaitConsumed(kafka, registryTopics, options.awaitRegistries, shouldStop);
    progress.phase = 'backfill';
    if (options.backfillDays > 0) {
      const total = options.vehicles * BACKFILL_PER_VEHICLE;
      const spacingMs = Math.floor((options.backfillDays * 86_400_000) / total);
      const history = generateTraffic({
        seed: options.seed,
        vehicles: options.vehicles,
        start: new Date(now - options.backfillDays * 86_400_000),
        spacingMs,
        lateShare: 0,
        eventIdPrefix: `sim-${options.seed}-${runId}-h`,
        registryAt,
      });
      for (let sent = 0; sent < total && !shouldStop();) {
        const batch = take(history, Math.min(1000, total - sent));
        await send(batch);
        sent += batch.length;
        count(batch);
        onProgress({ ...progress });
      }
    }
    progress.phase = 'live';
    const live = generateTraffic({
      seed: options.seed,
      vehicles: options.vehicles,
      start: new Date(),
      // Fractional: at more than 1,000 events/s a whole millisecond each would run ahead of the clock
      // and, after a few minutes, past the 5-minute clock-skew limit (DLQ).
      spacingMs: 1000 / options.rate,
      eventIdPrefix: `sim-${options.seed}-${runId}-l`,
      registryAt,
    });
    const started = Date.now();
    const tickMs = 200;
    let liveSent = 0;
    while (!shouldStop() && (options.durationSeconds === 0 || Date.now() - started < options.durationSeconds * 1000)) {
      const due = Math.floor(((Date.now() - started) / 1000) * options.rate) - liveSent;
      const batch = take(live, Math.max(0, Math.min(due, 5000)));
      if (batch.length) {
        await send(batch);
        liveSent += batch.length;
        count(batch);
        if (options.gate) await askGate(options.gate, batch, progress, onTurnBack);
        onProgress({ ...progress });
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    return progress;
  } finally {
    await producer.disconnect();
  }
}

/** The registry topics beside a prefixed weighing topic: `<prefix>registry.stations.v1`, … */
export function registryTopicsOf(weighingTopic: string): RegistryTopics {
  if (!weighingTopic.endsWith(TOPIC.weighingEvents))
    throw new Error(`cannot tell the registry topics from "${weighingTopic}": pass registryTopics`);
  const prefix = weighingTopic.slice(0, -TOPIC.weighingEvents.length);
  return {
    stations: prefix + TOPIC.registryStations,
    vehicles: prefix + TOPIC.registryVehicles,
    permits: prefix + TOPIC.registryPermits,
  };
}

/** Polls until the group has committed every registry topic to its end (the end when published). */
async function awaitConsumed(
  kafka: Kafka,
  registryTopics: RegistryTopics,
  wait: { groupId: string; timeoutMs?: number },
  shouldStop: () => boolean,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = Object.values(registryTopics);
    const ends = new Map<string, number>();
    for (const topic of topics)
      for (const o of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${o.partition}`, Number(o.high));
    const deadline = Date.now() + (wait.timeoutMs ?? 60_000);
    for (;;) {
      const committed = await admin.fetchOffsets({ groupId: wait.groupId, topics });
      // fetchOffsets answers -1 for a partition the group has not committed; an empty one needs no commit.
      const behind = committed.flatMap(({ topic, partitions }) =>
        partitions.filter((p) => {
          const end = ends.get(`${topic}:${p.partition}`) ?? 0;
          return end > 0 && Number(p.offset) < end;
        }),
      );
      if (behind.length === 0 || shouldStop()) return;
      if (Date.now() > deadline)
        throw new Error(
          `consumer group ${wait.groupId} has not consumed the registries within ${wait.timeoutMs ?? 60_000} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** The entry lanes' questions for a batch: a handful of lanes ask at once, as entrances do. */
async function askGate(
  gate: { url: string; stationKey: string },
  batch: SimulatedMessage[],
  progress: SimulationProgress,
  onTurnBack: (a: GateAnswer) => void,
): Promise<void> {
  const queue = batch.filter((m) => m.kind !== 'MALFORMED');
  const lanes = Array.from({ length: Math.min(8, queue.length) }, async () => {
    for (let m = queue.shift(); m; m = queue.shift()) await askOne(gate, m, progress, onTurnBack);
  });
  await Promise.all(lanes);
}

/** One lane's question: plate, cargo and the entry scale's reading (劝返判定). */
async function askOne(
  gate: { url: string; stationKey: string },
  m: SimulatedMessage,
  progress: SimulationProgress,
  onTurnBack: (a: GateAnswer) => void,
): Promise<void> {
  const e = JSON.parse(m.value) as Record<string, unknown>;
  const query = new URLSearchParams({
    plate: String(e.plate),
    plateColor: String(e.plateColor),
    cargo: String(e.cargo),
    axles: String(e.axles),
    combination: String(e.combination),
    grossWeightKg: String(e.grossWeightKg),
    ...(e.permitNo ? { permitNo: String(e.permitNo) } : {}),
    ...(e.laneId ? { laneId: String(e.laneId) } : {}),
  });
  try {
    const res = await fetch(`${gate.url}/v1/gate/decision?${query}`, {
      headers: { authorization: `Bearer ${gate.stationKey}` },
      signal: AbortSignal.timeout(2000),
    });
    const body = (await res.json()) as { decision?: string; reasons?: string[]; source?: string };
    if (!res.ok) {
      progress.gateErrors += 1;
      progress.lastGateError = `${res.status} ${JSON.stringify(body)}`;
      return;
    }
    if (body.decision === 'TURN_BACK') {
      progress.turnBacks += 1;
      onTurnBack({
        vehicleKey: m.key,
        decision: body.decision,
        reasons: body.reasons ?? [],
        source: body.source ?? '',
      });
    }
  } catch (error) {
    progress.gateErrors += 1;
    progress.lastGateError = (error as Error).message;
  }
}

function take(generator: Generator<SimulatedMessage>, n: number): SimulatedMessage[] {
  const out: SimulatedMessage[] = [];
  for (let i = 0; i < n; i++) out.push(generator.next().value!);
  return out;
}
