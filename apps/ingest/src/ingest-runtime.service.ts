import { Inject, Injectable, OnApplicationShutdown, BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigResourceTypes, Partitioners, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { TurnBackCache } from '@oc/cache';
import { AppConfig, databaseUrlFor } from '@oc/config';
import { registryTopicNames, topics } from '@oc/contracts';
import { AuditAnchorService, CacheRebuildService, IngestProducer, CreditSchedulerService } from '@oc/credit';
import { ensureTopics, KafkaConnection, OutboxRelay, topicConfigs } from '@oc/messaging';
import { DatabaseConnection, OutboxRepository } from '@oc/persistence';

export const INGEST_LOGGER = Symbol('INGEST_LOGGER');

// Notice periods end at 24:00, listings expire and postings end at their own instants (SPEC §4.4):
// the scheduler looks every few seconds, so the gate follows soon after.
const EXPIRY_INTERVAL_MS = 5_000;
/** How often ingest checks that Redis still holds a built cache (a restarted Redis comes back empty). */
const CACHE_CHECK_INTERVAL_MS = 2_000;

/**
 * Everything ingest runs besides the consumer: topics, the shared producer, the cache check at start,
 * the outbox relay and the expiry scheduler. `prepare()` waits (retrying) until Kafka and Postgres
 * answer, so the process can start before its dependencies and report itself not ready meanwhile.
 */
@Injectable()
export class IngestRuntime extends IngestProducer implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly producer: Producer;
  private relay?: OutboxRelay;
  private expiryTimer?: NodeJS.Timeout;
  private cacheTimer?: NodeJS.Timeout;
  private anchorTimer?: NodeJS.Timeout;
  private stopped = false;
  /**
   * When the credit scheduler last finished a round with nothing left due (the process start before
   * the first): `ingest_scheduler_last_run_timestamp_seconds` (docs/operations.md "Alerts").
   */
  schedulerCompletedAt = new Date();

  constructor(
    private readonly config: AppConfig,
    private readonly kafka: KafkaConnection,
    private readonly db: DatabaseConnection,
    private readonly outbox: OutboxRepository,
    private readonly cache: TurnBackCache,
    private readonly rebuild: CacheRebuildService,
    private readonly scheduler: CreditSchedulerService,
    private readonly anchors: AuditAnchorService,
    @Inject(INGEST_LOGGER) private readonly logger: Logger,
  ) {
    super();
    // One request in flight keeps per-partition order on retries; duplicates are possible and harmless
    // (at-least-once: listing events carry a stable eventId, cache writes are versioned).
    this.producer = kafka.kafka.producer({
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async prepare(): Promise<void> {
    const names = topics(this.config.TOPIC_PREFIX);
    await this.retry('create topics', () =>
      ensureTopics(
        this.kafka.kafka,
        Object.values(names),
        this.config.KAFKA_TOPIC_PARTITIONS,
        topicConfigs(this.config.TOPIC_PREFIX),
      ),
    );
    // A check, not a requirement: a principal without DescribeConfigs still starts.
    await this.warnUnlessCompacted().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'could not check the cleanup policy of the registry topics'),
    );
    await this.retry('connect the producer', () => this.producer.connect());
    await this.retry('check the turn-back cache', async () => {
      const rebuilt = await this.rebuild.rebuildIfStale();
      if (rebuilt) this.logger.info({ vehicles: rebuilt.written }, 'turn-back cache rebuilt');
    });
    this.relay = new OutboxRelay(this.db, this.outbox, this.cache, this.producer, this.logger, {
      databaseUrl: databaseUrlFor(this.config, 'app'),
      retentionHours: this.config.OUTBOX_RETENTION_HOURS,
    });
    this.relay.start();
    this.scheduleExpiry();
    this.watchCache();
    this.scheduleAnchors();
  }

  /**
   * SPEC §4.7: the audit chain head, anchored once per AUDIT_ANCHOR_INTERVAL_MS slot. Looking twice per
   * interval means a late timer never skips a slot; a slot another instance anchored is left alone.
   */
  private scheduleAnchors(): void {
    const every = Math.max(500, Math.floor(this.config.AUDIT_ANCHOR_INTERVAL_MS / 2));
    const run = async (): Promise<void> => {
      try {
        const anchor = await this.anchors.anchor(new Date());
        if (anchor) this.logger.debug({ seq: anchor.seq, slot: anchor.slot }, 'audit chain head anchored');
      } catch (error) {
        this.logger.warn({ err: error }, 'could not anchor the audit chain head; trying again');
      }
      if (!this.stopped) this.anchorTimer = setTimeout(() => void run(), every);
    };
    void run();
  }

  /**
   * A registry topic someone created before ingest did (by hand, or a broker that auto-creates) may
   * delete old records instead of compacting them: a consumer group starting from the beginning would
   * then miss the registrations older than the retention. Ingest does not change a topic it did not
   * create; it says so.
   */
  private async warnUnlessCompacted(): Promise<void> {
    const admin = this.kafka.kafka.admin();
    await admin.connect();
    try {
      const describe = () =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: registryTopicNames(this.config.TOPIC_PREFIX).map((name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ['cleanup.policy'],
          })),
        });
      // A topic created a moment ago may be refused for a while (UNKNOWN_TOPIC_OR_PARTITION, retriable).
      let described: Awaited<ReturnType<typeof describe>> | undefined;
      for (let attempt = 1; !described; attempt++) {
        try {
          described = await describe();
        } catch (error) {
          if (!(error as { retriable?: boolean }).retriable || attempt >= 20 || this.stopped) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      for (const resource of described.resources) {
        const policy = resource.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? '';
        if (!policy.split(',').includes('compact'))
          this.logger.warn(
            { topic: resource.resourceName, cleanupPolicy: policy },
            'registry topic is not compacted (SPEC §4.9): set cleanup.policy=compact on it',
          );
      }
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * A Redis that restarted or was flushed has lost the cache and its marker; the gate then reads
   * Postgres until this rebuild puts the marker back.
   */
  private watchCache(): void {
    const run = async (): Promise<void> => {
      try {
        const rebuilt = await this.rebuild.rebuildIfStale();
        if (rebuilt) this.logger.warn({ vehicles: rebuilt.written }, 'turn-back cache was missing; rebuilt');
      } catch {
        // Redis or Postgres away: the next check tries again.
      }
      if (!this.stopped) this.cacheTimer = setTimeout(() => void run(), CACHE_CHECK_INTERVAL_MS);
    };
    this.cacheTimer = setTimeout(() => void run(), CACHE_CHECK_INTERVAL_MS);
  }

  private scheduleExpiry(): void {
    const run = async (): Promise<void> => {
      try {
        let ended: number;
        do ended = await this.scheduler.runDue(new Date());
        while (ended > 0 && !this.stopped);
        this.schedulerCompletedAt = new Date();
      } catch (error) {
        this.logger.warn({ err: error }, 'credit scheduler failed; trying again later');
      }
      if (!this.stopped) this.expiryTimer = setTimeout(() => void run(), EXPIRY_INTERVAL_MS);
    };
    void run();
  }

  private async retry(what: string, action: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new Error('stopping');
      try {
        await action();
        return;
      } catch (error) {
        if (attempt === 1 || attempt % 10 === 0)
          this.logger.warn({ err: error, attempt }, `could not ${what} yet; retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 3000)));
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.expiryTimer);
    clearTimeout(this.cacheTimer);
    clearTimeout(this.anchorTimer);
    await this.relay?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
