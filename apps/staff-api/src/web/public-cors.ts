import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The public, read-only API (SPEC §4.8): the only paths another origin's page may read. */
const PUBLIC_PATH = '/v1/public/';
const METHODS = 'GET, HEAD';

/**
 * CORS for the public postings API only (docs/integration.md, "CORS"): a page of an origin in
 * PUBLIC_CORS_ORIGINS (or any, with `*`) may GET /v1/public/*; a preflight asking for GET or HEAD is
 * answered 204. The staff endpoints never send CORS headers, so no other origin's page can read them
 * with a token it holds. A request elsewhere costs one prefix comparison.
 */
export function publicCors(fastify: FastifyInstance, setting: string): void {
  const any = setting.trim() === '*';
  const origins = new Set(
    setting
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );
  if (!any && origins.size === 0) return;
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!request.url.startsWith(PUBLIC_PATH)) return done();
    const origin = request.headers.origin;
    void reply.header('vary', 'Origin');
    if (origin === undefined || !(any || origins.has(origin))) return done();
    void reply.header('access-control-allow-origin', any ? '*' : origin);
    const asked = request.headers['access-control-request-method'];
    if (request.method === 'OPTIONS' && typeof asked === 'string') {
      if (!METHODS.split(', ').includes(asked.toUpperCase())) {
        void reply
          .status(405)
          .header('allow', METHODS)
          .send({
            error: { code: 'METHOD_NOT_ALLOWED', message: `the public API is read-only: ${METHODS}` },
          });
        return;
      }
      void reply
        .status(204)
        .header('access-control-allow-methods', METHODS)
        .header('access-control-max-age', '600')
        .send();
      return;
    }
    done();
  });
}
