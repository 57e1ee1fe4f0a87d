import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom, Observable } from 'rxjs';

/** What a handler receives: the messages of one partition's batch, in offset order. */
export interface KafkaBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** Lets long work keep the group membership alive. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was revoked: stop and let it be redelivered. */
  isActive(): boolean;
}

export interface KafkaBatchServerOptions {
  kafka: Kafka;
  groupId: string;
  /** Topic name → the @EventPattern that handles its batches. */
  topics: Record<string, string>;
  partitionsConsumedConcurrently?: number;
  /** Decides whether a handler failure is worth retrying (the default: always). */
  isTransient?: (error: unknown) => boolean;
  onError?: (error: unknown, attempt: number, topic: string, partition: number) => void;
  maxBytesPerPartition?: number;
}

export class BatchAbandonedError extends Error {
  constructor() {
    super('batch abandoned: the consumer is stopping or the partition was reassigned');
  }
}

/**
 * A Nest transport over kafkajs eachBatch. Nest's built-in Kafka server hands over one message at a
 * time and blocks its partition on a poison message; here a handler gets a partition's whole batch,
 * its offsets are committed only after the handler resolved (i.e. after its database transaction
 * committed), and a failing batch is retried with backoff while heartbeats keep the partition — it is
 * never skipped. Poison messages are the handler's business (dead-letter them, then resolve).
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private closing = false;
  private rejoinTimer?: NodeJS.Timeout;
  /** A join after a crash that is under way; close() waits for it so that no consumer starts after. */
  private rejoining?: Promise<void>;
  /** Crashes since the last committed batch: the rejoin backoff grows with them. */
  private crashesSinceCommit = 0;

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const consumer = this.options.kafka.consumer({
        groupId: this.options.groupId,
        // A member that died (kill -9) gives its partitions up after 10 s; heartbeats go every 3 s, also
        // while a failing batch backs off. A handler blocked for longer than that (a Postgres that hangs)
        // sends none: the group forgets the member, and the rejoin below brings it back.
        sessionTimeout: 10000,
        heartbeatInterval: 3000,
        // 256 KiB (~1,000 weighings) per partition keeps batches large enough for multi-row SQL while
        // holding ingest's peak RSS under 300 MB (docs/benchmarks.md); 1 MiB peaked at ~370 MB.
        maxBytesPerPartition: this.options.maxBytesPerPartition ?? 256 * 1024,
        // A fetch waits at most 1 s for data, so shutdown does not wait out a 5 s long poll.
        maxWaitTimeInMs: 1000,
        allowAutoTopicCreation: false,
      });
      this.consumer = consumer;
      await consumer.connect();
      for (const topic of Object.keys(this.options.topics)) {
        // A new group starts at the earliest offset: nothing produced before the first start is lost.
        // A topic created a moment ago may not be in the broker's metadata yet (retriable): wait for it.
        for (let attempt = 1; ; attempt++) {
          try {
            await consumer.subscribe({ topic, fromBeginning: true });
            break;
          } catch (error) {
            if (!(error as { retriable?: boolean }).retriable || attempt >= 30 || this.closing) throw error;
            this.logger.warn(`subscribing ${this.options.groupId} to ${topic} failed (${String(error)}); retrying`);
            await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2000)));
          }
        }
      }
      const run: ConsumerRunConfig = {
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) => this.handleBatch(payload),
      };
      // kafkajs restarts a crashed consumer only when the cause is retriable. After a broker restart the
      // group may have forgotten this member while the broker was away; the next offset commit is then
      // refused (UNKNOWN_MEMBER_ID, not retriable, and wrapped so that kafkajs does not rejoin), and the
      // consumer stayed stopped in a live process: nothing consumed, nothing committed, for good. Any
      // crash kafkajs gives up on joins the group again here, with backoff; the uncommitted batch is
      // redelivered and stored idempotently (SPEC §3).
      const rejoin = (): void => {
        const delayMs = Math.min(1000 * 2 ** Math.min(this.crashesSinceCommit++, 5), 30_000);
        this.rejoinTimer = setTimeout(() => {
          this.rejoining = (async () => {
            if (this.closing) return;
            await consumer.connect();
            if (this.closing) return;
            await consumer.run(run);
          })()
            .catch((error: unknown) => {
              this.logger.error(`consumer of ${this.options.groupId} could not join again: ${String(error)}`);
              if (!this.closing) rejoin();
            })
            .finally(() => (this.rejoining = undefined));
        }, delayMs);
      };
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart || this.closing) return;
        this.logger.error(`consumer of ${this.options.groupId} crashed: ${String(payload.error)}; joining again`);
        rejoin();
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        if (this.crashesSinceCommit > 0)
          this.logger.warn(`consumer of ${this.options.groupId} joined again after a crash`);
      });
      await consumer.run(run);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, commitOffsetsIfNecessary, heartbeat, isRunning, isStale, resolveOffset } = payload;
    if (batch.messages.length === 0) return;
    const pattern = this.options.topics[batch.topic];
    const handler = pattern ? this.getHandlerByPattern(pattern) : null;
    if (!handler) throw new Error(`no handler for topic ${batch.topic}`);

    const isActive = (): boolean => !this.closing && isRunning() && !isStale();
    const work: KafkaBatch = {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages,
      heartbeat,
      isActive,
    };
    for (let attempt = 1; ; attempt++) {
      if (!isActive()) throw new BatchAbandonedError();
      try {
        const result = await handler(work);
        if (result instanceof Observable) await lastValueFrom(result, { defaultValue: undefined });
        break;
      } catch (error) {
        const transient = this.options.isTransient?.(error) ?? true;
        this.options.onError?.(error, attempt, batch.topic, batch.partition);
        if (!transient) throw error;
        await this.backoff(attempt, heartbeat, isActive);
      }
    }
    const last = batch.messages[batch.messages.length - 1]!.offset;
    resolveOffset(last);
    const next = { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() };
    if (isRunning()) {
      await this.consumer!.commitOffsets([next]);
    } else {
      // Stopping (close() lets the batch in hand finish): kafkajs's consumer.commitOffsets silently does
      // nothing once disconnect() has begun, so the batch would be redelivered and its dead letters
      // sent twice (docs/operations.md: shutdown finishes and commits the batch in hand). The payload's
      // commit goes to the group directly, which is still joined until the batch returns.
      await commitOffsetsIfNecessary({
        topics: [{ topic: next.topic, partitions: [{ partition: next.partition, offset: next.offset }] }],
      });
    }
    this.crashesSinceCommit = 0;
    await heartbeat();
  }

  /** Exponential backoff up to 5 s, heart-beating meanwhile so the partition stays ours. */
  private async backoff(attempt: number, heartbeat: () => Promise<void>, isActive: () => boolean): Promise<void> {
    const until = Date.now() + Math.min(100 * 2 ** Math.min(attempt, 6), 5000);
    while (Date.now() < until && isActive()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, until - Date.now())));
      await heartbeat().catch(() => undefined);
    }
  }

  /** Stops fetching, waits for the batch in hand to finish, leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.rejoinTimer);
    await this.rejoining;
    await this.consumer?.disconnect();
  }

  on(): never {
    throw new Error('KafkaBatchServer has no event listeners');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('KafkaBatchServer is not listening');
    return this.consumer as T;
  }
}
