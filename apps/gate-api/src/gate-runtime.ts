import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { TurnBackCache } from '@oc/cache';
import { AppConfig, databaseUrlFor } from '@oc/config';
import { topics } from '@oc/contracts';
import { GateDecisionService, StationAuthenticator, type StationAuthResult } from '@oc/credit';
import { GateDecisionPublisher, KafkaConnection } from '@oc/messaging';
import { MetricsRegistry } from '@oc/observability';
import { GateReadStore, StationKeyStore } from '@oc/persistence';

/** Builds the gate's collaborators once and closes them at shutdown. */
@Injectable()
export class GateRuntime implements OnApplicationShutdown {
  readonly store: GateReadStore;
  readonly keys: StationKeyStore;
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
    this.keys = new StationKeyStore(databaseUrlFor(config, 'gate'), config.GATE_DB_TIMEOUT_MS);
    this.authenticator = new StationAuthenticator(
      this.keys,
      { refreshMs: config.GATE_KEY_REFRESH_SECONDS * 1000, failuresPerMinute: config.GATE_AUTH_FAILURES_PER_MINUTE },
      stationAuthMetrics(metrics),
    );
    const authenticator = this.authenticator;
    new Gauge({
      name: 'gate_station_keys_loaded',
      help: 'Active station keys this gate holds (loaded at start, reloaded on change and every GATE_KEY_REFRESH_SECONDS)',
      registers: [metrics],
      collect() {
        this.set(authenticator.loaded.keys);
      },
    });
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
    this.authenticator.stop();
    await this.publisher.stop();
    await this.store.close();
    await this.keys.close();
  }
}

/** `gate_station_auth_total{result}`, one counter child per result bound once: no label work per request. */
function stationAuthMetrics(metrics: MetricsRegistry): (result: StationAuthResult) => void {
  const counter = new Counter({
    name: 'gate_station_auth_total',
    help: 'Station key checks by result: cache (valid, loaded), lookup (valid, read from Postgres), malformed, wrong, throttled (429), unverifiable (GATE_FAILURE_MODE answered)',
    labelNames: ['result'],
    registers: [metrics],
  });
  const results: StationAuthResult[] = ['cache', 'lookup', 'malformed', 'wrong', 'throttled', 'unverifiable'];
  const children = new Map(results.map((r) => [r, counter.labels({ result: r })]));
  return (result) => children.get(result)!.inc();
}
