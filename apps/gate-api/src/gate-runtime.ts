import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { TurnBackCache } from '@oc/cache';
import { AppConfig, databaseUrlFor } from '@oc/config';
import { topics } from '@oc/contracts';
import { GateDecisionService, StationAuthenticator } from '@oc/credit';
import { GateDecisionPublisher, KafkaConnection } from '@oc/messaging';
import { MetricsRegistry } from '@oc/observability';
import { GateReadStore } from '@oc/persistence';

/** Builds the gate's collaborators once and closes them at shutdown. */
@Injectable()
export class GateRuntime implements OnApplicationShutdown {
  readonly store: GateReadStore;
  readonly publisher: GateDecisionPublisher;
  readonly decisions: GateDecisionService;
  readonly authenticator: StationAuthenticator;

  constructor(config: AppConfig, kafka: KafkaConnection, cache: TurnBackCache, metrics: MetricsRegistry) {
    const decided = new Counter({
      name: 'gate_decisions_total',
      help: 'Gate decisions by decision, reason and source',
      labelNames: ['decision', 'reason', 'source'],
      registers: [metrics],
    });
    const latency = new Histogram({
      name: 'gate_decision_duration_seconds',
      help: 'Time to decide, from the validated request to the answer',
      labelNames: ['source'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
      registers: [metrics],
    });
    const dropped = new Counter({
      name: 'gate_decisions_dropped_total',
      help: 'TURN_BACK decisions not published to gate.decisions.v1 because the buffer was full (Kafka away)',
      registers: [metrics],
    });
    this.store = new GateReadStore(databaseUrlFor(config, 'gate'), config.GATE_DB_TIMEOUT_MS);
    void this.store.warm();
    this.publisher = new GateDecisionPublisher(
      kafka.kafka,
      topics(config.TOPIC_PREFIX).gateDecisions,
      10_000,
      100,
      (n) => dropped.inc(n),
    );
    this.publisher.start();
    this.authenticator = new StationAuthenticator(this.store);
    this.decisions = new GateDecisionService(
      cache,
      this.store,
      this.publisher,
      {
        warningBandKg: config.WARNING_BAND_KG,
        entryTolerancePercent: config.ENTRY_TOLERANCE_PERCENT,
        turnBackRequiresPublication: config.TURN_BACK_REQUIRES_PUBLICATION,
        listingValidityDays: config.LISTING_VALIDITY_DAYS,
        failureMode: config.GATE_FAILURE_MODE,
        deadlineMs: config.GATE_DEADLINE_MS,
        dbTimeoutMs: config.GATE_DB_TIMEOUT_MS,
      },
      (d, seconds) => {
        decided.inc({ decision: d.decision, reason: d.reasons[0] ?? 'NONE', source: d.source });
        latency.observe({ source: d.source }, seconds);
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
    await this.store.close();
  }
}
