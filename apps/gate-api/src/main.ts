import 'reflect-metadata';
import { loadConfigOrExit } from '@oc/config';
import { bootstrapHttpApp, createLogger, exitOnFatal } from '@oc/observability';
import { GateApiModule } from './gate-api.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('gate-api', config.LOG_LEVEL);
  const app = await bootstrapHttpApp({
    name: 'gate-api',
    module: GateApiModule.register(config, logger),
    port: config.GATE_PORT,
    logger,
  });
  exitOnFatal(logger, () => app);
}

void main();
