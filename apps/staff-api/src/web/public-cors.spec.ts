import Fastify, { FastifyInstance } from 'fastify';
import { publicCors } from './public-cors';

async function server(setting: string): Promise<FastifyInstance> {
  const app = Fastify();
  publicCors(app, setting);
  app.get('/v1/public/postings', async () => ({ items: [] }));
  app.get('/v1/listings', async () => ({ items: [] }));
  await app.ready();
  return app;
}

describe('CORS of the public postings API (PUBLIC_CORS_ORIGINS)', () => {
  const page = 'https://postings.example.org';

  it('lets a configured origin read /v1/public/* and answers its preflight for GET', async () => {
    const app = await server(`${page},https://other.example.org`);
    const get = await app.inject({ url: '/v1/public/postings?plate=浙E1', headers: { origin: page } });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(page);
    expect(get.headers.vary).toBe('Origin');
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/public/postings',
      headers: { origin: page, 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, HEAD');
    await app.close();
  });

  it('refuses writes in a preflight, and says nothing to other origins or on staff paths', async () => {
    const app = await server(page);
    const write = await app.inject({
      method: 'OPTIONS',
      url: '/v1/public/postings',
      headers: { origin: page, 'access-control-request-method': 'DELETE' },
    });
    expect(write.statusCode).toBe(405);
    expect(write.headers['access-control-allow-methods']).toBeUndefined();
    const stranger = await app.inject({ url: '/v1/public/postings', headers: { origin: 'https://evil.example' } });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const staff = await app.inject({ url: '/v1/listings', headers: { origin: page } });
    expect(staff.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  it('with * lets any origin read, and with nothing set sends no CORS header at all', async () => {
    const any = await server('*');
    const res = await any.inject({ url: '/v1/public/postings', headers: { origin: 'https://a.example' } });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    await any.close();
    const none = await server('');
    const off = await none.inject({ url: '/v1/public/postings', headers: { origin: page } });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    await none.close();
  });
});
