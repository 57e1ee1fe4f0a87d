import { Kafka } from 'kafkajs';

export interface ReplayOptions {
  dlqTopic: string;
  targetTopic: string;
  /** Consumer group that remembers what was replayed already. */
  groupId: string;
  limit?: number;
  /**
   * Only dead letters with this `error-code` header (e.g. UNKNOWN_STATION once the station is
   * registered); the others are passed over and stay for a replay of their own code.
   */
  code?: string;
}

/**
 * The group that remembers what was replayed: one per error code, so that replaying UNKNOWN_STATION
 * does not move past SCHEMA_INVALID letters still waiting for their fix. A letter replayed twice (by
 * its code's group and by the unfiltered one) is harmless: ingest ignores a repeated eventId.
 */
export function replayGroupId(baseGroupId: string, code?: string): string {
  return code ? `${baseGroupId}-dlq-replay-${code}` : `${baseGroupId}-dlq-replay`;
}

/**
 * Sends dead letters back to the weighing topic after a fix (SPEC §3, §8 dlq:replay), optionally only
 * those of one error code. Each is replayed once per group: the group's committed offset moves past it.
 * Messages that are still invalid simply land in the DLQ again, with a fresh reason (after the offsets
 * this run set out to read, so a run always ends). Returns how many were replayed.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  options: ReplayOptions,
  onProgress: (read: number, pending: number) => void,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(options.dlqTopic);
  const [committed] = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.dlqTopic] });
  await admin.disconnect();
  const startOf = (partition: number, low: string): bigint => {
    const c = committed?.partitions.find((p) => p.partition === partition)?.offset;
    // Retention may have removed what the group committed last: never count below the low mark.
    const start = c && c !== '-1' ? BigInt(c) : BigInt(low);
    return start > BigInt(low) ? start : BigInt(low);
  };
  const pending = ends.reduce((sum, e) => sum + Number(BigInt(e.high) - startOf(e.partition, e.low)), 0);
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  if (pending <= 0 || limit <= 0) return 0;

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), consumer.connect()]);
  let replayed = 0;
  let read = 0;
  const finished = () => read >= pending || replayed >= limit;
  try {
    await consumer.subscribe({ topic: options.dlqTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            for (const message of batch.messages) {
              if (finished()) break;
              const code = message.headers?.['error-code']?.toString();
              if (!options.code || code === options.code) {
                const headers = {
                  ...message.headers,
                  'replayed-from': `${batch.topic}/${batch.partition}/${message.offset}`,
                };
                await producer.send({
                  topic: options.targetTopic,
                  acks: -1,
                  messages: [{ key: message.key, value: message.value, headers }],
                });
                replayed += 1;
              }
              resolveOffset(message.offset);
              await consumer.commitOffsets([
                { topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() },
              ]);
              read += 1;
              onProgress(read, pending);
            }
            if (finished()) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  return replayed;
}
