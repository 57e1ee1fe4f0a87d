import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { KafkaWatch } from '@oc/messaging';
import { MetricsRegistry, MetricsSampler, sampleOperationsFigures } from '@oc/observability';

/**
 * The gate's part of what infra/prometheus/alerts.yml reads beyond its decisions
 * (`gate_decisions_total{source}`, counted on the answer as before): the brokers it publishes its
 * turn-back records to, read in the background on a Kafka connection of its own. Nothing is added to
 * a request, and its Redis and Postgres connections are not used (ingest and staff-api report those).
 */
@Injectable()
export class GateMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sampler: MetricsSampler;
  private readonly watch: KafkaWatch;

  constructor(config: AppConfig, metrics: MetricsRegistry) {
    this.watch = new KafkaWatch(config, 'gate-api');
    this.sampler = new MetricsSampler(metrics, config.METRICS_SAMPLE_SECONDS * 1000);
    sampleOperationsFigures(metrics, this.sampler, { kafkaBrokers: () => this.watch.brokers() });
  }

  onApplicationBootstrap(): void {
    this.sampler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sampler.stop();
    await this.watch.close();
  }
}
