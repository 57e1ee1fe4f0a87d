import Redis from 'ioredis';
import { Kafka, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { Topics, topics } from '@oc/contracts';
import { DEV_KAFKA_PRINCIPALS, ensureTopics, grantKafkaAcls, kafkaAcls, topicConfigs } from '@oc/messaging';
import { dropDatabase, migrate } from '@oc/persistence';
import { AppName, startApp, RunningApp } from './app-process';
import { eventually, testServices } from './services';
import { registerStations, TEST_STATIONS, type TestStation } from './registries';

/**
 * An isolated world for one test: its own database, topic prefix, Redis key prefix and consumer
 * group inside this run's, with clients to produce, query and inspect, and the ingest process.
 */
export class Scenario {
  readonly databaseUrl: string;
  readonly topicPrefix: string;
  readonly redisKeyPrefix: string;
  readonly topics: Topics;
  readonly kafka: Kafka;
  readonly pg: Client;
  readonly redis: Redis;
  private producer?: Producer;
  ingest?: RunningApp;
  readonly apps: RunningApp[] = [];

  private constructor(readonly name: string) {
    const s = testServices();
    this.databaseUrl = s.databaseUrlFor(`oc_test_${s.runId}_${name}`);
    this.topicPrefix = `${s.topicPrefix}${name}.`;
    this.redisKeyPrefix = `${s.redisKeyPrefix}${name}:`;
    this.topics = topics(this.topicPrefix);
    this.kafka = s.kafka(`test-${name}`);
    this.pg = new Client({ connectionString: this.databaseUrl });
    this.redis = new Redis(s.redisUrl);
  }

  /**
   * Creates the world's database with the test stations registered (`stations: []` for none: a world
   * whose weighings come from stations it must register itself).
   */
  static async create(name: string, options: { stations?: readonly TestStation[] } = {}): Promise<Scenario> {
    const scenario = new Scenario(name);
    await migrate(scenario.databaseUrl);
    await scenario.pg.connect();
    await registerStations((sql, params) => scenario.pg.query(sql, params), options.stations ?? TEST_STATIONS);
    // The broker's ACLs for this world's topics and ingest group: its apps run as their own principals.
    if (testServices().kafkaPrincipalsFile) {
      await grantKafkaAcls(
        scenario.kafka,
        kafkaAcls(scenario.topicPrefix, `${scenario.topicPrefix}ingest`, DEV_KAFKA_PRINCIPALS),
      );
    }
    return scenario;
  }

  env(overrides: Record<string, string> = {}): Record<string, string> {
    return testServices().env({
      DATABASE_URL: this.databaseUrl,
      TOPIC_PREFIX: this.topicPrefix,
      REDIS_KEY_PREFIX: this.redisKeyPrefix,
      KAFKA_GROUP_ID: `${this.topicPrefix}ingest`,
      ...overrides,
    });
  }

  async startIngest(overrides: Record<string, string> = {}): Promise<RunningApp> {
    this.ingest = await startApp('ingest', this.env(overrides));
    // Ready = topics exist and the consumer is about to join.
    await eventually(async () => (await fetch(`${this.ingest!.url}/health/ready`)).ok, {
      what: 'ingest ready',
      timeoutMs: 30000,
    });
    return this.ingest;
  }

  /** Starts another app of this scenario (gate-api, staff-api); stopped by close(). */
  async startApp(name: AppName, overrides: Record<string, string> = {}): Promise<RunningApp> {
    const app = await startApp(name, this.env(overrides));
    this.apps.push(app);
    return app;
  }

  async produce(messages: { key: string; value: string }[], batchSize = 1000): Promise<void> {
    await this.produceTo(this.topics.weighingEvents, messages, batchSize);
  }

  /** Produces to any topic of this scenario (registries, notice receipts …). */
  async produceTo(
    topic: string,
    messages: { key: string | null; value: string | null }[],
    batchSize = 1000,
  ): Promise<void> {
    if (!this.producer) {
      // Producing before ingest first started: create the topics as ingest would (no auto-creation).
      await ensureTopics(this.kafka, Object.values(this.topics), 6, topicConfigs(this.topicPrefix));
      this.producer = this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
      await this.producer.connect();
    }
    for (let i = 0; i < messages.length; i += batchSize) {
      await this.producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + batchSize),
      });
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pg.query(sql, params)).rows as T[];
  }

  /** Waits until every produced offset of a topic (the weighing topic by default) is committed by ingest's group. */
  async waitUntilConsumed(timeoutMs = 60000, topic = this.topics.weighingEvents): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId: `${this.topicPrefix}ingest`, topics: [topic] });
          return ends.every((e) => {
            const c = committed!.partitions.find((p) => p.partition === e.partition);
            return e.high === '0' || (c !== undefined && BigInt(c.offset) >= BigInt(e.high));
          });
        },
        { timeoutMs, what: `ingest to commit every offset of ${topic}`, intervalMs: 250 },
      );
    } catch (error) {
      // What ingest said last is what an operator would read first: attach it to the failure.
      const said = this.ingest?.output().slice(-6000) ?? '(ingest not started by this scenario)';
      throw new Error(`${(error as Error).message}\n--- ingest output (last 6000 characters) ---\n${said}`);
    } finally {
      await admin.disconnect();
    }
  }

  /** Every message on a topic from the beginning, until `count` arrived. */
  async readTopic(topic: string, count: number, timeoutMs = 20000): Promise<KafkaMessage[]> {
    const consumer = this.kafka.consumer({ groupId: `${this.topicPrefix}reader-${Date.now()}-${Math.random()}` });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
      await eventually(() => seen.length >= count, { timeoutMs, what: `${count} messages on ${topic}` });
      return seen;
    } finally {
      await consumer.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.ingest?.stop().catch(() => undefined);
    await Promise.all(this.apps.map((a) => a.stop().catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
    await this.pg.end().catch(() => undefined);
    this.redis.disconnect();
    await dropDatabase(this.databaseUrl).catch(() => undefined);
  }
}
