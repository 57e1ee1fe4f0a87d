import Fastify from 'fastify';

/**
 * Baseline for the gate benchmark: a bare Fastify 5 server whose /v1/gate/decision route returns a
 * constant answer of the gate's shape — no Nest, no guard, no validation, no Redis. It is what HTTP
 * alone costs on this machine with the same load generator, requests and connections; gate-api's
 * requests/s are reported as a share of it. Never used by the product.
 *
 * Environment: PORT.
 */
const ANSWER = {
  decision: 'ALLOW',
  reasons: [],
  listing: null,
  overKg: null,
  source: 'cache',
  decidedAt: '2026-01-01T00:00:00.000Z',
};

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/v1/gate/decision', async () => ANSWER);
  app.get('/health/ready', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.env.PORT ?? 3101), host: '127.0.0.1' });
  const stop = (): void => void app.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`bare fastify failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
