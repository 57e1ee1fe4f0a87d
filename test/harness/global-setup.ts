import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, SASLOptions } from 'kafkajs';
import { loadConfig } from '@oc/config';
import {
  DEV_KAFKA_PRINCIPALS,
  grantKafkaAcls,
  kafkaAcls,
  kafkaConnectionConfig,
  kafkaLoginEnv,
  LOCAL_KAFKA_PRINCIPALS_FILE,
  readKafkaPrincipals,
} from '@oc/messaging';
import { migrate } from '@oc/persistence';
import { writeSyntheticCalendarFile } from '@oc/simulation';
import { containerRuntimeAvailable, startContainers } from './containers';
import { probeKafka, probePostgres, probeRedis } from './probes';
import { KAFKA_ADMIN, RUN_ENV } from './services';
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
  // The suite runs against an authenticated broker (docs/kafka.md): the harness as its admin, each app
  // as its own principal under the ACLs the service grants; the passwords come from the broker's
  // principals file (the local broker's published one unless KAFKA_PRINCIPALS_FILE names another).
  let kafkaPrincipalsFile =
    process.env.KAFKA_PRINCIPALS_FILE ?? join(__dirname, '..', '..', LOCAL_KAFKA_PRINCIPALS_FILE);
  const adminLogin = () =>
    kafkaConnectionConfig(
      loadConfig({
        KAFKA_BROKERS: kafkaBrokers,
        ...kafkaLoginEnv(readKafkaPrincipals(kafkaPrincipalsFile), KAFKA_ADMIN),
      }),
    );

  const [pgDown, redisDown, kafkaDown] = await Promise.all([
    probePostgres(databaseUrl),
    probeRedis(redisUrl),
    probeKafka(kafkaBrokers, adminLogin().sasl as SASLOptions),
  ]);
  if (pgDown || redisDown || kafkaDown) {
    const down = [
      pgDown && `PostgreSQL at ${databaseUrl}: ${pgDown}`,
      redisDown && `Redis at ${redisUrl}: ${redisDown}`,
      kafkaDown &&
        `Kafka at ${kafkaBrokers} (SASL/SCRAM-SHA-512 as ${KAFKA_ADMIN}, passwords from ${kafkaPrincipalsFile}): ${kafkaDown}`,
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
    // testcontainers' broker is open (no principals): the tests of the broker's own refusals fail there.
    if (started.kafkaBrokers) kafkaPrincipalsFile = '';
  }

  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const url = new URL(databaseUrl);
  url.pathname = `/oc_test_${runId}`;
  const runDatabaseUrl = url.toString();
  await migrate(runDatabaseUrl);
  const topicPrefix = `test.${runId}.`;
  if (kafkaPrincipalsFile) {
    const kafka = new Kafka({ clientId: 'overload-credit-test-setup', logLevel: logLevel.NOTHING, ...adminLogin() });
    await grantKafkaAcls(kafka, kafkaAcls(topicPrefix, `${topicPrefix}ingest`, DEV_KAFKA_PRINCIPALS));
  }

  // The apps of this run count working days on the built-in calendar plus SYNTHETIC years for what it
  // does not know yet (docs/calendar.md), so that a deadline counted from today is a date whatever the
  // day the suite runs on; "calendar missing" itself is tested on fixed dates (official-calendar.spec.ts).
  const calendarFile = join(tmpdir(), `oc-test-${runId}-calendar.json`);
  writeSyntheticCalendarFile(calendarFile);

  const env: Record<string, string> = {
    [RUN_ENV.runId]: runId,
    [RUN_ENV.calendarFile]: calendarFile,
    [RUN_ENV.databaseUrl]: runDatabaseUrl,
    [RUN_ENV.redisUrl]: redisUrl,
    [RUN_ENV.kafkaBrokers]: kafkaBrokers,
    [RUN_ENV.kafkaPrincipalsFile]: kafkaPrincipalsFile,
    [RUN_ENV.topicPrefix]: topicPrefix,
    [RUN_ENV.redisKeyPrefix]: `oc:test:${runId}:`,
  };
  Object.assign(process.env, env);
  runState.env = env;
}
