import { randomBytes } from 'node:crypto';
import { loadConfig } from '@oc/config';
import { migrate } from '@oc/persistence';
import { containerRuntimeAvailable, startContainers } from './containers';
import { probeKafka, probePostgres, probeRedis } from './probes';
import { RUN_ENV } from './services';
import { runState } from './run-state';

const HOW_TO_START = `Start them and run again:
  Kafka:      bash infra/kafka/kafka.sh start          (a KRaft broker on 127.0.0.1:9092, no Docker needed)
  PostgreSQL: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  Redis:      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
or point DATABASE_URL, REDIS_URL and KAFKA_BROKERS at running services; where a Docker engine runs,
the tests start the missing ones with testcontainers.`;

/**
 * Finds Postgres, Redis and Kafka (environment, else the local defaults; else containers where a
 * Docker engine runs), then gives this run its own database, topic prefix and Redis key prefix.
 * A missing service fails the run loudly: integration tests never pass by skipping.
 *
 * Jest runs it only when a test of a project that needs services is selected (jest.config.js), so a unit
 * run needs none; once per call, however many of those projects are selected.
 */
export default async function globalSetup(): Promise<void> {
  if (runState.env) return;
  const base = loadConfig(process.env);
  let databaseUrl = base.DATABASE_URL;
  let redisUrl = base.REDIS_URL;
  let kafkaBrokers = base.KAFKA_BROKERS;

  const [pgDown, redisDown, kafkaDown] = await Promise.all([
    probePostgres(databaseUrl),
    probeRedis(redisUrl),
    probeKafka(kafkaBrokers),
  ]);
  if (pgDown || redisDown || kafkaDown) {
    const down = [
      pgDown && `PostgreSQL at ${databaseUrl}: ${pgDown}`,
      redisDown && `Redis at ${redisUrl}: ${redisDown}`,
      kafkaDown && `Kafka at ${kafkaBrokers}: ${kafkaDown}`,
    ].filter(Boolean);
    if (!(await containerRuntimeAvailable())) {
      throw new Error(
        `Test services are not reachable and no Docker engine is available:\n  ${down.join('\n  ')}\n${HOW_TO_START}`,
      );
    }
    const started = await startContainers({ postgres: !!pgDown, redis: !!redisDown, kafka: !!kafkaDown });
    runState.containers = started.containers;
    databaseUrl = started.databaseUrl ?? databaseUrl;
    redisUrl = started.redisUrl ?? redisUrl;
    kafkaBrokers = started.kafkaBrokers ?? kafkaBrokers;
  }

  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const url = new URL(databaseUrl);
  url.pathname = `/oc_test_${runId}`;
  const runDatabaseUrl = url.toString();
  await migrate(runDatabaseUrl);

  const env: Record<string, string> = {
    [RUN_ENV.runId]: runId,
    [RUN_ENV.databaseUrl]: runDatabaseUrl,
    [RUN_ENV.redisUrl]: redisUrl,
    [RUN_ENV.kafkaBrokers]: kafkaBrokers,
    [RUN_ENV.topicPrefix]: `test.${runId}.`,
    [RUN_ENV.redisKeyPrefix]: `oc:test:${runId}:`,
  };
  Object.assign(process.env, env);
  runState.env = env;
}
