import { Admin, Kafka, logLevel as KafkaLogLevel, PartitionMetadata } from 'kafkajs';
import type { AppConfig } from '@oc/config';
import type { PartitionLag } from '@oc/observability';
import { kafkaConnectionConfig } from './kafka.module';

type KafkaSettings = Pick<
  AppConfig,
  'KAFKA_BROKERS' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SSL'
>;

/**
 * The lag of each partition: high watermark minus the committed offset. A partition the group never
 * committed (-1) counts everything still retained on it (high - low): that is what the group would
 * read, whichever end it starts from once it commits.
 */
export function partitionLags(
  topic: string,
  ends: readonly { partition: number; high: string; low: string }[],
  committed: readonly { partition: number; offset: string }[],
): PartitionLag[] {
  const offsets = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  return ends
    .map((end) => {
      const high = Number(end.high);
      const offset = offsets.get(end.partition) ?? -1;
      const lag = offset < 0 ? high - Number(end.low) : high - offset;
      return { topic, partition: end.partition, committed: offset, high, lag: Math.max(0, lag) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** Partitions without a leader, or with fewer in-sync replicas than replicas. */
export function underReplicatedPartitions(partitions: readonly PartitionMetadata[]): number {
  return partitions.filter((p) => p.leader < 0 || p.isr.length < p.replicas.length).length;
}

/**
 * What the alerts read from Kafka (docs/operations.md "Alerts"): brokers, under-replicated partitions,
 * the ingest group's lag. A client of its own, logged in as the app's principal, with short timeouts
 * and one retry: a sample that cannot be read fails fast and the next round reconnects. Nothing here
 * runs per message or per request; MetricsSampler calls it every few seconds.
 */
export class KafkaWatch {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;

  constructor(settings: KafkaSettings, clientId: string) {
    this.kafka = new Kafka({
      clientId: `overload-credit-${clientId}-metrics`,
      ...kafkaConnectionConfig(settings),
      connectionTimeout: 2000,
      requestTimeout: 4000,
      retry: { retries: 1, initialRetryTime: 200 },
      logLevel: KafkaLogLevel.NOTHING,
    });
  }

  /** Brokers the cluster metadata lists: a broker that stopped or was fenced drops out of it. */
  brokers(): Promise<number> {
    return this.use(async (admin) => (await admin.describeCluster()).brokers.length);
  }

  underReplicated(topics: readonly string[]): Promise<number> {
    return this.use(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      return metadata.topics.reduce((n, t) => n + underReplicatedPartitions(t.partitions), 0);
    });
  }

  /** The lag of `groupId` on every partition of `topics` (which must exist). */
  lag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    return this.use(async (admin) => {
      // Every request settles before an error is thrown: none is left retrying on a closed client.
      const settled = await Promise.allSettled([
        admin.fetchOffsets({ groupId, topics: [...topics] }),
        ...topics.map((topic) => admin.fetchTopicOffsets(topic)),
      ]);
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      const [committed, ...ends] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
        Awaited<ReturnType<Admin['fetchOffsets']>>,
        ...Awaited<ReturnType<Admin['fetchTopicOffsets']>>[],
      ];
      return topics.flatMap((topic, i) =>
        partitionLags(topic, ends[i]!, committed.find((c) => c.topic === topic)?.partitions ?? []),
      );
    });
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  private async use<T>(read: (admin: Admin) => Promise<T>): Promise<T> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await read(await this.admin);
    } catch (error) {
      // A broker that moved or went away: the next sample starts from fresh metadata.
      await this.close();
      throw error;
    }
  }
}
