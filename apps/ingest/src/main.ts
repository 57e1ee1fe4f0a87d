import 'reflect-metadata';
import { AppConfig, auditHmacSecretsOrExit, loadConfigOrExit, syntheticCalendarWarning } from '@oc/config';
import { TOPIC, topics } from '@oc/contracts';
import { KafkaBatchServer, KafkaConnection } from '@oc/messaging';
import { bootstrapHttpApp, createLogger, exitOnFatal, serveOpenApi } from '@oc/observability';
import { IngestModule } from './ingest.module';
import { IngestRuntime } from './ingest-runtime.service';

async function main(config: AppConfig = loadConfigOrExit()): Promise<void> {
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const calendarWarning = syntheticCalendarWarning();
  if (calendarWarning) logger.warn(calendarWarning);
  // Ingest seals audit entries and anchors the chain: without AUDIT_HMAC_KEY it does not start.
  if (auditHmacSecretsOrExit(config).development)
    logger.warn('AUDIT_HMAC_KEY is not set: audit entries are sealed with the published development key');
  // Health and metrics answer from the start; the consumer joins once Kafka and Postgres are there.
  const app = await bootstrapHttpApp({
    name: 'ingest',
    module: IngestModule.register(config, logger),
    port: config.INGEST_PORT,
    logger,
    // Health and metrics only.
    requestTimeoutMs: 10_000,
    connectionTimeoutMs: 60_000,
    trustedProxies: config.TRUSTED_PROXIES,
    beforeListen: (a) => serveOpenApi(a, 'ingest'),
  });
  exitOnFatal(logger, () => app);
  await app.get(IngestRuntime).prepare();
  const names = topics(config.TOPIC_PREFIX);
  // Not inheritAppConfig: the HTTP validation pipe and error filter are not for Kafka batches.
  app.connectMicroservice({
    strategy: new KafkaBatchServer({
      kafka: app.get(KafkaConnection).kafka,
      groupId: config.KAFKA_GROUP_ID,
      topics: {
        [names.weighingEvents]: TOPIC.weighingEvents,
        [names.gateDecisions]: TOPIC.gateDecisions,
        [names.registryStations]: TOPIC.registryStations,
        [names.registryVehicles]: TOPIC.registryVehicles,
        [names.registryPermits]: TOPIC.registryPermits,
        [names.noticeReceipts]: TOPIC.noticeReceipts,
      },
      onError: (error, attempt, topic, partition) =>
        logger.warn({ err: error, attempt, topic, partition }, 'batch failed; retrying without committing'),
    }),
  });
  await app.startAllMicroservices();
  logger.info(
    {
      topics: [
        names.weighingEvents,
        names.gateDecisions,
        names.registryStations,
        names.registryVehicles,
        names.registryPermits,
        names.noticeReceipts,
      ],
      group: config.KAFKA_GROUP_ID,
    },
    'consuming',
  );
}

void main();
