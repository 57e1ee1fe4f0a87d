import { Kafka } from 'kafkajs';

export interface ReplayOptions {
  dlqTopic: string;
  targetTopic: string;
  /** Consumer group that remembers what was replayed already. */
  groupId: string;
  limit?: number;
}

/**
 * Sends dead letters back to the weighing topic after a fix (SPEC §3, §8 dlq:replay). Each is
 * replayed once per group: the group's committed offset moves past it. Messages that are still
 * invalid simply land in the DLQ again, with a fresh reason.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  options: ReplayOptions,
  onProgress: (replayed: number, pending: number) => void,
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
  const target = Math.min(pending, options.limit ?? Number.MAX_SAFE_INTEGER);
  if (target <= 0) return 0;

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), consumer.connect()]);
  let replayed = 0;
  try {
    await consumer.subscribe({ topic: options.dlqTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            for (const message of batch.messages) {
              if (replayed >= target) break;
              const headers = {
                ...message.headers,
                'replayed-from': `${batch.topic}/${batch.partition}/${message.offset}`,
              };
              await producer.send({
                topic: options.targetTopic,
                acks: -1,
                messages: [{ key: message.key, value: message.value, headers }],
              });
              resolveOffset(message.offset);
              await consumer.commitOffsets([
                { topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() },
              ]);
              replayed += 1;
              onProgress(replayed, target);
            }
            if (replayed >= target) resolve();
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
