import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { AppConfig, loadConfig } from '@oc/config';
import { kafkaConnectionConfig, kafkaLoginEnv, readKafkaPrincipals } from '@oc/messaging';

/** The broker's super user: the harness's own clients, the CLI and the tools run as it (docs/kafka.md). */
export const KAFKA_ADMIN = 'admin';
import { auditKeyring } from '@oc/domain';
import { AuditKeys } from '@oc/persistence';

/**
 * The audit HMAC key of every test run (SPEC §4.7): the apps and the CLI get it in their environment,
 * tests that read or write the log directly seal and verify with the same key (testAuditKeys).
 */
export const TEST_AUDIT_HMAC_KEY = 'test-run-audit-hmac-key-0123456789abcdef';
export const testAuditKeys = (): AuditKeys => new AuditKeys(auditKeyring(TEST_AUDIT_HMAC_KEY));

/**
 * The services and isolation names of this test run, as the global setup prepared them: its own
 * database, topic prefix and Redis key prefix, so that suites (and two runs at once) never meet.
 */
export interface TestServices {
  runId: string;
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string;
  /** The principals file of the broker (infra/kafka/dev-principals.properties), or '' for an open broker. */
  kafkaPrincipalsFile: string;
  /** This run's OFFICIAL_CALENDAR_FILE: the SYNTHETIC years the built-in calendar lacks (global setup). */
  calendarFile: string;
  topicPrefix: string;
  redisKeyPrefix: string;
  /** A URL for another database on the same server (tests that need a database of their own). */
  databaseUrlFor(database: string): string;
  /** KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD of a principal of the broker ({} when it is open). */
  kafkaLogin(principal?: string): Record<string, string>;
  /** A kafkajs client of this run's broker, logged in as `principal` (the admin by default). */
  kafka(clientId: string, principal?: string, options?: Partial<KafkaConfig>): Kafka;
  /** The environment an app of this run is started with (logged in to Kafka as the admin), plus overrides. */
  env(overrides?: Record<string, string>): Record<string, string>;
  /** The validated configuration for this run, plus overrides. */
  config(overrides?: Record<string, string>): AppConfig;
}

export const RUN_ENV = {
  runId: 'OC_TEST_RUN_ID',
  calendarFile: 'OC_TEST_CALENDAR_FILE',
  databaseUrl: 'OC_TEST_DATABASE_URL',
  redisUrl: 'OC_TEST_REDIS_URL',
  kafkaBrokers: 'OC_TEST_KAFKA_BROKERS',
  kafkaPrincipalsFile: 'OC_TEST_KAFKA_PRINCIPALS_FILE',
  topicPrefix: 'OC_TEST_TOPIC_PREFIX',
  redisKeyPrefix: 'OC_TEST_REDIS_KEY_PREFIX',
} as const;

export function testServices(): TestServices {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) {
      throw new Error(
        `${name} is not set: integration and e2e tests need the global setup (run them through jest with ` +
          `the repository's jest.config.js, e.g. "npm run test:all")`,
      );
    }
    return value;
  };
  const runId = read(RUN_ENV.runId);
  const calendarFile = read(RUN_ENV.calendarFile);
  const databaseUrl = read(RUN_ENV.databaseUrl);
  const redisUrl = read(RUN_ENV.redisUrl);
  const kafkaBrokers = read(RUN_ENV.kafkaBrokers);
  // '' (an open broker, started by testcontainers) is a value here, not a missing one.
  const kafkaPrincipalsFile = process.env[RUN_ENV.kafkaPrincipalsFile] ?? read(RUN_ENV.kafkaPrincipalsFile);
  const principals = kafkaPrincipalsFile ? readKafkaPrincipals(kafkaPrincipalsFile) : undefined;
  const kafkaLogin = (principal = KAFKA_ADMIN): Record<string, string> =>
    principals ? kafkaLoginEnv(principals, principal) : {};
  const topicPrefix = read(RUN_ENV.topicPrefix);
  const redisKeyPrefix = read(RUN_ENV.redisKeyPrefix);
  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...kafkaLogin(),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    KAFKA_BROKERS: kafkaBrokers,
    TOPIC_PREFIX: topicPrefix,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    KAFKA_GROUP_ID: `${topicPrefix}ingest`,
    LOG_LEVEL: 'warn',
    // The suites of counting, the gate and faults run a deployment where listings take effect at once
    // (SPEC §4.4 allows it); the due-process suites set the notice period they test.
    NOTICE_PERIOD_WORKING_DAYS: '0',
    // Deadlines counted from today are dates on any day the suite runs (global setup, docs/calendar.md).
    OFFICIAL_CALENDAR_FILE: calendarFile,
    AUDIT_HMAC_KEY: TEST_AUDIT_HMAC_KEY,
    ...overrides,
  });
  return {
    runId,
    calendarFile,
    databaseUrl,
    redisUrl,
    kafkaBrokers,
    kafkaPrincipalsFile,
    topicPrefix,
    redisKeyPrefix,
    kafkaLogin,
    kafka: (clientId, principal, options = {}) =>
      new Kafka({
        clientId,
        logLevel: logLevel.NOTHING,
        ...kafkaConnectionConfig(loadConfig({ KAFKA_BROKERS: kafkaBrokers, ...kafkaLogin(principal) })),
        ...options,
      }),
    databaseUrlFor: (database) => {
      const url = new URL(databaseUrl);
      url.pathname = `/${database}`;
      return url.toString();
    },
    env,
    config: (overrides) => loadConfig(env(overrides)),
  };
}

/** Polls until `probe` returns a value other than undefined/false, or fails after the deadline. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs = 15000,
    intervalMs = 100,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? `: last error ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
