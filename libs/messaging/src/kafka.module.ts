import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka, KafkaConfig, logLevel as KafkaLogLevel, LogEntry, SASLOptions } from 'kafkajs';
import { AppConfig } from '@oc/config';
import { HealthProbe } from '@oc/observability';
import type { Logger } from 'pino';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

type KafkaSettings = Pick<
  AppConfig,
  'KAFKA_BROKERS' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SSL'
>;

/**
 * Where the brokers are and who this process is to them: SASL/SCRAM with its own principal whenever
 * KAFKA_SASL_USERNAME is set (docs/kafka.md), TLS with KAFKA_SSL. Every Kafka client of the service
 * is built from this, so that no connection goes out unauthenticated by accident.
 */
export function kafkaConnectionConfig(config: KafkaSettings): Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  return {
    brokers: config.KAFKA_BROKERS.split(','),
    ssl: config.KAFKA_SSL,
    ...(username !== undefined && password !== undefined
      ? { sasl: { mechanism: config.KAFKA_SASL_MECHANISM, username, password } as SASLOptions }
      : {}),
  };
}

/** Builds the kafkajs client for one process, logging through pino. */
export function createKafka(config: AppConfig, clientId: string, logger?: Logger): Kafka {
  return new Kafka({
    clientId: `overload-credit-${clientId}`,
    ...kafkaConnectionConfig(config),
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
    private readonly settings: KafkaSettings,
  ) {}

  /** A cheap metadata round trip with a fresh, non-retrying admin client. */
  async ping(): Promise<void> {
    const admin = (this.probeAdmin ??= new Kafka({
      clientId: 'overload-credit-health',
      ...kafkaConnectionConfig(this.settings),
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
          useFactory: (config: AppConfig) => new KafkaConnection(createKafka(config, clientId, logger), config),
        },
        KafkaProbe,
      ],
      exports: [KafkaConnection, KafkaProbe],
    };
  }
}
