import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { Body, Controller, Get, HttpStatus, Module, Param, Post, Headers } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import { DomainError, DomainErrorCode } from '@oc/domain';
import { bootstrapHttpApp } from './bootstrap';
import { ApiError, unauthorized } from './http-errors';
import { createLogger } from './logger';

class ThingDto {
  @IsString()
  name!: string;
}

@Controller('things')
class ThingsController {
  @Get(':id')
  one(@Param('id') id: string, @Headers('authorization') authorization?: string): { id: string } {
    if (authorization === undefined) throw unauthorized('Authorization: Bearer <key> is required', 'missing');
    if (authorization !== 'Bearer right') throw unauthorized('Unknown or revoked key', 'invalid_token');
    return { id };
  }

  @Post()
  create(@Body() body: ThingDto): { name: string } {
    if (body.name === 'taken')
      throw new DomainError(DomainErrorCode.REPAIR_REFUSED, 'refused', [
        { field: 'NOT_ALL_PROCESSED', message: 'violation v1 is not processed' },
      ]);
    if (body.name === 'conflict') throw new ApiError(HttpStatus.CONFLICT, 'STATE_CONFLICT', 'conflict');
    return body;
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

// The HTTP conventions every app shares (docs/integration.md, "HTTP conventions").
describe('HTTP conventions of bootstrapHttpApp', () => {
  let app: NestFastifyApplication;
  let url: string;
  beforeAll(async () => {
    app = await bootstrapHttpApp({
      name: 'conventions-test',
      module: ThingsModule,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('conventions-test', 'silent'),
    });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const json = async (res: Response) => ({
    status: res.status,
    body: (await res.json()) as { error: Record<string, unknown> },
  });

  it('answers a wrong method on a known path with 405 and Allow, an unknown path with 404', async () => {
    const wrong = await fetch(`${url}/things/7`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    const post = await fetch(`${url}/things/7`, { method: 'POST' });
    expect(post.status).toBe(405);
    const list = await fetch(`${url}/things`, { method: 'GET' });
    expect(list.status).toBe(405);
    expect(list.headers.get('allow')).toBe('POST');
    const unknown = await fetch(`${url}/nothing/here`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('allow')).toBeNull();
  });

  it('sends WWW-Authenticate with every 401 (RFC 6750 §3: no error code without credentials)', async () => {
    const missing = await fetch(`${url}/things/7`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="conventions-test"');
    const wrong = await fetch(`${url}/things/7`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe(
      'Bearer realm="conventions-test", error="invalid_token", error_description="Unknown or revoked key"',
    );
    expect((await fetch(`${url}/things/7`, { headers: { authorization: 'Bearer right' } })).status).toBe(200);
  });

  it('names the body in the details of a malformed JSON body', async () => {
    const res = await json(
      await fetch(`${url}/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":',
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ field: '(body)', message: expect.stringContaining('JSON') }]);
    const empty = await json(
      await fetch(`${url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }),
    );
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toEqual([{ field: '(body)', message: expect.any(String) }]);
  });

  it('gives each 409 detail a code of its own, and keeps field for older readers', async () => {
    const post = (name: string) =>
      fetch(`${url}/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      }).then(json);
    expect(await post('taken')).toEqual({
      status: 409,
      body: {
        error: {
          code: 'REPAIR_REFUSED',
          message: 'refused',
          details: [
            { code: 'NOT_ALL_PROCESSED', field: 'NOT_ALL_PROCESSED', message: 'violation v1 is not processed' },
          ],
        },
      },
    });
    expect(await post('conflict')).toEqual({
      status: 409,
      body: { error: { code: 'STATE_CONFLICT', message: 'conflict' } },
    });
  });
});
