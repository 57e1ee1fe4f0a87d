import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { ApiBearerAuth, type SecuritySchemeObject } from '@nestjs/swagger';

/**
 * The security schemes the documents publish (SPEC §4.8). Controllers name them with
 * StationKeyAuth() / StaffJwtAuth(); `npm run contracts` declares them in the document.
 */
export const OPENAPI_SECURITY = {
  stationKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'opaque',
    description:
      'The station key: `Authorization: Bearer ocst_…` (ocst_ and 32 characters), issued once per station by ' +
      '`overload-credit station:add` and revoked by `station:revoke`. An opaque secret, not a JWT: it carries no ' +
      'claims and is checked against the stored hashes. Repeated wrong keys from one address are throttled (429).',
  },
  staffJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A staff JSON Web Token (SPEC §4.8): HS256 under STAFF_JWT_SECRET or RS256 under STAFF_JWT_PUBLIC_KEY (no ' +
      'other algorithm, no "none"). Claims: `sub` (the staff member; "system", "cli:*" and station ids are ' +
      'reserved), `roles` (a non-empty subset of OFFICER, LEGAL_REVIEWER, REPAIR_REVIEWER, ADMIN), `regions` ' +
      '(optional: administrative division-code prefixes of the jurisdiction; absent = the whole city), `name` ' +
      '(optional, shown in the console), `iat` and `exp` (required; exp at most STAFF_TOKEN_MAX_HOURS, 12, after ' +
      'iat), `nbf` (honoured), `iss` / `aud` (checked when STAFF_JWT_ISSUER / STAFF_JWT_AUDIENCE are set); 30 s ' +
      'of clock leeway. `overload-credit token:issue --sub --roles` issues one.',
  },
} as const satisfies Record<string, SecuritySchemeObject>;

/** GET /v1/gate/decision: the station key. */
export const StationKeyAuth = (): ClassDecorator & MethodDecorator => ApiBearerAuth('stationKey');
/** Staff endpoints: the staff JWT. */
export const StaffJwtAuth = (): ClassDecorator & MethodDecorator => ApiBearerAuth('staffJwt');

/** A schema reference to a named type that `npm run contracts` generates (a response model). */
export const modelRef = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/** The repository root (where openapi/ is), from this file in libs/ or in dist/libs/. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'openapi'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no openapi/ folder above ${__dirname}: run npm run contracts`);
    dir = parent;
  }
  return dir;
}

/**
 * Serves the app's OpenAPI document at GET /openapi.json (SPEC §6): the file `npm run contracts`
 * generated (openapi/<app>.json), read once at start. What the app serves is what vendors download
 * from the repository, and a test fails when the file and the code differ.
 */
export function serveOpenApi(app: INestApplication, name: 'gate-api' | 'staff-api' | 'ingest'): void {
  const body = readFileSync(path.join(repositoryRoot(), 'openapi', `${name}.json`));
  app
    .getHttpAdapter()
    .get('/openapi.json', (_req: unknown, reply: { header(k: string, v: string): { send(b: unknown): void } }) =>
      reply.header('content-type', 'application/json; charset=utf-8').send(body),
    );
}
