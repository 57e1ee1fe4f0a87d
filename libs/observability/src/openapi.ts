import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Serves the app's OpenAPI document at GET /openapi.json (SPEC §6). */
export function serveOpenApi(app: INestApplication, title: string, description: string): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(title).setDescription(description).setVersion('1.0.0').addBearerAuth().build(),
  );
  const adapter = app.getHttpAdapter();
  adapter.get('/openapi.json', (_req: unknown, reply: { header(k: string, v: string): { send(b: unknown): void } }) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(document),
  );
  return document;
}
