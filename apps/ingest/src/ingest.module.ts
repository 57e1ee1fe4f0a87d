import { DynamicModule, Module } from '@nestjs/common';
import { RedisModule, RedisProbe, TurnBackCache } from '@oc/cache';
import { AppConfig, ConfigModule } from '@oc/config';
import {
  AuditAnchorService,
  CacheRebuildService,
  CreditRecountService,
  IngestProducer,
  CompanyCreditService,
  CreditSchedulerService,
  PermitReclassificationService,
  RegistryIngestService,
  NoticeServiceService,
  NoticeReceiptIngestService,
  RegistryUpdateService,
  TurnBackRecordService,
  WeighingIngestService,
} from '@oc/credit';
import { KafkaModule, KafkaProbe } from '@oc/messaging';
import { ObservabilityModule, type Logger } from '@oc/observability';
import {
  AuditKeys,
  AuditLogRepository,
  CreditRepository,
  DatabaseModule,
  OutboxRepository,
  PostgresProbe,
  RegistryRepository,
  WeighingRepository,
} from '@oc/persistence';
import { IngestMetrics } from './ingest-metrics';
import { INGEST_LOGGER, IngestRuntime } from './ingest-runtime.service';
import { NoticeReceiptsController } from './notice-receipts.controller';
import { RegistryEventsController } from './registry-events.controller';
import { WeighingEventsController } from './weighing-events.controller';

@Module({})
export class IngestModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        ConfigModule.forRoot(config),
        // The app role (docs/operations.md). A background worker: it may wait for a connection while
        // Postgres restarts; a transaction left idle would hold its locks against the next batch.
        DatabaseModule.forRoot('ingest', {
          role: 'app',
          connectionTimeoutMs: 10_000,
          idleInTransactionTimeoutMs: 60_000,
        }),
        RedisModule.forRoot(),
        KafkaModule.forRoot('ingest', logger),
        ObservabilityModule.forRoot([PostgresProbe, RedisProbe, KafkaProbe], {
          healthDetailsFrom: config.HEALTH_DETAILS_FROM,
        }),
      ],
      controllers: [WeighingEventsController, RegistryEventsController, NoticeReceiptsController],
      providers: [
        { provide: INGEST_LOGGER, useValue: logger },
        WeighingRepository,
        CreditRepository,
        { provide: AuditKeys, useValue: AuditKeys.fromConfig(config) },
        AuditLogRepository,
        AuditAnchorService,
        OutboxRepository,
        TurnBackCache,
        CreditRecountService,
        WeighingIngestService,
        RegistryRepository,
        PermitReclassificationService,
        RegistryUpdateService,
        RegistryIngestService,
        NoticeServiceService,
        NoticeReceiptIngestService,
        TurnBackRecordService,
        CompanyCreditService,
        CreditSchedulerService,
        CacheRebuildService,
        IngestRuntime,
        { provide: IngestProducer, useExisting: IngestRuntime },
        IngestMetrics,
      ],
    };
  }
}
