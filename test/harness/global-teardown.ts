import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { dropDatabase } from '@oc/persistence';
import { RUN_ENV } from './services';
import { runState } from './run-state';

/** Removes what this run created: its database, its topics, its Redis keys; stops its containers. */
export default async function globalTeardown(): Promise<void> {
  const env = runState.env;
  if (!env) return;
  runState.env = undefined;
  const errors: string[] = [];
  await dropDatabase(env[RUN_ENV.databaseUrl]!).catch((e: Error) => errors.push(`database: ${e.message}`));

  const redis = new Redis(env[RUN_ENV.redisUrl]!, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env[RUN_ENV.redisKeyPrefix]}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch (e) {
    errors.push(`redis: ${(e as Error).message}`);
  } finally {
    redis.disconnect();
  }

  const admin = new Kafka({
    clientId: 'overload-credit-test-teardown',
    brokers: env[RUN_ENV.kafkaBrokers]!.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const prefix = env[RUN_ENV.topicPrefix]!;
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 15000 });
  } catch (e) {
    errors.push(`kafka: ${(e as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }

  for (const container of runState.containers.splice(0)) await container.stop().catch(() => undefined);
  if (errors.length) process.stderr.write(`test teardown could not clean everything: ${errors.join('; ')}\n`);
}
