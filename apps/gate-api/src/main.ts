import 'reflect-metadata';
import { loadConfigOrExit, syntheticCalendarWarning } from '@oc/config';
import { fastGateDecisionQuery, GateDecisionQueryDto } from '@oc/contracts';
import { bootstrapHttpApp, createLogger, exitOnFatal, serveOpenApi } from '@oc/observability';
import { GateApiModule } from './gate-api.module';
import { GateRuntime } from './gate-runtime';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('gate-api', config.LOG_LEVEL);
  const calendarWarning = syntheticCalendarWarning();
  if (calendarWarning) logger.warn(calendarWarning);
  const app = await bootstrapHttpApp({
    name: 'gate-api',
    module: GateApiModule.register(config, logger),
    port: config.GATE_PORT,
    logger,
    bodyLimit: 16 * 1024,
    // A lane controller sends one query string and keeps its connection (docs/security.md).
    requestTimeoutMs: config.GATE_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: 30_000,
    keepAliveTimeoutMs: 25_000,
    trustedProxies: config.TRUSTED_PROXIES,
    fastValidators: new Map([[GateDecisionQueryDto, fastGateDecisionQuery]]),
    beforeListen: async (a) => {
      serveOpenApi(a, 'gate-api');
      // Every active station key before the first lane asks (docs/operations.md, Gate); with Postgres
      // away the gate listens anyway and keys that cannot be checked get GATE_FAILURE_MODE's answer.
      // A hanging Postgres holds the start for 2 s at most.
      const loaded = await Promise.race([
        a.get(GateRuntime).authenticator.start(),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
      ]);
      if (!loaded)
        logger.warn('station keys could not be loaded from Postgres yet; retrying every GATE_KEY_REFRESH_SECONDS');
    },
  });
  exitOnFatal(logger, () => app);
}

void main();
