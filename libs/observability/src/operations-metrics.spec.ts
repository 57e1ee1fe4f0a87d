import { Registry } from 'prom-client';
import { MetricsSampler } from './metrics-sampler';
import { sampleOperationsFigures, type OperationsFigures } from './operations-metrics';

/** The value lines of /metrics (no HELP/TYPE), sorted. */
async function values(registry: Registry): Promise<string[]> {
  return (await registry.metrics())
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .sort();
}

function world(figures: OperationsFigures, intervalMs = 1000) {
  const registry = new Registry();
  const sampler = new MetricsSampler(registry, intervalMs);
  sampleOperationsFigures(registry, sampler, figures);
  return { registry, sampler };
}

describe('sampleOperationsFigures (the figures infra/prometheus/alerts.yml reads)', () => {
  it('shows nothing before the first sample but the failure counters at 0: an unread figure never looks healthy', async () => {
    const { registry } = world({
      kafkaBrokers: async () => 3,
      postgresReplicas: async () => 1,
      outboxBacklog: async () => ({ unpublished: 0, oldestAgeSeconds: 0 }),
      redisEviction: async () => ({ policyEvicts: false, evictedKeys: 0 }),
    });
    expect(await values(registry)).toEqual([
      'metrics_sample_failures_total{sample="ingest_outbox"} 0',
      'metrics_sample_failures_total{sample="kafka_brokers"} 0',
      'metrics_sample_failures_total{sample="postgres_replicas"} 0',
      'metrics_sample_failures_total{sample="redis_eviction"} 0',
    ]);
  });

  it('sets every gauge from one round', async () => {
    const { registry, sampler } = world({
      kafkaBrokers: async () => 3,
      kafkaUnderReplicatedPartitions: async () => 2,
      ingestLag: {
        group: 'g',
        read: async () => [
          { topic: 'w', partition: 0, committed: 10, high: 15, lag: 5 },
          { topic: 'w', partition: 1, committed: -1, high: 4, lag: 4 },
        ],
      },
      redisEviction: async () => ({ policyEvicts: true, evictedKeys: 17 }),
      postgresReplicas: async () => 1,
      outboxBacklog: async () => ({ unpublished: 42, oldestAgeSeconds: 12.5 }),
    });
    await sampler.sampleNow();
    expect((await values(registry)).filter((l) => !l.startsWith('metrics_sample'))).toEqual([
      'ingest_consumer_committed_offset{group="g",topic="w",partition="0"} 10',
      'ingest_consumer_committed_offset{group="g",topic="w",partition="1"} -1',
      'ingest_consumer_lag{group="g",topic="w",partition="0"} 5',
      'ingest_consumer_lag{group="g",topic="w",partition="1"} 4',
      'ingest_outbox_oldest_unpublished_age_seconds 12.5',
      'ingest_outbox_unpublished_rows 42',
      'kafka_brokers 3',
      'kafka_under_replicated_partitions 2',
      'postgres_replicas 1',
      'redis_evicted_keys 17',
      'redis_eviction_risk 1',
    ]);
  });

  it('clears what could not be read (kafka_brokers drops to 0), counts the failure, and shows it again once read', async () => {
    let down = false;
    const read = async <T>(value: T): Promise<T> => {
      if (down) throw new Error('ECONNREFUSED');
      return value;
    };
    const { registry, sampler } = world({
      kafkaBrokers: () => read(1),
      ingestLag: { group: 'g', read: () => read([{ topic: 'w', partition: 0, committed: 1, high: 3, lag: 2 }]) },
      postgresReplicas: () => read(2),
    });
    await sampler.sampleNow();
    down = true;
    await sampler.sampleNow();
    expect(await values(registry)).toEqual([
      'kafka_brokers 0',
      'metrics_sample_failures_total{sample="ingest_consumer_lag"} 1',
      'metrics_sample_failures_total{sample="kafka_brokers"} 1',
      'metrics_sample_failures_total{sample="postgres_replicas"} 1',
    ]);
    down = false;
    await sampler.sampleNow();
    expect(await values(registry)).toContain('ingest_consumer_lag{group="g",topic="w",partition="0"} 2');
    expect(await values(registry)).toContain('postgres_replicas 2');
  });

  it('replaces the lag of every partition each round: a partition that went away does not linger', async () => {
    let partitions = [0, 1, 2];
    const { registry, sampler } = world({
      ingestLag: {
        group: 'g',
        read: async () => partitions.map((partition) => ({ topic: 'w', partition, committed: 0, high: 1, lag: 1 })),
      },
    });
    await sampler.sampleNow();
    partitions = [1];
    await sampler.sampleNow();
    expect((await values(registry)).filter((l) => l.startsWith('ingest_consumer_lag'))).toEqual([
      'ingest_consumer_lag{group="g",topic="w",partition="1"} 1',
    ]);
  });
});

describe('MetricsSampler', () => {
  it('bounds a sample that does not answer, and runs one round at a time', async () => {
    let calls = 0;
    const { registry, sampler } = world(
      {
        kafkaBrokers: () => {
          calls += 1;
          return new Promise<number>(() => undefined);
        },
      },
      50,
    );
    const first = sampler.sampleNow();
    // A round asked for while one runs is that round.
    expect(sampler.sampleNow()).toBe(first);
    await first;
    expect(calls).toBe(1);
    expect(await values(registry)).toEqual([
      'kafka_brokers 0',
      'metrics_sample_failures_total{sample="kafka_brokers"} 1',
    ]);
  });

  it('samples every interval once started, and not after stop()', async () => {
    let calls = 0;
    const { sampler } = world(
      {
        postgresReplicas: async () => {
          calls += 1;
          return 0;
        },
      },
      20,
    );
    sampler.start();
    const deadline = Date.now() + 2000;
    while (calls < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toBeGreaterThanOrEqual(3);
    await sampler.stop();
    const stoppedAt = calls;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls).toBe(stoppedAt);
  });
});
