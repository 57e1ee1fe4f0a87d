import 'reflect-metadata';
import { loadConfigOrExit } from '@oc/config';
import { bootstrapHttpApp, createLogger, exitOnFatal } from '@oc/observability';
import { StaffApiModule } from './staff-api.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('staff-api', config.LOG_LEVEL);
  const app = await bootstrapHttpApp({
    name: 'staff-api',
    module: StaffApiModule.register(config, logger),
    port: config.STAFF_PORT,
    logger,
  });
  exitOnFatal(logger, () => app);
}

void main();
