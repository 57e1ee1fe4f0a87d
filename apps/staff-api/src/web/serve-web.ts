import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@oc/observability';

/** `vite build` writes the pages next to the compiled app: dist/apps/staff-api/web (apps/staff-api/web). */
export const WEB_ROOT = path.resolve(__dirname, '..', '..', 'web');

/**
 * Scripts only from this origin, no inline script, no framing; images from anywhere over http(s)
 * because evidence photos live on the stations' own image servers.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the staff console at /console/ and the public postings page at /postings/, with
 * their hashed assets under /assets/. Only the files that exist at start are routed (no wildcard), so
 * every other path still reaches the API's own 404. `/` leads to the console.
 */
export async function serveWeb(app: NestFastifyApplication, logger: Logger, root = WEB_ROOT): Promise<void> {
  if (!existsSync(path.join(root, 'console', 'index.html'))) {
    logger.warn({ root }, 'the console is not built (npm run build): /console/ and /postings/ answer 404');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    redirect: true,
    index: ['index.html'],
    // The .br and .gz copies `vite build` writes beside each file (apps/staff-api/web/vite.config.mts).
    preCompressed: true,
    globIgnore: ['**/*.br', '**/*.gz'],
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders: (reply: FastifyReply, file: string) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      if (file.includes(`${path.sep}assets${path.sep}`)) {
        // Vite names assets by content hash: a changed file has a new name.
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      } else {
        reply.header('cache-control', 'no-cache');
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        reply.header('x-frame-options', 'DENY');
      }
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/', (_request, reply) => reply.redirect('/console/', 302));
  logger.info({ root }, 'serving the staff console at /console/ and the public postings at /postings/');
}
