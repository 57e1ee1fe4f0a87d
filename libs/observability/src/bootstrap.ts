import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import {
  createValidationPipe,
  FastPathValidationPipe,
  FastValidator,
  HttpErrorFilter,
  RouteTable,
} from './http-errors';
import { PinoNestLogger } from './logger';
import { addressMatcher } from './addresses';

export interface HttpAppOptions {
  name: string;
  module: Type<unknown> | DynamicModule;
  port: number;
  host?: string;
  logger: Logger;
  /** Largest accepted request body; larger bodies get 413. */
  bodyLimit?: number;
  /** Runs after the app is set up and before it listens (e.g. to register the OpenAPI route). */
  beforeListen?: (app: NestFastifyApplication) => void | Promise<void>;
  /**
   * Socket bounds (docs/security.md): the whole request must arrive within `requestTimeoutMs`; a socket
   * idle for `connectionTimeoutMs` is closed, and a kept-alive one after `keepAliveTimeoutMs`.
   */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** TRUSTED_PROXIES: whose X-Forwarded-For is believed (default loopback). */
  trustedProxies?: string;
  /** Fast validators of hot routes' DTOs, by DTO class (see FastPathValidationPipe). */
  fastValidators?: ReadonlyMap<unknown, FastValidator>;
}

/**
 * Starts a Fastify-based Nest app with JSON logs and graceful shutdown: on SIGTERM/SIGINT Nest stops
 * accepting requests, runs every shutdown hook (consumers finish their batch, connections close), exits.
 */
export async function bootstrapHttpApp(options: HttpAppOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    options.module,
    // X-Forwarded-For is believed only from TRUSTED_PROXIES (default: a reverse proxy on this host), so
    // a client cannot spoof its address around the public rate limit.
    new FastifyAdapter({
      bodyLimit: options.bodyLimit ?? 1024 * 1024,
      trustProxy: trustedProxy(options.trustedProxies ?? 'loopback'),
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      connectionTimeout: options.connectionTimeoutMs ?? 120_000,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
      // Node checks the request timeout of open connections every 30 s by default: far too coarse for
      // the gate's 2 s (node:http connectionsCheckingInterval).
      http: { connectionsCheckingInterval: Math.max(100, Math.min(1000, (options.requestTimeoutMs ?? 30_000) / 4)) },
      // Errors the router raises before Nest sees the request (a path parameter over 100 characters,
      // a malformed URL) get the SPEC §6 error shape too, as 400s: they are invalid input.
      frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => {
        void reply.status(400).send({
          error: {
            code: 'VALIDATION_FAILED',
            message: error.message,
            details: [{ field: '(path)', message: error.message }],
          },
        });
      },
    }),
    { logger: new PinoNestLogger(options.logger), bufferLogs: false },
  );
  // Every route as it is registered, for the 405 of a wrong method (read only on requests no route matched).
  const routes = new RouteTable();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => routes.add(route.method, route.url ?? route.path));
  app.useGlobalFilters(new HttpErrorFilter(options.name, routes));
  app.useGlobalPipes(
    options.fastValidators ? new FastPathValidationPipe(options.fastValidators) : createValidationPipe(),
  );
  stopOnSignals(app, options.logger);
  await options.beforeListen?.(app);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  options.logger.info({ port: options.port }, `${options.name} listening`);
  return app;
}

/** Fastify's trustProxy as a function of the hop's address (node:net BlockList, libs/observability/src/addresses.ts). */
function trustedProxy(list: string): (address: string, hop: number) => boolean {
  const trusted = addressMatcher(list);
  return (address) => trusted(address);
}

/**
 * Graceful shutdown: the first SIGTERM/SIGINT closes the app (shutdown hooks run: consumers finish the
 * batch in hand, connections close) and exits 0; a second signal, or 20 s, forces the exit.
 */
export function stopOnSignals(app: INestApplication, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20000).unref();
    app
      .close()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Logs and exits on an error nothing else handled, instead of running on in an unknown state. */
export function exitOnFatal(logger: Logger, app?: () => INestApplication | undefined): void {
  const fatal = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, `${kind}; exiting`);
    void app?.()
      ?.close()
      .finally(() => process.exit(1));
    setTimeout(() => process.exit(1), 5000).unref();
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
}
