import { Admin, Kafka, Partitioners } from 'kafkajs';
import { generateTraffic, SimulatedMessage } from '@oc/simulation';
import { sleep } from './log';

export interface TrafficParameters {
  seed: number;
  vehicles: number;
  /** Event times run from `start` in steps of `spacingMs` (the generator's late uploads aside). */
  start: Date;
  spacingMs: number;
  eventIdPrefix: string;
}

export type TrafficKinds = Record<SimulatedMessage['kind'], number>;

export const emptyKinds = (): TrafficKinds => ({
  COMPLIANT: 0,
  TOLERATED: 0,
  WARNING: 0,
  VIOLATION: 0,
  EMPTY: 0,
  PERMIT: 0,
  UNKNOWN_PLATE: 0,
  MALFORMED: 0,
});

/**
 * Produces the first `count` messages of the simulated traffic (`@oc/simulation`, deterministic per
 * seed) in batches, `acks: -1`, keyed by vehicle like the scales do. Returns what was sent by kind.
 */
export async function produceTraffic(
  kafka: Kafka,
  topic: string,
  traffic: TrafficParameters,
  count: number,
  batchSize = 2000,
): Promise<{ kinds: TrafficKinds; seconds: number }> {
  const source = generateTraffic(traffic);
  const kinds = emptyKinds();
  // Idempotent: a batch resent after a lost acknowledgement (a busy broker) is not written twice. The
  // checks count the topic's messages against what the generator sent, malformed ones included.
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  const began = Date.now();
  await producer.connect();
  try {
    for (let sent = 0; sent < count;) {
      const messages: { key: string; value: string }[] = [];
      while (messages.length < batchSize && sent + messages.length < count) {
        const m = source.next().value as SimulatedMessage;
        kinds[m.kind] += 1;
        messages.push({ key: m.key, value: m.value });
      }
      await producer.send({ topic, acks: -1, messages });
      sent += messages.length;
    }
  } finally {
    await producer.disconnect();
  }
  return { kinds, seconds: (Date.now() - began) / 1000 };
}

/** Sum of the high watermarks of a topic (what a fresh group has to consume). */
export async function topicEnd(admin: Admin, topic: string): Promise<Map<number, number>> {
  const ends = await admin.fetchTopicOffsets(topic);
  return new Map(ends.map((e) => [e.partition, Number(e.high)]));
}

/** Messages in a topic (high − low over its partitions). */
export async function topicCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
}

/** Offsets a group has committed on a topic, capped at the given ends. */
export async function committed(
  admin: Admin,
  groupId: string,
  topic: string,
  ends: Map<number, number>,
): Promise<number> {
  const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
  let total = 0;
  for (const [partition, high] of ends) {
    const c = Number(group?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
    total += Math.min(Math.max(c, 0), high);
  }
  return total;
}

/** True when the group has finished joining (state Stable with at least one member). */
export async function groupIsStable(admin: Admin, groupId: string): Promise<boolean> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  return !!g && g.state === 'Stable' && g.members.length > 0;
}

export interface ConsumptionTiming {
  completed: boolean;
  /** ms since the process was spawned */
  stableMs: number | null;
  committedMs: number | null;
  doneMs: number | null;
  committed: number;
  of: number;
  /** Resolution of the timestamps above: how often the harness asked the broker. */
  pollMs: number;
}

/**
 * Watches a consumer group drain a topic that was filled beforehand: when its group became Stable
 * (the consumer has joined and starts fetching), when every offset was committed, and when `drained()`
 * (effects that trail the commit, e.g. ingest's outbox) says the work is done.
 */
export async function watchConsumption(options: {
  admin: Admin;
  groupId: string;
  topic: string;
  spawnedAt: number;
  timeoutMs: number;
  pollMs?: number;
  alive: () => boolean;
  drained?: () => Promise<boolean>;
  onProgress?: (done: number, of: number) => void;
}): Promise<ConsumptionTiming> {
  const pollMs = options.pollMs ?? 50;
  const ends = await topicEnd(options.admin, options.topic);
  const of = [...ends.values()].reduce((a, b) => a + b, 0);
  const timing: ConsumptionTiming = {
    completed: false,
    stableMs: null,
    committedMs: null,
    doneMs: null,
    committed: 0,
    of,
    pollMs,
  };
  let lastReport = Date.now();
  while (Date.now() - options.spawnedAt < options.timeoutMs) {
    if (!options.alive()) throw new Error(`the consumer of ${options.groupId} exited early`);
    const now = (): number => Date.now() - options.spawnedAt;
    if (timing.stableMs === null && (await groupIsStable(options.admin, options.groupId).catch(() => false)))
      timing.stableMs = now();
    timing.committed = await committed(options.admin, options.groupId, options.topic, ends).catch(
      () => timing.committed,
    );
    if (timing.committed >= of) {
      timing.committedMs ??= now();
      // A group that drained the topic between two polls was stable before it committed.
      timing.stableMs ??= timing.committedMs;
      if (!options.drained || (await options.drained())) {
        timing.doneMs = now();
        timing.completed = true;
        return timing;
      }
    }
    if (options.onProgress && Date.now() - lastReport >= 10000) {
      lastReport = Date.now();
      options.onProgress(timing.committed, of);
    }
    await sleep(pollMs);
  }
  return timing;
}
