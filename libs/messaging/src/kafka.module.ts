import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka, logLevel as KafkaLogLevel, LogEntry } from 'kafkajs';
import { AppConfig } from '@oc/config';
import { HealthProbe } from '@oc/observability';
import type { Logger } from 'pino';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** Builds the kafkajs client for one process, logging through pino. */
export function createKafka(config: AppConfig, clientId: string, logger?: Logger): Kafka {
  return new Kafka({
    clientId: `overload-credit-${clientId}`,
    brokers: config.KAFKA_BROKERS.split(','),
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log, namespace }: LogEntry) => {
        const { message, ...rest } = log;
        logger?.[LEVELS[level] ?? 'info']({ kafka: namespace, ...rest }, message);
      },
  });
}

@Injectable()
export class KafkaConnection implements OnApplicationShutdown {
  private probeAdmin?: Admin;
  constructor(
    readonly kafka: Kafka,
    private readonly brokers: string,
  ) {}

  /** A cheap metadata round trip with a fresh, non-retrying admin client. */
  async ping(): Promise<void> {
    const admin = (this.probeAdmin ??= new Kafka({
      clientId: 'overload-credit-health',
      brokers: this.brokers.split(','),
      connectionTimeout: 1000,
      requestTimeout: 1500,
      retry: { retries: 0 },
      logLevel: KafkaLogLevel.NOTHING,
    }).admin());
    try {
      await admin.connect();
      await admin.describeCluster();
    } catch (error) {
      this.probeAdmin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probeAdmin?.disconnect().catch(() => undefined);
  }
}

@Injectable()
export class KafkaProbe extends HealthProbe {
  readonly name = 'kafka';
  constructor(private readonly kafka: KafkaConnection) {
    super();
  }
  check(): Promise<void> {
    return this.kafka.ping();
  }
}

export const KAFKA_LOGGER = Symbol('KAFKA_LOGGER');

@Global()
@Module({})
export class KafkaModule {
  static forRoot(clientId: string, logger?: Logger): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KafkaConnection,
          inject: [AppConfig],
          useFactory: (config: AppConfig) =>
            new KafkaConnection(createKafka(config, clientId, logger), config.KAFKA_BROKERS),
        },
        KafkaProbe,
      ],
      exports: [KafkaConnection, KafkaProbe],
    };
  }
}
