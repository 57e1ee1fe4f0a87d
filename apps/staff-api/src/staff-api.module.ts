import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@oc/config';
import { RedisConnection, RedisModule, RedisProbe } from '@oc/cache';
import {
  AuditVerificationCache,
  AuditVerificationService,
  CreditRecountService,
  PersonalDataAccessService,
  staffTokenKey,
  staffTokenRules,
  ViolationActionsService,
} from '@oc/credit';
import { KafkaModule, KafkaProbe } from '@oc/messaging';
import { MetricsRegistry, ObservabilityModule, type Logger } from '@oc/observability';
import {
  AuditKeys,
  AuditLogRepository,
  CreditRepository,
  DatabaseConnection,
  DatabaseModule,
  OutboxRepository,
  PostgresProbe,
} from '@oc/persistence';
import { PersonalDataInterceptor } from './auth/personal-data.interceptor';
import { StaffAuthGuard, StaffTokenKeyProvider } from './auth/staff-auth.guard';
import { QUERY_CONTROLLERS, QUERY_PROVIDERS } from './controllers/query.controllers';
import { WORKFLOW_CONTROLLERS, WORKFLOW_PROVIDERS } from './controllers/workflow.controllers';
import { StaffMetrics } from './staff-metrics';

@Module({})
export class StaffApiModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: StaffApiModule,
      imports: [
        ConfigModule.forRoot(config),
        // The app role (docs/operations.md); a statement over STAFF_STATEMENT_TIMEOUT_MS is cancelled and
        // its request answers 503 QUERY_TIMEOUT, so a deep page never holds a connection for long.
        DatabaseModule.forRoot('staff-api', {
          role: 'app',
          connectionTimeoutMs: 5_000,
          statementTimeoutMs: config.STAFF_STATEMENT_TIMEOUT_MS,
          idleInTransactionTimeoutMs: 30_000,
        }),
        RedisModule.forRoot(),
        KafkaModule.forRoot('staff-api', logger),
        ObservabilityModule.forRoot([PostgresProbe, RedisProbe, KafkaProbe], {
          healthDetailsFrom: config.HEALTH_DETAILS_FROM,
        }),
      ],
      controllers: [...WORKFLOW_CONTROLLERS, ...QUERY_CONTROLLERS],
      providers: [
        {
          provide: StaffTokenKeyProvider,
          useValue: { key: staffTokenKey(config), rules: staffTokenRules(config) },
        },
        { provide: APP_GUARD, useClass: StaffAuthGuard },
        { provide: APP_INTERCEPTOR, useClass: PersonalDataInterceptor },
        PersonalDataAccessService,
        CreditRepository,
        { provide: AuditKeys, useValue: AuditKeys.fromConfig(config) },
        AuditLogRepository,
        AuditVerificationService,
        {
          provide: AuditVerificationCache,
          inject: [AuditVerificationService],
          useFactory: (verification: AuditVerificationService) =>
            new AuditVerificationCache(() => verification.verify(), config.AUDIT_VERIFICATION_CACHE_SECONDS * 1000),
        },
        {
          provide: StaffMetrics,
          inject: [MetricsRegistry, DatabaseConnection, RedisConnection, AuditVerificationCache],
          useFactory: (
            metrics: MetricsRegistry,
            db: DatabaseConnection,
            redis: RedisConnection,
            verification: AuditVerificationCache,
          ) => new StaffMetrics(config, metrics, db, redis, verification, logger),
        },
        OutboxRepository,
        CreditRecountService,
        ViolationActionsService,
        ...WORKFLOW_PROVIDERS,
        ...QUERY_PROVIDERS,
      ],
    };
  }
}
