import {
  ArgumentMetadata,
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainErrorCode, isDomainError } from '@oc/domain';

/** Domain error codes → HTTP (STYLE: one mapping per transport; the domain knows no HTTP). */
const STATUS_BY_DOMAIN_CODE: Record<DomainErrorCode, { status: number; code: string }> = {
  [DomainErrorCode.INVALID_ARGUMENT]: { status: 400, code: 'VALIDATION_FAILED' },
  [DomainErrorCode.INVALID_TRANSITION]: { status: 409, code: 'STATE_CONFLICT' },
  [DomainErrorCode.TWO_PERSON_RULE]: { status: 403, code: 'TWO_PERSON_RULE' },
  [DomainErrorCode.REPAIR_REFUSED]: { status: 409, code: 'REPAIR_REFUSED' },
  [DomainErrorCode.NOT_FOUND]: { status: 404, code: 'NOT_FOUND' },
  [DomainErrorCode.OUT_OF_JURISDICTION]: { status: 403, code: 'OUT_OF_JURISDICTION' },
};

export interface FieldError {
  field: string;
  message: string;
}

/** The one error shape of SPEC §6: { error: { code, message, details? } }. */
export class ApiError extends HttpException {
  /** A 401's challenge (RFC 6750 §3.1): no credentials at all, a malformed request, a wrong token. */
  challenge?: BearerChallenge;

  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status);
  }
}

/** RFC 6750 §3.1: `missing` (no credentials: no error code), `invalid_request`, `invalid_token`. */
export type BearerChallenge = 'missing' | 'invalid_request' | 'invalid_token';

/** 401 UNAUTHORIZED; the error filter adds `WWW-Authenticate: Bearer …` with the challenge. */
export function unauthorized(message: string, challenge: BearerChallenge): ApiError {
  const error = new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHORIZED', message);
  error.challenge = challenge;
  return error;
}

/** `WWW-Authenticate` of a 401 (RFC 6750 §3): the realm is the app; quotes and controls dropped from the text. */
export function bearerChallenge(realm: string, challenge: BearerChallenge, description: string): string {
  if (challenge === 'missing') return `Bearer realm="${realm}"`;
  const text = description.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '');
  return `Bearer realm="${realm}", error="${challenge}", error_description="${text}"`;
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The app's routes by path pattern, to answer a wrong method with 405 and `Allow` (RFC 9110 §15.5.6).
 * Filled by Fastify's onRoute hook at start; read only for requests no route matched (404s), so a
 * matched request does no work here.
 */
export class RouteTable {
  private readonly routes: { method: string; pattern: RegExp }[] = [];

  add(method: string | string[], url: string): void {
    const source = url
      .split('/')
      .map((part) =>
        part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    const pattern = new RegExp(`^${source}/?$`);
    for (const m of Array.isArray(method) ? method : [method]) this.routes.push({ method: m.toUpperCase(), pattern });
  }

  /** The methods some route answers at this path ('' when none). */
  allowed(url: string): string {
    const path = url.split('?')[0]!;
    const methods = new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    return METHOD_ORDER.filter((m) => methods.has(m)).join(', ');
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    return [
      ...Object.values(e.constraints ?? {}).map((message) => ({ field, message })),
      ...flattenValidationErrors(e.children ?? [], field),
    ];
  });
}

/**
 * The paths of the strings (and object keys) of a parsed request part that hold a NUL byte (U+0000):
 * no text column stores one (Postgres refuses it, SQLSTATE 22021), so the request is refused at the
 * edge, naming the field, before any handler or query sees it. Paths as the validation errors name them.
 */
export function nulBytePaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulBytePaths(v, path ? `${path}.${i}` : String(i)));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => {
      const p = path ? `${path}.${key}` : key;
      return [...(key.includes('\u0000') ? [p] : []), ...nulBytePaths(v, p)];
    });
  }
  return [];
}

/** A NUL byte anywhere in the body, the query or a path parameter: 400 naming each field. */
function refuseNulBytes(value: unknown, metadata: ArgumentMetadata): void {
  if (metadata.type === 'custom') return;
  const paths = nulBytePaths(value);
  if (paths.length === 0) return;
  throw new ApiError(
    HttpStatus.BAD_REQUEST,
    'VALIDATION_FAILED',
    'The request is not valid',
    paths.map((p) => ({ field: p || metadata.data || metadata.type, message: 'must not contain a NUL byte (U+0000)' })),
  );
}

/** The ValidationPipe, after the NUL-byte check every request part goes through. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    refuseNulBytes(value, metadata);
    return super.transform(value, metadata);
  }
}

/** class-validator at the HTTP edge: unknown fields refused, one reason per field, 400 with details. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) =>
      new ApiError(
        HttpStatus.BAD_REQUEST,
        'VALIDATION_FAILED',
        'The request is not valid',
        flattenValidationErrors(errors),
      ),
  });
}

/** A DTO's constraints without the metadata walk: the transformed value when certainly valid, else undefined. */
export type FastValidator = (value: unknown) => object | undefined;

/**
 * The ValidationPipe with a fast path for the DTOs of hot routes (the gate's query): a value the fast
 * validator accepts is used as is; anything else goes through the ValidationPipe, which decides and
 * names the fields. Each fast validator has a spec that keeps it in step with its DTO's decorators.
 */
export class FastPathValidationPipe implements PipeTransform {
  private readonly pipe = createValidationPipe();
  constructor(private readonly fast: ReadonlyMap<unknown, FastValidator>) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const check = metadata.metatype ? this.fast.get(metadata.metatype) : undefined;
    return check?.(value) ?? this.pipe.transform(value, metadata);
  }
}

/**
 * Maps every error to SPEC §6's shape; never sends a stack trace. Unknown errors are logged and
 * answered 500 INTERNAL_ERROR.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  /** `realm`: the app's name in WWW-Authenticate; `routes`: for 405 (see RouteTable). */
  constructor(
    private readonly realm = 'overload-credit',
    private readonly routes?: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // Kafka handlers (ingest) report their errors to the transport, which retries or dead-letters.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest | undefined>();
    // No route matched (Nest's not-found handler): another method may be answered at this path.
    if (request?.is404 && this.routes) {
      const allow = this.routes.allowed(request.url);
      if (allow) {
        void reply
          .status(HttpStatus.METHOD_NOT_ALLOWED)
          .header('allow', allow)
          .send({
            error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} is not allowed here; use ${allow}` },
          });
        return;
      }
    }
    const { status, body } = this.toResponse(exception);
    if (status >= 500)
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (status === HttpStatus.UNAUTHORIZED) {
      const challenge = exception instanceof ApiError ? (exception.challenge ?? 'invalid_token') : 'invalid_token';
      void reply.header('www-authenticate', bearerChallenge(this.realm, challenge, (body as ErrorShape).error.message));
    }
    void reply.status(status).send(body);
  }

  private toResponse(exception: unknown): { status: number; body: unknown } {
    if (exception instanceof ApiError) return { status: exception.getStatus(), body: exception.getResponse() };
    if (isDomainError(exception)) {
      const { status, code } = STATUS_BY_DOMAIN_CODE[exception.code];
      // A conflict names conditions, not fields: each detail's code says which (REPAIR_REFUSED's are
      // condition codes; a detail naming a field, e.g. `status`, gets the error's code); `field` stays
      // for clients written before (docs/integration.md, "HTTP conventions").
      const items =
        status === HttpStatus.CONFLICT
          ? exception.details.map((d) => ({
              code: d.field && /^[A-Z][A-Z0-9_]*$/.test(d.field) ? d.field : code,
              ...d,
            }))
          : exception.details;
      const details = items.length ? { details: items } : {};
      return { status, body: { error: { code, message: exception.message, ...details } } };
    }
    if (exception instanceof BadRequestException) {
      return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: exception.message } } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Fastify's body parser (Nest maps its errors to an HttpException caused by them): not JSON, or
      // empty under Content-Type: application/json.
      const cause = exception.cause as { code?: string; name?: string; message?: string } | undefined;
      if (status === HttpStatus.BAD_REQUEST && cause && !(cause instanceof HttpException)) {
        const json = cause.name === 'SyntaxError' || /JSON/.test(`${cause.code ?? ''} ${cause.message ?? ''}`);
        const message = json ? `the body is not valid JSON: ${cause.message}` : (cause.message ?? exception.message);
        return {
          status,
          body: { error: { code: 'VALIDATION_FAILED', message, details: [{ field: '(body)', message }] } },
        };
      }
      return {
        status,
        body: { error: { code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message: exception.message } },
      };
    }
    // Fastify's own errors (body too large, bad JSON body, unsupported media type) carry statusCode.
    const statusCode = (exception as { statusCode?: number }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return {
        status: statusCode,
        body: {
          error: { code: CODE_BY_STATUS[statusCode] ?? `HTTP_${statusCode}`, message: (exception as Error).message },
        },
      };
    }
    // A value Postgres cannot store (SQLSTATE class 22, data exception: a byte sequence, a number out
    // of range) is the request's fault, not the server's; the edge checks name the field before this.
    const sqlState = postgresState(exception);
    if (sqlState?.startsWith('22')) {
      return {
        status: 400,
        body: {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'A value of the request cannot be stored',
            details: [{ field: '(request)', message: `data exception (SQLSTATE ${sqlState})` }],
          },
        },
      };
    }
    // A statement Postgres cancelled (SQLSTATE 57014: query_canceled, e.g. staff-api's statement_timeout):
    // the server ran out of time, not the request out of rules; the client may retry later or narrower.
    if (sqlState === QUERY_CANCELED) {
      return {
        status: 503,
        body: {
          error: {
            code: 'QUERY_TIMEOUT',
            message: 'The database did not finish the query in time; try again later or narrow the query',
          },
        },
      };
    }
    return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error' } } };
  }
}

const QUERY_CANCELED = '57014';

interface ErrorShape {
  error: { code: string; message: string };
}

/** The SQLSTATE of a Postgres error (pg's, or TypeORM's QueryFailedError around it); undefined otherwise. */
function postgresState(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
