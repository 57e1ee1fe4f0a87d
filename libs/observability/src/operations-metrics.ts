import { Gauge, Registry } from 'prom-client';
import type { MetricsSampler } from './metrics-sampler';

/** One partition of a topic the ingest group consumes: its committed offset against the high watermark. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset (the next offset it will read); -1 when it never committed one. */
  committed: number;
  high: number;
  /** Messages on the partition the group has not committed yet. */
  lag: number;
}

export interface RedisEviction {
  /** Whether the configuration lets Redis delete keys under memory pressure (RedisConnection.evictionRisk). */
  policyEvicts: boolean;
  /** INFO stats `evicted_keys`: keys Redis has evicted since it started. */
  evictedKeys: number;
}

export interface OutboxBacklog {
  /** Unpublished outbox rows (counted up to a cap: the figure saturates there). */
  unpublished: number;
  /** Age of the oldest unpublished row; 0 when there is none. */
  oldestAgeSeconds: number;
}

/**
 * The readers an app has for the figures the alerts of infra/prometheus/alerts.yml read; each app
 * passes those its login and role can read. The metric names are defined here, once, for every app.
 */
export interface OperationsFigures {
  kafkaBrokers?: () => Promise<number>;
  /** Partitions of this deployment's topics with fewer in-sync replicas than replicas. */
  kafkaUnderReplicatedPartitions?: () => Promise<number>;
  ingestLag?: { group: string; read: () => Promise<PartitionLag[]> };
  redisEviction?: () => Promise<RedisEviction>;
  /** Standbys (WAL senders) streaming from the Postgres this app writes to. */
  postgresReplicas?: () => Promise<number>;
  outboxBacklog?: () => Promise<OutboxBacklog>;
}

/**
 * A gauge without labels shows 0 until set, and again after reset(): for a figure not read yet (or
 * that could not be read) that would look healthy. Removed, it is absent from /metrics instead.
 */
function unread(gauge: Gauge): Gauge {
  gauge.remove();
  return gauge;
}

/**
 * Registers the gauges of `figures` on `registry` and their samples on `sampler`. A gauge is absent
 * until its first sample and after a failed one (but `kafka_brokers`, which is then 0).
 */
export function sampleOperationsFigures(registry: Registry, sampler: MetricsSampler, figures: OperationsFigures): void {
  const registers = [registry];
  if (figures.kafkaBrokers) {
    const read = figures.kafkaBrokers;
    const brokers = unread(
      new Gauge({
        name: 'kafka_brokers',
        help: 'Brokers the Kafka cluster metadata lists, as this app sees them (0: none answers)',
        registers,
      }),
    );
    // No broker answering is a broker count, not a missing figure.
    sampler.add(
      'kafka_brokers',
      async () => brokers.set(await read()),
      () => brokers.set(0),
    );
  }
  if (figures.kafkaUnderReplicatedPartitions) {
    const read = figures.kafkaUnderReplicatedPartitions;
    const under = unread(
      new Gauge({
        name: 'kafka_under_replicated_partitions',
        help: "Partitions of this deployment's topics with fewer in-sync replicas than replicas, or no leader",
        registers,
      }),
    );
    sampler.add(
      'kafka_under_replicated_partitions',
      async () => under.set(await read()),
      () => under.remove(),
    );
  }
  if (figures.ingestLag) {
    const { group, read } = figures.ingestLag;
    const labelNames = ['group', 'topic', 'partition'] as const;
    const lag = new Gauge({
      name: 'ingest_consumer_lag',
      help: "Messages of a partition ingest's consumer group has not committed yet (high watermark - committed offset)",
      labelNames,
      registers,
    });
    const committed = new Gauge({
      name: 'ingest_consumer_committed_offset',
      help: "The ingest group's committed offset on a partition (-1: never committed)",
      labelNames,
      registers,
    });
    sampler.add(
      'ingest_consumer_lag',
      async () => {
        const partitions = await read();
        // Replaced whole, between two scrapes: a partition that went away does not linger.
        lag.reset();
        committed.reset();
        for (const p of partitions) {
          const labels = { group, topic: p.topic, partition: String(p.partition) };
          lag.set(labels, p.lag);
          committed.set(labels, p.committed);
        }
      },
      () => {
        lag.reset();
        committed.reset();
      },
    );
  }
  if (figures.redisEviction) {
    const read = figures.redisEviction;
    const risk = unread(
      new Gauge({
        name: 'redis_eviction_risk',
        help: 'Whether Redis may evict keys (maxmemory with a policy other than noeviction): 1 lets listed trucks through',
        registers,
      }),
    );
    const evicted = unread(
      new Gauge({
        name: 'redis_evicted_keys',
        help: 'Keys Redis has evicted since it started (INFO stats evicted_keys)',
        registers,
      }),
    );
    sampler.add(
      'redis_eviction',
      async () => {
        const figures = await read();
        risk.set(figures.policyEvicts ? 1 : 0);
        evicted.set(figures.evictedKeys);
      },
      () => {
        risk.remove();
        evicted.remove();
      },
    );
  }
  if (figures.postgresReplicas) {
    const read = figures.postgresReplicas;
    const replicas = unread(
      new Gauge({
        name: 'postgres_replicas',
        help: 'Standbys connected to the Postgres this app writes to (rows of pg_stat_replication)',
        registers,
      }),
    );
    sampler.add(
      'postgres_replicas',
      async () => replicas.set(await read()),
      () => replicas.remove(),
    );
  }
  if (figures.outboxBacklog) {
    const read = figures.outboxBacklog;
    const rows = unread(
      new Gauge({
        name: 'ingest_outbox_unpublished_rows',
        help: 'Outbox rows not yet relayed to Redis and Kafka',
        registers,
      }),
    );
    const age = unread(
      new Gauge({
        name: 'ingest_outbox_oldest_unpublished_age_seconds',
        help: 'Age of the oldest outbox row not yet relayed (0: none waits)',
        registers,
      }),
    );
    sampler.add(
      'ingest_outbox',
      async () => {
        const backlog = await read();
        rows.set(backlog.unpublished);
        age.set(backlog.oldestAgeSeconds);
      },
      () => {
        rows.remove();
        age.remove();
      },
    );
  }
}
