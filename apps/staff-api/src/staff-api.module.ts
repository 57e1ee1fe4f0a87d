import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@oc/config';
import { RedisModule, RedisProbe } from '@oc/cache';
import { CreditRecountService, staffTokenKey, staffTokenRules, ViolationActionsService } from '@oc/credit';
import { KafkaModule, KafkaProbe } from '@oc/messaging';
import { ObservabilityModule, type Logger } from '@oc/observability';
import { AuditLogRepository, CreditRepository, DatabaseModule, OutboxRepository, PostgresProbe } from '@oc/persistence';
import { StaffAuthGuard, StaffTokenKeyProvider } from './auth/staff-auth.guard';
import { QUERY_CONTROLLERS, QUERY_PROVIDERS } from './controllers/query.controllers';
import { WORKFLOW_CONTROLLERS, WORKFLOW_PROVIDERS } from './controllers/workflow.controllers';

@Module({})
export class StaffApiModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: StaffApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot('staff-api'),
        RedisModule.forRoot(),
        KafkaModule.forRoot('staff-api', logger),
        ObservabilityModule.forRoot([PostgresProbe, RedisProbe, KafkaProbe]),
      ],
      controllers: [...WORKFLOW_CONTROLLERS, ...QUERY_CONTROLLERS],
      providers: [
        {
          provide: StaffTokenKeyProvider,
          useValue: { key: staffTokenKey(config), rules: staffTokenRules(config) },
        },
        { provide: APP_GUARD, useClass: StaffAuthGuard },
        CreditRepository,
        AuditLogRepository,
        OutboxRepository,
        CreditRecountService,
        ViolationActionsService,
        ...WORKFLOW_PROVIDERS,
        ...QUERY_PROVIDERS,
      ],
    };
  }
}
