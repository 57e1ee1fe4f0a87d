import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { RedisConnection } from '@oc/cache';
import { AppConfig } from '@oc/config';
import { topics } from '@oc/contracts';
import { INGEST_CONSUMES, KafkaWatch, onDeadLetters } from '@oc/messaging';
import { MetricsRegistry, MetricsSampler, sampleOperationsFigures } from '@oc/observability';
import { DatabaseConnection, outboxBacklog, postgresReplicas } from '@oc/persistence';
import { INGEST_LOGGER, IngestRuntime } from './ingest-runtime.service';

/**
 * Ingest's part of what infra/prometheus/alerts.yml reads (docs/operations.md "Alerts"): its group's
 * lag, the outbox backlog, the dead letters it produced, when its scheduler last finished, and its
 * view of the brokers, replicas and Redis. Sampled in the background (MetricsSampler); dead letters are
 * counted as they are sent; nothing is added to the per-message path beyond that count.
 */
@Injectable()
export class IngestMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sampler: MetricsSampler;
  private readonly watch: KafkaWatch;
  private readonly stopCounting: () => void;

  constructor(
    config: AppConfig,
    metrics: MetricsRegistry,
    db: DatabaseConnection,
    redis: RedisConnection,
    runtime: IngestRuntime,
    @Inject(INGEST_LOGGER) logger: Logger,
  ) {
    const names = topics(config.TOPIC_PREFIX);
    const consumed = INGEST_CONSUMES.map((key) => names[key]);
    this.watch = new KafkaWatch(config, 'ingest');
    this.sampler = new MetricsSampler(metrics, config.METRICS_SAMPLE_SECONDS * 1000, logger);
    sampleOperationsFigures(metrics, this.sampler, {
      kafkaBrokers: () => this.watch.brokers(),
      kafkaUnderReplicatedPartitions: () => this.watch.underReplicated(Object.values(names)),
      ingestLag: { group: config.KAFKA_GROUP_ID, read: () => this.watch.lag(config.KAFKA_GROUP_ID, consumed) },
      redisEviction: () => redis.eviction(),
      postgresReplicas: () => postgresReplicas(db),
      outboxBacklog: () => outboxBacklog(db),
    });

    const deadLetters = new Counter({
      name: 'ingest_dead_letters_total',
      help: 'Messages ingest sent to a dead-letter topic, by the topic they came from and their error-code',
      labelNames: ['topic', 'reason'],
      registers: [metrics],
    });
    this.stopCounting = onDeadLetters((letters) => {
      for (const letter of letters) deadLetters.inc({ topic: letter.topic, reason: letter.code });
    });

    new Gauge({
      name: 'ingest_scheduler_last_run_timestamp_seconds',
      help: 'When the credit scheduler (notice periods, expiries, postings, companies) last finished a round (the process start before its first)',
      registers: [metrics],
      collect() {
        this.set(runtime.schedulerCompletedAt.getTime() / 1000);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.sampler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopCounting();
    await this.sampler.stop();
    await this.watch.close();
  }
}
