import { Kafka, Partitioners, Producer } from 'kafkajs';
import type { GateDecisionEventV1 } from '@oc/contracts';

export interface GateDecisionPublisherStats {
  published: number;
  dropped: number;
  buffered: number;
}

/**
 * Publishes TURN_BACK decisions to `gate.decisions.v1` off the request path (SPEC §4.6): `offer()`
 * only appends to a bounded buffer; a timer flushes it. When Kafka is away the buffer fills and
 * further decisions are dropped and counted, never delaying an answer.
 */
export class GateDecisionPublisher {
  private readonly producer: Producer;
  private buffer: { key: string; value: string }[] = [];
  private timer?: NodeJS.Timeout;
  private flushing = false;
  private connected = false;
  readonly stats: GateDecisionPublisherStats = { published: 0, dropped: 0, buffered: 0 };

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly capacity = 10_000,
    private readonly flushMs = 100,
    private readonly onDrop: (n: number) => void = () => undefined,
  ) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 2 },
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  offer(event: GateDecisionEventV1): void {
    if (this.buffer.length >= this.capacity) {
      this.stats.dropped += 1;
      this.onDrop(1);
      return;
    }
    this.buffer.push({ key: `${event.plateColor}:${event.plate}`, value: JSON.stringify(event) });
    this.stats.buffered = this.buffer.length;
  }

  /** Sends what is buffered; on failure the batch stays buffered (up to capacity) for the next try. */
  async flush(): Promise<void> {
    if (this.flushing || this.buffer.length === 0) return;
    this.flushing = true;
    const batch = this.buffer;
    this.buffer = [];
    try {
      if (!this.connected) {
        await this.producer.connect();
        this.connected = true;
      }
      await this.producer.send({ topic: this.topic, acks: -1, messages: batch });
      this.stats.published += batch.length;
    } catch {
      this.connected = false;
      const room = Math.max(0, this.capacity - this.buffer.length);
      const kept = batch.slice(0, room);
      const dropped = batch.length - kept.length;
      this.buffer = [...kept, ...this.buffer];
      if (dropped > 0) {
        this.stats.dropped += dropped;
        this.onDrop(dropped);
      }
    } finally {
      this.stats.buffered = this.buffer.length;
      this.flushing = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.producer.disconnect().catch(() => undefined);
  }
}
