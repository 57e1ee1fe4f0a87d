import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, gateRedisBudgetMs } from '@oc/config';
import { RedisModule, RedisProbe, TurnBackCache } from '@oc/cache';
import { GateDecisionService, StationAuthenticator } from '@oc/credit';
import { KafkaModule, KafkaProbe } from '@oc/messaging';
import { ObservabilityModule, type Logger } from '@oc/observability';
import { DatabaseModule, PostgresProbe } from '@oc/persistence';
import { GateDecisionController } from './gate-decision.controller';
import { GateMetrics } from './gate-metrics';
import { GateRuntime } from './gate-runtime';
import { StationKeyGuard } from './station-key.guard';

@Module({})
export class GateApiModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    // Redis must answer within its share of the deadline or be skipped: no queueing while it is away.
    const redisTimeout = gateRedisBudgetMs(config.GATE_DEADLINE_MS, config.GATE_DB_TIMEOUT_MS);
    return {
      module: GateApiModule,
      imports: [
        ConfigModule.forRoot(config),
        // The read-only gate role (docs/operations.md). This pool serves readiness only; the decisions'
        // fallback has its own, bounded by GATE_DB_TIMEOUT_MS (GateReadStore).
        DatabaseModule.forRoot('gate-api', {
          role: 'gate',
          poolSize: 2,
          connectionTimeoutMs: 1_000,
          statementTimeoutMs: 1_000,
          idleInTransactionTimeoutMs: 5_000,
        }),
        RedisModule.forRoot({ failFast: true, commandTimeoutMs: redisTimeout, autoPipelining: true }),
        KafkaModule.forRoot('gate-api', logger),
        ObservabilityModule.forRoot([PostgresProbe, RedisProbe, KafkaProbe], {
          healthDetailsFrom: config.HEALTH_DETAILS_FROM,
        }),
      ],
      controllers: [GateDecisionController],
      providers: [
        TurnBackCache,
        GateRuntime,
        GateMetrics,
        StationKeyGuard,
        { provide: GateDecisionService, inject: [GateRuntime], useFactory: (r: GateRuntime) => r.decisions },
        { provide: StationAuthenticator, inject: [GateRuntime], useFactory: (r: GateRuntime) => r.authenticator },
      ],
    };
  }
}
