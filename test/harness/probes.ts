import { Client } from 'pg';
import Redis from 'ioredis';
import { Kafka, logLevel, SASLOptions } from 'kafkajs';

/** Each returns undefined when the service answers, or the reason it does not. */
export async function probePostgres(databaseUrl: string): Promise<string | undefined> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function probeRedis(redisUrl: string): Promise<string | undefined> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    redis.disconnect();
  }
}

export async function probeKafka(brokers: string, sasl?: SASLOptions): Promise<string | undefined> {
  const admin = new Kafka({
    clientId: 'overload-credit-test-probe',
    brokers: brokers.split(','),
    ...(sasl ? { sasl } : {}),
    connectionTimeout: 3000,
    retry: { retries: 1 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
