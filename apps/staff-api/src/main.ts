import 'reflect-metadata';
import { auditHmacSecretsOrExit, loadConfigOrExit, syntheticCalendarWarning } from '@oc/config';
import { bootstrapHttpApp, createLogger, exitOnFatal, serveOpenApi } from '@oc/observability';
import { StaffApiModule } from './staff-api.module';
import { publicCors } from './web/public-cors';
import { serveWeb } from './web/serve-web';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('staff-api', config.LOG_LEVEL);
  const calendarWarning = syntheticCalendarWarning();
  if (calendarWarning) logger.warn(calendarWarning);
  // Staff actions append sealed audit entries, and /audit/verification checks the seals.
  if (auditHmacSecretsOrExit(config).development)
    logger.warn('AUDIT_HMAC_KEY is not set: audit entries are sealed with the published development key');
  if (!config.STAFF_JWT_SECRET && !config.STAFF_JWT_PUBLIC_KEY) {
    logger.warn('neither STAFF_JWT_SECRET nor STAFF_JWT_PUBLIC_KEY is set: every staff endpoint answers 401');
  }
  const app = await bootstrapHttpApp({
    name: 'staff-api',
    module: StaffApiModule.register(config, logger),
    port: config.STAFF_PORT,
    logger,
    bodyLimit: 256 * 1024,
    // Idle longer than any answer takes (STAFF_STATEMENT_TIMEOUT_MS bounds the queries).
    requestTimeoutMs: config.STAFF_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: 120_000,
    keepAliveTimeoutMs: 5_000,
    trustedProxies: config.TRUSTED_PROXIES,
    beforeListen: async (a) => {
      serveOpenApi(a, 'staff-api');
      publicCors(a.getHttpAdapter().getInstance(), config.PUBLIC_CORS_ORIGINS);
      await serveWeb(a, logger);
    },
  });
  exitOnFatal(logger, () => app);
}

void main();
