import { IsString } from 'class-validator';
import { Logger } from '@nestjs/common';
import { ApiError, createValidationPipe, HttpErrorFilter, nulBytePaths } from './http-errors';

class Body {
  @IsString()
  reason!: string;
}

describe('NUL bytes at the HTTP edge (Postgres stores none: SQLSTATE 22021)', () => {
  it('finds them in strings, nested fields, array items and keys, by the path the validation errors use', () => {
    expect(nulBytePaths({ a: 'ok', b: { c: 'x\u0000y' }, d: ['ok', '\u0000'], ['k\u0000']: 1 })).toEqual([
      'b.c',
      'd.1',
      'k\u0000',
    ]);
    expect(nulBytePaths('plain')).toEqual([]);
    expect(nulBytePaths(null)).toEqual([]);
  });

  it('refuses the body, query or path parameter before validation: 400 naming each field', async () => {
    const pipe = createValidationPipe();
    const refused = (value: unknown, type: 'body' | 'query' | 'param', data?: string) =>
      pipe.transform(value, { type, metatype: Body, data }).then(
        () => undefined,
        (e: ApiError) => ({ status: e.getStatus(), body: e.getResponse() }),
      );
    expect(await refused({ reason: '异议\u0000' }, 'body')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid',
          details: [{ field: 'reason', message: 'must not contain a NUL byte (U+0000)' }],
        },
      },
    });
    expect(await refused('浙\u0000E1', 'param', 'plate')).toMatchObject({
      body: { error: { details: [{ field: 'plate' }] } },
    });
    expect(await refused({ reason: '异议' }, 'body')).toBeUndefined();
  });
});

describe('HttpErrorFilter: a value Postgres cannot store', () => {
  const answer = (exception: unknown) => {
    let sent: { status?: number; body?: unknown } = {};
    const reply = {
      status: (status: number) => ({ send: (body: unknown) => (sent = { status, body }) }),
    };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => reply, getRequest: () => undefined }),
    };
    new HttpErrorFilter().catch(exception, host as never);
    return sent;
  };

  it('is 400 for a data exception (class 22), 500 for anything else', () => {
    const queryFailed = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      driverError: { code: '22021' },
    });
    expect(answer(queryFailed)).toEqual({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'A value of the request cannot be stored',
          details: [{ field: '(request)', message: 'data exception (SQLSTATE 22021)' }],
        },
      },
    });
    expect(answer(Object.assign(new Error('out of range'), { code: '22003' })).status).toBe(400);
    expect(answer(Object.assign(new Error('deadlock'), { code: '40P01' })).status).toBe(500);
    expect(answer(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).status).toBe(500);
  });
});

describe('HttpErrorFilter: a statement Postgres cancelled (statement_timeout)', () => {
  it('is 503 QUERY_TIMEOUT in the SPEC §6 shape, not 500', () => {
    let sent: { status?: number; body?: unknown } = {};
    const reply = { status: (status: number) => ({ send: (body: unknown) => (sent = { status, body }) }) };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => reply, getRequest: () => undefined }),
    };
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), {
      driverError: { code: '57014' },
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      new HttpErrorFilter().catch(cancelled, host as never);
    } finally {
      logged.mockRestore();
    }
    expect(sent).toEqual({
      status: 503,
      body: {
        error: {
          code: 'QUERY_TIMEOUT',
          message: 'The database did not finish the query in time; try again later or narrow the query',
        },
      },
    });
  });
});
