import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StationAuthenticator, type StationAuthOutcome } from '@oc/credit';
import { ApiError, unauthorized } from '@oc/observability';

/** `stationId` null: the key could not be checked; the decision is GATE_FAILURE_MODE's. */
export type StationRequest = FastifyRequest & { stationId?: string | null };

/**
 * `Authorization: Bearer <station key>` (SPEC §4.8); the station id rides on the request. A known key
 * is answered synchronously (no promise on the hot path); see StationAuthenticator for the rest.
 */
@Injectable()
export class StationKeyGuard implements CanActivate {
  constructor(private readonly authenticator: StationAuthenticator) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<StationRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw unauthorized(
        'Authorization: Bearer <station key> is required',
        header === undefined ? 'missing' : 'invalid_request',
      );
    const outcome = this.authenticator.check(match[1]!, request.ip);
    if (typeof outcome === 'string') {
      request.stationId = outcome;
      return true;
    }
    if (outcome instanceof Promise) return outcome.then((o) => admit(o, request, http.getResponse<FastifyReply>()));
    return admit(outcome, request, http.getResponse<FastifyReply>());
  }
}

function admit(outcome: StationAuthOutcome, request: StationRequest, reply: FastifyReply): boolean {
  if (typeof outcome === 'string') {
    request.stationId = outcome;
    return true;
  }
  switch (outcome.refused) {
    case 'UNVERIFIABLE':
      request.stationId = null;
      return true;
    case 'THROTTLED':
      void reply.header('Retry-After', String(outcome.retryAfterSeconds ?? 60));
      throw new ApiError(
        HttpStatus.TOO_MANY_REQUESTS,
        'TOO_MANY_REQUESTS',
        'Too many failed station keys from this address; retry later',
      );
    case 'MALFORMED':
      throw unauthorized('The station key is not of the issued format (ocst_ and 32 characters)', 'invalid_token');
    case 'WRONG':
      throw unauthorized('Unknown or revoked station key', 'invalid_token');
  }
}
