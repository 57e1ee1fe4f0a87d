import 'reflect-metadata';
import path from 'node:path';
import { DynamicModule, INestApplication, ParseUUIDPipe, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiProperty, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
// class-transformer's own metadata (its @Type decorators): the nested DTO classes.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { createGenerator } from 'ts-json-schema-generator';
import ts from 'typescript';
import { GateApiModule } from '../../apps/gate-api/src/gate-api.module';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { StaffApiModule } from '../../apps/staff-api/src/staff-api.module';
import { loadConfig, type AppConfig } from '@oc/config';
import { validatorSchemas, type DtoClass, type JsonSchema } from '../../libs/contracts/src/json-schema';
import { createLogger, OPENAPI_SECURITY, type Logger } from '@oc/observability';

/**
 * The OpenAPI documents of the three apps (docs/integration.md, "How the documents are made"), from
 * one source per shape:
 * - requests: the class-validator DTOs of libs/contracts, turned into JSON Schemas by
 *   class-validator-jsonschema (libs/contracts/src/json-schema.ts) and handed to @nestjs/swagger as
 *   @ApiProperty metadata, so that its scanner lays out the query, path and body parameters;
 * - answers: the TypeScript type each controller method declares it returns (the staff read models,
 *   GateDecisionResponse), turned into JSON Schemas by ts-json-schema-generator;
 * - errors: the error shapes of libs/contracts/src/http-errors.ts, attached per route by what the route
 *   can answer (see errorResponses).
 * Each app is created in Nest's preview mode: its modules and controllers are read, no provider is
 * built, so nothing connects to Postgres, Redis or Kafka.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const REF = '#/components/schemas/';
const VERSION = (require(path.join(ROOT, 'package.json')) as { version: string }).version;

export type OpenApiAppName = 'gate-api' | 'staff-api' | 'ingest';

interface AppSpec {
  title: string;
  description: string;
  module: (config: AppConfig, logger: Logger) => DynamicModule;
  /** The folders of the app's controllers (their return types are its answers). */
  controllerFiles: string[];
  security: (keyof typeof OPENAPI_SECURITY)[];
}

const OBSERVABILITY = ['libs/observability/src/health.ts', 'libs/observability/src/metrics.ts'];

const APPS: Record<OpenApiAppName, AppSpec> = {
  'gate-api': {
    title: 'overload-credit gate-api',
    description:
      'Entry-lane turn-back decisions (劝返判定, SPEC §4.6) for lane controllers. How to call it, time-outs and ' +
      'failure modes: docs/integration.md. Unknown query parameters are refused (400 VALIDATION_FAILED naming them).',
    module: (c, l) => GateApiModule.register(c, l),
    controllerFiles: ['apps/gate-api/src', ...OBSERVABILITY],
    security: ['stationKey'],
  },
  'staff-api': {
    title: 'overload-credit staff-api',
    description:
      'Review, publication, credit repair, due process, registries, audit, statistics (staff, JWT) and the ' +
      'public postings (失信公示, no authentication, rate-limited, CORS per PUBLIC_CORS_ORIGINS).',
    module: (c, l) => StaffApiModule.register(c, l),
    controllerFiles: ['apps/staff-api/src', ...OBSERVABILITY],
    security: ['staffJwt'],
  },
  ingest: {
    title: 'overload-credit ingest',
    description:
      'The consumer of weighing.events.v1 and the registries; over HTTP only its health and Prometheus metrics. ' +
      'Its topics are described by libs/contracts/asyncapi.yaml.',
    module: (c, l) => IngestModule.register(c, l),
    controllerFiles: ['apps/ingest/src', ...OBSERVABILITY],
    security: [],
  },
};

export const OPENAPI_APPS = Object.keys(APPS) as OpenApiAppName[];

/** Where `npm run contracts` writes an app's document (and the app serves it from). */
export const openApiFile = (app: OpenApiAppName): string => path.join(ROOT, 'openapi', `${app}.json`);

let dtosDocumented = false;
/** The DTOs' schemas as class-validator-jsonschema makes them: they replace Nest's rendering of the same class. */
let validatorDocumentSchemas: Record<string, JsonSchema> = {};

/**
 * Gives every class-validator DTO the @ApiProperty metadata its validators imply (own properties only;
 * inherited ones come through the prototype chain as Nest's scanner reads them).
 */
function documentDtos(): void {
  if (dtosDocumented) return;
  dtosDocumented = true;
  const schemas = (validatorDocumentSchemas = validatorSchemas(REF));
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<DtoClass, unknown[]> };
  for (const target of storage.validationMetadatas.keys()) {
    const schema = schemas[target.name];
    if (!schema) continue;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const own = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(target, '', true, false)
        .filter((m) => m.target === target)
        .map((m) => m.propertyName),
    );
    for (const [name, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      if (!own.has(name)) continue;
      const nested = defaultMetadataStorage.findTypeMetadata(target, name)?.typeFunction();
      // `schema` is taken as it is for a query or path parameter (Nest would map integer to number);
      // body models are replaced by the validators' own schemas (completeDocument).
      const options: Record<string, unknown> = nested
        ? { type: () => nested, isArray: property.type === 'array', description: property.description }
        : { ...property, schema: property };
      ApiProperty({ ...options, required: required.has(name) })(target.prototype, name);
    }
  }
}

/** An app's document as the generator makes it (sorted keys, so that a diff shows only real changes). */
export async function buildOpenApiDocument(name: OpenApiAppName): Promise<OpenAPIObject> {
  const spec = APPS[name];
  // The defaults of every setting: what a document describes does not depend on them.
  const config = loadConfig({
    NODE_ENV: 'development',
    STAFF_JWT_SECRET: 'openapi-generation-only-never-a-real-secret',
  });
  const logger = createLogger(name, 'silent');
  documentDtos();
  const module = spec.module(config, logger);
  const app: INestApplication = await NestFactory.create(module, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    const builder = new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle(spec.title)
      .setDescription(spec.description)
      .setVersion(VERSION)
      .setLicense('UNLICENSED', 'https://spdx.org/licenses/')
      .addServer('/', 'the app itself (gate-api GATE_PORT, staff-api STAFF_PORT, ingest INGEST_PORT)');
    for (const scheme of spec.security) builder.addSecurity(scheme, OPENAPI_SECURITY[scheme]);
    const document = SwaggerModule.createDocument(app, builder.build());
    describePipedParameters(document, (module.controllers ?? []) as Type[]);
    await completeDocument(document, spec);
    return sortKeys(document) as OpenAPIObject;
  } finally {
    await app.close();
  }
}

/**
 * A path parameter checked by a pipe instead of a DTO (`@Param('id', idParam())`): its schema is the
 * pipe's (ParseUUIDPipe: a UUID). Any other pipe fails the generation until it is described here.
 */
function describePipedParameters(document: OpenAPIObject, controllers: Type[]): void {
  const byOperation = new Map<string, Map<string, JsonSchema>>();
  for (const controller of controllers) {
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
        string,
        { data?: unknown; pipes?: unknown[] }
      >;
      for (const arg of Object.values(args)) {
        if (typeof arg.data !== 'string' || !arg.pipes?.length) continue;
        const schemas = arg.pipes.map((pipe) => {
          if (pipe instanceof ParseUUIDPipe) return { type: 'string', format: 'uuid' };
          throw new Error(`${controller.name}.${method}: no schema for the pipe of parameter ${arg.data}`);
        });
        const known = byOperation.get(`${controller.name}_${method}`) ?? new Map<string, JsonSchema>();
        known.set(arg.data, Object.assign({}, ...schemas));
        byOperation.set(`${controller.name}_${method}`, known);
      }
    }
  }
  for (const item of Object.values(document.paths))
    for (const operation of Object.values(item) as {
      operationId?: string;
      parameters?: { name: string; in: string; schema?: unknown }[];
    }[]) {
      const known = byOperation.get(operation.operationId ?? '');
      for (const parameter of operation.parameters ?? [])
        if (parameter.in === 'path' && known?.has(parameter.name)) parameter.schema = known.get(parameter.name);
    }
}

// ---------------------------------------------------------------------------------------------------
// Answers: the declared return types of the controller methods.

interface Answer {
  operationId: string;
  /** The TypeScript type of the answer, Promise unwrapped: a named type or Page<named type>. */
  type: ts.TypeNode;
  file: ts.SourceFile;
}

function controllerAnswers(files: string[], program: ts.Program): Map<string, Answer> {
  const answers = new Map<string, Answer>();
  for (const file of program.getSourceFiles()) {
    const relative = path.relative(ROOT, file.fileName);
    if (!files.some((f) => relative === f || relative.startsWith(`${f}/`))) continue;
    file.forEachChild(function visit(node) {
      if (ts.isClassDeclaration(node) && node.name && hasDecorator(node, 'Controller')) {
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
          if (!['Get', 'Post', 'Put', 'Patch', 'Delete'].some((d) => hasDecorator(member, d))) continue;
          if (!member.type) throw new Error(`${node.name.text}.${member.name.text} declares no return type`);
          let type: ts.TypeNode = member.type;
          if (ts.isTypeReferenceNode(type) && type.typeName.getText(file) === 'Promise') type = type.typeArguments![0]!;
          answers.set(`${node.name.text}_${member.name.text}`, {
            operationId: `${node.name.text}_${member.name.text}`,
            type,
            file,
          });
        }
      }
    });
  }
  return answers;
}

function hasDecorator(node: ts.HasDecorators, name: string): boolean {
  return (ts.getDecorators(node) ?? []).some((d) => {
    const e = d.expression;
    return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === name;
  });
}

/** The declaration (file, exported name) a type name of a controller refers to. */
function declarationOf(name: ts.EntityName, checker: ts.TypeChecker): { file: string; name: string } {
  let symbol = checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.[0];
  if (!symbol || !declaration) throw new Error(`cannot resolve the type ${name.getText()}`);
  return { file: declaration.getSourceFile().fileName, name: symbol.name };
}

const PRIMITIVES: Record<string, JsonSchema> = {
  string: { type: 'string' },
  void: {},
};

// ---------------------------------------------------------------------------------------------------

/** Response schemas, errors, components: the parts @nestjs/swagger's scanner does not know. */
async function completeDocument(document: OpenAPIObject, spec: AppSpec): Promise<void> {
  const program = ts.createProgram({
    rootNames: spec.controllerFiles
      .flatMap((f) =>
        ts.sys.readDirectory(path.join(ROOT, f), ['.ts']).concat(f.endsWith('.ts') ? [path.join(ROOT, f)] : []),
      )
      .filter((f) => !/\.(int-)?spec\.ts$/.test(f)),
    options: tsOptions(),
  });
  const checker = program.getTypeChecker();
  const answers = controllerAnswers(spec.controllerFiles, program);
  const models = new Map<string, { file: string; name: string }>();
  const schemaOf = (answer: Answer, node: ts.TypeNode): JsonSchema => {
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: schemaOf(answer, node.elementType) };
    const text = node.getText(answer.file);
    if (PRIMITIVES[text]) return PRIMITIVES[text]!;
    if (!ts.isTypeReferenceNode(node)) throw new Error(`${answer.operationId}: name the answer's type (${text})`);
    const target = declarationOf(node.typeName, checker);
    if (target.name === 'Page' && node.typeArguments?.length === 1) {
      return {
        type: 'object',
        description: 'SPEC §6: a page of a list',
        required: ['items', 'page', 'pageSize', 'total'],
        additionalProperties: false,
        properties: {
          items: { type: 'array', items: schemaOf(answer, node.typeArguments[0]!) },
          page: { type: 'integer', minimum: 1, description: '1-based' },
          pageSize: { type: 'integer', minimum: 1, maximum: 500 },
          total: { type: 'integer', minimum: 0 },
        },
      };
    }
    if (node.typeArguments?.length) throw new Error(`${answer.operationId}: a generic answer type (${text})`);
    models.set(target.name, target);
    return { $ref: `${REF}${target.name}` };
  };

  const errorModels = ['ErrorBody', 'ValidationErrorBody', 'ConflictErrorBody'];
  for (const name of errorModels)
    models.set(name, { file: path.join(ROOT, 'libs/contracts/src/http-errors.ts'), name });

  for (const [pathName, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const answer = answers.get(operation.operationId!);
      if (!answer) throw new Error(`no controller method for ${operation.operationId}`);
      const success = Object.keys(operation.responses).find((s) => /^2\d\d$/.test(s)) ?? '200';
      const response = (operation.responses[success] ??= { description: '' }) as {
        description: string;
        content?: Record<string, { schema: JsonSchema }>;
      };
      if (!response.description) response.description = operation.summary ?? 'OK';
      if (!response.content) {
        const schema = schemaOf(answer, answer.type);
        if (answer.type.getText(answer.file) === 'string') response.content = { 'text/plain': { schema } };
        else if (Object.keys(schema).length) response.content = { 'application/json': { schema } };
      }
      Object.assign(operation.responses, errorResponses(pathName, method, operation, spec));
    }
  }
  // Refs the controllers' own decorators name (e.g. the readiness report); the DTOs are Nest's already,
  // and replaced by their validators' own schemas (additionalProperties: false included).
  const schemas = (document.components ??= {}).schemas ?? {};
  for (const name of Object.keys(schemas))
    if (validatorDocumentSchemas[name]) schemas[name] = validatorDocumentSchemas[name] as never;
  JSON.stringify(document.paths, (key, value) => {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(REF)) {
      const name = value.slice(REF.length);
      if (!models.has(name) && !(name in schemas)) models.set(name, findModel(name, program, checker));
    }
    return value;
  });
  document.components.schemas = { ...schemas, ...(await modelSchemas([...models.values()])) } as never;
  pruneUnusedSchemas(document);
  const tags = new Set(
    Object.values(document.paths).flatMap((item) =>
      Object.values(item).flatMap((o) => (o as { tags?: string[] }).tags ?? []),
    ),
  );
  document.tags = [...tags].sort().map((name) => ({ name }));
}

function findModel(name: string, program: ts.Program, checker: ts.TypeChecker): { file: string; name: string } {
  for (const file of program.getSourceFiles()) {
    const symbol = checker.getSymbolAtLocation(file);
    const exported = symbol && checker.getExportsOfModule(symbol).find((s) => s.name === name);
    if (exported) return { file: file.fileName, name };
  }
  throw new Error(`no exported type ${name} for a $ref`);
}

function tsOptions(): ts.CompilerOptions {
  const { config } = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

/** JSON Schemas of named TypeScript types, their own references under components/schemas. */
async function modelSchemas(models: { file: string; name: string }[]): Promise<Record<string, JsonSchema>> {
  const files = [...new Set(models.map((m) => m.file))];
  const generator = createGenerator({
    path: files.length === 1 ? files[0] : `{${files.join(',')}}`,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    type: '*',
    expose: 'export',
    topRef: false,
    jsDoc: 'extended',
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
    strictTuples: true,
    encodeRefs: false,
  });
  const out: Record<string, JsonSchema> = {};
  for (const model of models) {
    const schema = generator.createSchema(model.name) as JsonSchema & { definitions?: Record<string, JsonSchema> };
    const { definitions = {}, $schema: _, ...own } = schema;
    for (const [name, definition] of Object.entries({ ...definitions, [model.name]: own })) {
      out[safeName(name)] = rewriteRefs(definition) as JsonSchema;
    }
  }
  return out;
}

const safeName = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string'
        ? `${REF}${safeName(decodeURIComponent(v.replace('#/definitions/', '')))}`
        : rewriteRefs(v),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------
// Errors: what each route can answer besides its success.

const errorRef = (name: string) => ({ 'application/json': { schema: { $ref: `${REF}${name}` } } });
const WWW_AUTHENTICATE = {
  'WWW-Authenticate': {
    description: 'RFC 6750 §3: Bearer, with error="invalid_request" (no key or token) or error="invalid_token"',
    schema: { type: 'string' },
  },
};
const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait (RFC 9110 §10.2.3)', schema: { type: 'integer' } },
};

type Operation = OpenAPIObject['paths'][string]['get'] & {};

function errorResponses(
  pathName: string,
  method: string,
  operation: Operation,
  spec: AppSpec,
): Record<string, unknown> {
  const declared = new Set(Object.keys(operation.responses));
  const out: Record<string, unknown> = {};
  const add = (status: number, description: string, body: string, extra: Record<string, unknown> = {}) => {
    const existing = operation.responses[status] as { description?: string } | undefined;
    out[status] = { description: existing?.description || description, content: errorRef(body), ...extra };
  };
  const hasInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
  if (hasInput) add(400, 'VALIDATION_FAILED: every refused field with its reason (details)', 'ValidationErrorBody');
  const secured = (operation.security ?? []).length > 0;
  if (secured) {
    add(401, 'UNAUTHORIZED: no, a malformed, wrong, revoked or expired credential', 'ErrorBody', {
      headers: WWW_AUTHENTICATE,
    });
    if (spec.security.includes('staffJwt'))
      add(403, 'FORBIDDEN (a role the route needs), OUT_OF_JURISDICTION or TWO_PERSON_RULE', 'ErrorBody');
  }
  if (operation.requestBody) {
    add(413, "PAYLOAD_TOO_LARGE: the body is over the app's limit", 'ErrorBody');
    add(415, 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json', 'ErrorBody');
  }
  const staff = spec.security.includes('staffJwt') && !pathName.startsWith('/health') && pathName !== '/metrics';
  if (staff && pathName.includes('{')) add(404, 'NOT_FOUND: nothing of that id (or plate, permit number)', 'ErrorBody');
  if (staff && method !== 'get')
    add(
      409,
      'STATE_CONFLICT or REPAIR_REFUSED: the state of what the request names does not allow it (details[].code)',
      'ConflictErrorBody',
    );
  if (staff)
    add(
      503,
      'QUERY_TIMEOUT: the database did not answer within STAFF_STATEMENT_TIMEOUT_MS; retry later or narrower',
      'ErrorBody',
    );
  for (const status of declared) {
    const code = Number(status);
    if (code === 409)
      add(409, 'STATE_CONFLICT: the state of what the request names does not allow it', 'ConflictErrorBody');
    else if (code === 429) add(429, 'TOO_MANY_REQUESTS', 'ErrorBody', { headers: RETRY_AFTER });
    else if (code >= 400 && !out[status]) add(code, 'error', 'ErrorBody');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

function pruneUnusedSchemas(document: OpenAPIObject): void {
  const schemas = document.components!.schemas as Record<string, unknown>;
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) {
        const name = v.slice(REF.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(v);
    }
  };
  visit(document.paths);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

function sortKeys(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value === null || typeof value !== 'object') return value;
  // Paths, properties and responses read best in their own order; the rest sorted.
  const keep = ['paths', 'properties'].includes(key);
  const entries = Object.entries(value).map(([k, v]) => [k, sortKeys(v, k)] as const);
  return Object.fromEntries(keep ? entries : entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The example lane controller's types (examples/gate-client), made by openapi-typescript from the gate's document. */
export const GATE_CLIENT_TYPES = path.join(ROOT, 'examples', 'gate-client', 'gate-api.d.ts');

/**
 * `npm run contracts`: the three documents with the files they belong in, and the example gate client's
 * types generated from the gate's document by an outside generator, as a vendor would generate them.
 */
export async function openApiGenerator(): Promise<{ file: string; content: string }[]> {
  const out: { file: string; content: string }[] = [];
  for (const app of OPENAPI_APPS) {
    const document = await buildOpenApiDocument(app);
    out.push({ file: openApiFile(app), content: `${JSON.stringify(document, null, 2)}\n` });
    if (app === 'gate-api') {
      const { default: openapiTS, astToString, COMMENT_HEADER } = await import('openapi-typescript');
      const ast = await openapiTS(document as never, { alphabetize: true });
      out.push({ file: GATE_CLIENT_TYPES, content: COMMENT_HEADER + astToString(ast) });
    }
  }
  return out;
}
