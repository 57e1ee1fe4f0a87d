import 'reflect-metadata';
import { loadConfigOrExit } from '@oc/config';
import { bootstrapHttpApp, createLogger, exitOnFatal } from '@oc/observability';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const app = await bootstrapHttpApp({
    name: 'ingest',
    module: IngestModule.register(config, logger),
    port: config.INGEST_PORT,
    logger,
  });
  exitOnFatal(logger, () => app);
}

void main();
