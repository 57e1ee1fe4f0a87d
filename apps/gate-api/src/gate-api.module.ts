import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@oc/config';
import { RedisModule, RedisProbe } from '@oc/cache';
import { KafkaModule, KafkaProbe } from '@oc/messaging';
import { ObservabilityModule, type Logger } from '@oc/observability';
import { DatabaseModule, PostgresProbe } from '@oc/persistence';

@Module({})
export class GateApiModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: GateApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot('gate-api'),
        RedisModule.forRoot(),
        KafkaModule.forRoot('gate-api', logger),
        ObservabilityModule.forRoot([PostgresProbe, RedisProbe, KafkaProbe]),
      ],
    };
  }
}
