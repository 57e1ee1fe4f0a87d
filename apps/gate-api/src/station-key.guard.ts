import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { StationAuthenticator } from '@oc/credit';
import { ApiError } from '@oc/observability';

export type StationRequest = FastifyRequest & { stationId?: string };

/** `Authorization: Bearer <station key>` (SPEC §4.8); the station id rides on the request. */
@Injectable()
export class StationKeyGuard implements CanActivate {
  constructor(private readonly authenticator: StationAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<StationRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHORIZED', 'Authorization: Bearer <station key> is required');
    const stationId = await this.authenticator.authenticate(match[1]!);
    if (stationId === undefined) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'AUTH_UNAVAILABLE',
        'The station key cannot be checked right now',
      );
    }
    if (stationId === null)
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHORIZED', 'Unknown or revoked station key');
    request.stationId = stationId;
    return true;
  }
}
