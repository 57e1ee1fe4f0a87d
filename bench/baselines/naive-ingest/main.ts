import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { logLevel, Partitioners } from 'kafkajs';
import { loadConfigOrExit } from '@oc/config';
import { kafkaConnectionConfig } from '@oc/messaging';
import { NaiveIngestModule } from './naive-ingest.module';

/**
 * The naive ingest baseline (bench/README.md): the straightforward NestJS way — the built-in
 * `@nestjs/microservices` Kafka server with its defaults (eachMessage, auto-commit), `@EventPattern`,
 * TypeORM repositories. Never used by the product; the benchmark measures ingest against it.
 * Configured with the product's variables (SPEC §7): KAFKA_BROKERS, KAFKA_GROUP_ID, TOPIC_PREFIX,
 * DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, KAFKA_SASL_*.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NaiveIngestModule.register(config), {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'naive-ingest', ...kafkaConnectionConfig(config), logLevel: logLevel.WARN },
      consumer: { groupId: config.KAFKA_GROUP_ID },
      producer: { createPartitioner: Partitioners.DefaultPartitioner },
      subscribe: { fromBeginning: true },
      // Use the group id as given (Nest appends "-server" by default).
      postfixId: '',
    },
    logger: ['warn', 'error'],
  });
  app.enableShutdownHooks();
  await app.listen();
}

void main();
