import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@oc/config';
import { RedisModule, RedisProbe } from '@oc/cache';
import { KafkaModule, KafkaProbe } from '@oc/messaging';
import { ObservabilityModule, type Logger } from '@oc/observability';
import { DatabaseModule, PostgresProbe } from '@oc/persistence';

@Module({})
export class IngestModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot('ingest'),
        RedisModule.forRoot(),
        KafkaModule.forRoot('ingest', logger),
        ObservabilityModule.forRoot([PostgresProbe, RedisProbe, KafkaProbe]),
      ],
    };
  }
}
