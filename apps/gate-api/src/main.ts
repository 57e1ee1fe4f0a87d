import 'reflect-metadata';
import { loadConfigOrExit } from '@oc/config';
import { fastGateDecisionQuery, GateDecisionQueryDto } from '@oc/contracts';
import { bootstrapHttpApp, createLogger, exitOnFatal, serveOpenApi } from '@oc/observability';
import { GateApiModule } from './gate-api.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('gate-api', config.LOG_LEVEL);
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
    beforeListen: (a) => void serveOpenApi(a, 'overload-credit gate-api', 'Entry-lane turn-back decisions (SPEC §4.6)'),
  });
  exitOnFatal(logger, () => app);
}

void main();
