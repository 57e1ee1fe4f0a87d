import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@oc/config';
import { RedisModule, RedisProbe } from '@oc/cache';
import { KafkaModule, KafkaProbe } from '@oc/messaging';
import { ObservabilityModule, type Logger } from '@oc/observability';
import { DatabaseModule, PostgresProbe } from '@oc/persistence';

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
    };
  }
}
