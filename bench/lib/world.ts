import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@oc/config';
import { topics, Topics } from '@oc/contracts';
import {
  ensureTopics,
  kafkaConnectionConfig,
  kafkaLoginEnv,
  LOCAL_KAFKA_PRINCIPALS_FILE,
  readKafkaPrincipals,
  topicConfigs,
} from '@oc/messaging';
import { auditKeyring } from '@oc/domain';
import {
  AuditKeys,
  AuditLogRepository,
  createDataSource,
  DatabaseConnection,
  dropDatabase,
  migrate,
  OutboxRepository,
  RegistryRepository,
} from '@oc/persistence';
import { SIMULATED_STATIONS } from '@oc/simulation';
import { errorMessage } from './log';
import { isRunning, NodeProcess, stopProcess } from './processes';

/** Where the shared services are. The benchmark never starts or stops them. */
export interface Services {
  kafkaBrokers: string;
  /**
   * KAFKA_SASL_USERNAME/PASSWORD every process of the benchmark logs in with: the broker's admin (super
   * user) from its principals file, unless the environment names a login (docs/benchmarks.md).
   */
  kafkaLogin: Record<string, string>;
  /** A database on the server where bench databases are created (maintenance connection). */
  postgresUrl: string;
  redisUrl: string;
}

export function servicesFromEnv(env: NodeJS.ProcessEnv = process.env): Services {
  return {
    kafkaBrokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    kafkaLogin:
      env.KAFKA_SASL_USERNAME !== undefined
        ? { KAFKA_SASL_USERNAME: env.KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: env.KAFKA_SASL_PASSWORD ?? '' }
        : kafkaLoginEnv(readKafkaPrincipals(env.KAFKA_PRINCIPALS_FILE ?? LOCAL_KAFKA_PRINCIPALS_FILE), 'admin'),
    postgresUrl: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  };
}

export function createKafkaClient(services: Services, clientId: string): Kafka {
  return new Kafka({ clientId, logLevel: logLevel.NOTHING, ...benchKafkaConnection(services) });
}

/** Brokers and login of the benchmark's own Kafka clients (workers get the same through their env). */
export function benchKafkaConnection(services: Services) {
  return kafkaConnectionConfig(loadConfig({ KAFKA_BROKERS: services.kafkaBrokers, ...services.kafkaLogin }));
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Everything one scenario creates, named after the run and the scenario so that it can never touch
 * anyone else's data: database `oc_bench_<ms>_<name>`, topics `bench.<ms>.<name>.*`, Redis keys
 * `bench:<ms>:<name>:*`, consumer groups `bench.<ms>.<name>.<role>`, and the processes it started.
 * `cleanUp()` removes all of it and is safe to call twice and after a partial set-up.
 */
export class World {
  readonly databaseUrl: string;
  readonly topicPrefix: string;
  readonly redisKeyPrefix: string;
  readonly names: Topics;
  /** This world's audit key (SPEC §4.7): the apps and the set-up seal with it. */
  readonly auditHmacKey = randomBytes(32).toString('base64url');
  private readonly groups = new Set<string>();
  private readonly processes = new Set<NodeProcess>();
  private databaseCreated = false;
  private cleaned = false;

  constructor(
    readonly services: Services,
    readonly kafka: Kafka,
    readonly redis: Redis,
    readonly stamp: number,
    readonly name: string,
  ) {
    this.databaseUrl = withDatabase(services.postgresUrl, `oc_bench_${stamp}_${name.replace(/-/g, '_')}`);
    this.topicPrefix = `bench.${stamp}.${name}.`;
    this.redisKeyPrefix = `bench:${stamp}:${name}:`;
    this.names = topics(this.topicPrefix);
  }

  /** A consumer group of this world (deleted at clean-up). */
  groupId(role: string): string {
    const id = `bench.${this.stamp}.${this.name}.${role}`;
    this.groups.add(id);
    return id;
  }

  /** The product's environment for an app of this world (SPEC §7 names). */
  appEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: this.services.kafkaBrokers,
      ...this.services.kafkaLogin,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.services.redisUrl,
      REDIS_KEY_PREFIX: this.redisKeyPrefix,
      TOPIC_PREFIX: this.topicPrefix,
      LOG_LEVEL: 'warn',
      // The figures compare with the releases before due process and the naive baseline: listings in
      // effect at the third trip (SPEC §4.4 allows NOTICE_PERIOD_WORKING_DAYS=0; freshness is measured
      // from the third trip there, docs/benchmarks.md).
      NOTICE_PERIOD_WORKING_DAYS: '0',
      AUDIT_HMAC_KEY: this.auditHmacKey,
      ...extra,
    };
  }

  /**
   * Creates and migrates the database with the product's migrations, and registers the simulated
   * stations through the registry (ingest counts only registered stations, docs/rules.md).
   */
  async createDatabase(): Promise<void> {
    this.databaseCreated = true;
    await migrate(this.databaseUrl);
    const db = new DatabaseConnection(
      createDataSource({ databaseUrl: this.databaseUrl, applicationName: 'bench-setup', poolSize: 1 }),
    );
    try {
      const ds = await db.ready();
      await ds.transaction((manager) =>
        new RegistryRepository(
          new AuditLogRepository(db, new AuditKeys(auditKeyring(this.auditHmacKey))),
          new OutboxRepository(),
        ).apply(
          manager,
          SIMULATED_STATIONS.map((record) => ({ kind: 'stations' as const, key: record.stationId, record })),
          { source: 'cli', actor: 'bench' },
        ),
      );
    } finally {
      await db.onApplicationShutdown();
    }
  }

  /** Creates the product's topics with `partitions` partitions (the DLQ with ingest's DLQ settings). */
  async createTopics(partitions: number, extra: string[] = []): Promise<void> {
    await ensureTopics(
      this.kafka,
      [...Object.values(this.names), ...extra],
      partitions,
      topicConfigs(this.topicPrefix),
    );
  }

  track(p: NodeProcess): NodeProcess {
    this.processes.add(p);
    return p;
  }

  /** Stops the processes, drops the database, deletes the topics, groups and Redis keys. Never throws. */
  async cleanUp(log: (message: string) => void): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    for (const p of this.processes) {
      if (isRunning(p)) await stopProcess(p, 10000).catch(() => undefined);
    }
    if (this.databaseCreated) {
      await dropDatabase(this.databaseUrl).catch((e: unknown) =>
        log(`${this.name}: could not drop the database: ${errorMessage(e)}`),
      );
    }
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(this.topicPrefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30000 });
      const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const groups = [...this.groups].filter((g) => existing.has(g));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    } catch (e) {
      log(`${this.name}: could not delete the topics or groups: ${errorMessage(e)}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    try {
      await deleteKeys(this.redis, `${this.redisKeyPrefix}*`);
    } catch (e) {
      log(`${this.name}: could not delete the Redis keys: ${errorMessage(e)}`);
    }
  }
}

/** SCAN + UNLINK in pipelines; returns how many keys it removed. */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    if (keys.length > 0) removed += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return removed;
}

/** How many keys match a pattern (SCAN, so the server is never blocked). */
export async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    count += keys.length;
    cursor = next;
  } while (cursor !== '0');
  return count;
}
