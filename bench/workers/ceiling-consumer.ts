import { workerSasl } from './kafka-login';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The ingest ceiling: kafkajs consuming the weighing topic with `eachBatch` and doing nothing with the
 * messages — no decoding, no validation, no database — only committing each batch's offsets as ingest
 * does, so that the harness sees its progress the same way. What ingest achieves is measured against
 * this: the cost of Kafka and kafkajs alone on this machine.
 *
 * Environment: KAFKA_BROKERS, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (optional), CEILING_TOPIC, CEILING_GROUP_ID, CEILING_CONCURRENCY (partitions fetched
 * and handled at once). Prints one JSON line with its own counts and timings (epoch ms) when it receives
 * SIGTERM: it drains a topic faster than the harness can poll the broker, so these are the figures used.
 */
async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const kafka = new Kafka({
    clientId: 'bench-ceiling',
    brokers: env('KAFKA_BROKERS').split(','),
    ...workerSasl(),
    logLevel: logLevel.WARN,
  });
  const consumer = kafka.consumer({ groupId: env('CEILING_GROUP_ID'), allowAutoTopicCreation: false });
  const stats = { messages: 0, batches: 0, joinedAt: 0, firstBatchAt: 0, lastCommitAt: 0, startedAt: Date.now() };
  // The group join is when fetching starts: the same moment the harness sees the group become Stable.
  consumer.on(consumer.events.GROUP_JOIN, () => (stats.joinedAt ||= Date.now()));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void consumer
      .disconnect()
      .catch(() => undefined)
      .finally(() => {
        process.stdout.write(`${JSON.stringify(stats)}\n`);
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  await consumer.connect();
  await consumer.subscribe({ topic: env('CEILING_TOPIC'), fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: Number(process.env.CEILING_CONCURRENCY ?? 1),
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (batch.messages.length === 0) return;
      if (stats.firstBatchAt === 0) stats.firstBatchAt = Date.now();
      stats.messages += batch.messages.length;
      stats.batches += 1;
      const last = batch.messages[batch.messages.length - 1]!.offset;
      resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      stats.lastCommitAt = Date.now();
      await heartbeat();
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`ceiling consumer failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
