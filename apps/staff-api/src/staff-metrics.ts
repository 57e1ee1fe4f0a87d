import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { RedisConnection } from '@oc/cache';
import { AppConfig } from '@oc/config';
import { topics } from '@oc/contracts';
import { AuditVerificationCache } from '@oc/credit';
import { INGEST_CONSUMES, KafkaWatch } from '@oc/messaging';
import { MetricsRegistry, MetricsSampler, sampleOperationsFigures } from '@oc/observability';
import { DatabaseConnection, outboxBacklog, postgresReplicas } from '@oc/persistence';

/** How often the background walk looks whether AUDIT_VERIFICATION_EVERY_SECONDS has passed (or a walk failed). */
const AUDIT_CHECK_MS = 60_000;

/**
 * staff-api's part of what infra/prometheus/alerts.yml reads (docs/operations.md "Alerts"): the result
 * of the audit verification, and — from outside ingest, so that they do not go quiet when ingest
 * stops — the ingest group's lag and the outbox backlog; its view of brokers, replicas and Redis.
 */
export class StaffMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sampler: MetricsSampler;
  private readonly watch: KafkaWatch;
  private auditTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsRegistry,
    db: DatabaseConnection,
    redis: RedisConnection,
    private readonly verification: AuditVerificationCache,
    private readonly logger: Logger,
  ) {
    const consumed = INGEST_CONSUMES.map((key) => topics(config.TOPIC_PREFIX)[key]);
    this.watch = new KafkaWatch(config, 'staff-api');
    this.sampler = new MetricsSampler(metrics, config.METRICS_SAMPLE_SECONDS * 1000, logger);
    sampleOperationsFigures(metrics, this.sampler, {
      kafkaBrokers: () => this.watch.brokers(),
      ingestLag: { group: config.KAFKA_GROUP_ID, read: () => this.watch.lag(config.KAFKA_GROUP_ID, consumed) },
      redisEviction: () => redis.eviction(),
      postgresReplicas: () => postgresReplicas(db),
      outboxBacklog: () => outboxBacklog(db),
    });

    // From the last walk, whoever started it (an ADMIN's request or the background walk); absent before the first.
    const latest = () => verification.latest;
    new Gauge({
      name: 'staff_audit_verification_failed',
      help: 'Whether the last audit chain verification found the chain broken (1) or intact (0) (SPEC §4.7)',
      registers: [metrics],
      collect() {
        const last = latest();
        if (last) this.set(last.ok ? 0 : 1);
        else this.remove();
      },
    });
    new Gauge({
      name: 'staff_audit_verification_timestamp_seconds',
      help: 'When the walk of the last audit chain verification began',
      registers: [metrics],
      collect() {
        const last = latest();
        if (last) this.set(Date.parse(last.computedAt) / 1000);
        else this.remove();
      },
    });
    new Gauge({
      name: 'staff_audit_anchor_gaps',
      help: 'Stretches of the audit chain the last verification found written without an anchor (docs/operations.md)',
      registers: [metrics],
      collect() {
        const last = latest();
        if (last) this.set(last.anchorGaps.length);
        else this.remove();
      },
    });
  }

  onApplicationBootstrap(): void {
    this.sampler.start();
    if (this.config.AUDIT_VERIFICATION_EVERY_SECONDS > 0) this.scheduleAuditWalk();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.auditTimer);
    await this.sampler.stop();
    await this.watch.close();
  }

  /**
   * A walk when the last result is older than AUDIT_VERIFICATION_EVERY_SECONDS (or none exists: after a
   * failed walk it is tried again within a minute). Through the cache, so requests and the metric share
   * walks, and one runs at a time.
   */
  private scheduleAuditWalk(): void {
    const everyMs = this.config.AUDIT_VERIFICATION_EVERY_SECONDS * 1000;
    const check = async (): Promise<void> => {
      const last = this.verification.latest;
      if (!last || Date.now() - Date.parse(last.computedAt) >= everyMs) {
        await this.verification.get().catch((error: unknown) => {
          this.logger.warn({ err: error }, 'background audit verification failed; trying again within a minute');
        });
      }
      if (this.stopped) return;
      this.auditTimer = setTimeout(() => void check(), Math.min(AUDIT_CHECK_MS, everyMs));
      this.auditTimer.unref();
    };
    this.auditTimer = setTimeout(() => void check(), 0);
    this.auditTimer.unref();
  }
}
