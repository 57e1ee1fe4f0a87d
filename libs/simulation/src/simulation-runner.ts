import { Partitioners, Producer, Kafka } from 'kafkajs';
import { generateTraffic, SimulatedMessage } from './traffic-generator';

export interface SimulationOptions {
  topic: string;
  /** Weighings per second of live traffic. */
  rate: number;
  /** Seconds of live traffic; 0 = until stopped. */
  durationSeconds: number;
  vehicles: number;
  seed: number;
  /** Days of history sent first, as fast as the broker takes it, so that listings exist at once. */
  backfillDays: number;
}

export interface SimulationProgress {
  phase: 'backfill' | 'live';
  sent: number;
  byKind: Record<string, number>;
}

const BACKFILL_PER_VEHICLE = 12;

/**
 * Feeds realistic traffic to `weighing.events.v1` (SPEC §8 simulate). Deterministic for a seed:
 * the same vehicles, weights and event ids every run (event ids include the seed and the start).
 */
export async function runSimulation(
  kafka: Kafka,
  options: SimulationOptions,
  onProgress: (p: SimulationProgress) => void,
  shouldStop: () => boolean,
): Promise<SimulationProgress> {
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const progress: SimulationProgress = { phase: 'backfill', sent: 0, byKind: {} };
  const count = (batch: SimulatedMessage[]): void => {
    progress.sent += batch.length;
    for (const m of batch) progress.byKind[m.kind] = (progress.byKind[m.kind] ?? 0) + 1;
  };
  const send = (batch: SimulatedMessage[]) =>
    producer.send({ topic: options.topic, messages: batch.map(({ key, value }) => ({ key, value })) });
  try {
    const now = Date.now();
    const runId = Math.floor(now / 1000).toString(36);
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
      spacingMs: Math.max(1, Math.floor(1000 / options.rate)),
      eventIdPrefix: `sim-${options.seed}-${runId}-l`,
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
        onProgress({ ...progress });
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    return progress;
  } finally {
    await producer.disconnect();
  }
}

function take(generator: Generator<SimulatedMessage>, n: number): SimulatedMessage[] {
  const out: SimulatedMessage[] = [];
  for (let i = 0; i < n; i++) out.push(generator.next().value!);
  return out;
}
