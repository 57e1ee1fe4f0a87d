import { CanActivate, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { StaffPrincipal, StaffRole, StaffTokenKey, StaffTokenRules, TokenError, verifyStaffToken } from '@oc/credit';
import { ApiError, unauthorized } from '@oc/observability';

export type StaffRequest = FastifyRequest & { staff?: StaffPrincipal };

const ROLES = Symbol('roles');
const INFRASTRUCTURE_PATH = /^\/(health\/(live|ready)|metrics)(\?|$)/;
const PUBLIC = Symbol('public');

/** The roles that may call an endpoint (any of them; ADMIN may call everything). */
export const Roles = (...roles: StaffRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);
/** An endpoint without a staff token (public postings, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

export abstract class StaffTokenKeyProvider {
  abstract readonly key: StaffTokenKey | null;
  abstract readonly rules: StaffTokenRules;
}

/** Staff JWT (SPEC §4.8): 401 without a valid token, 403 without a role the endpoint allows. */
@Injectable()
export class StaffAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: StaffTokenKeyProvider,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<StaffRequest>();
    // Health and metrics (libs/observability) are for the platform, not for staff.
    if (INFRASTRUCTURE_PATH.test(request.url)) return true;
    const header = request.headers.authorization;
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match)
      throw unauthorized(
        'Authorization: Bearer <staff token> is required',
        header === undefined ? 'missing' : 'invalid_request',
      );
    if (!this.keys.key)
      throw unauthorized('Staff tokens are not configured (STAFF_JWT_SECRET or STAFF_JWT_PUBLIC_KEY)', 'invalid_token');
    try {
      request.staff = verifyStaffToken(match[1]!, this.keys.key, this.keys.rules);
    } catch (error) {
      if (error instanceof TokenError) throw unauthorized(error.message, 'invalid_token');
      throw error;
    }
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES, targets);
    if (allowed && !request.staff.roles.includes('ADMIN') && !allowed.some((r) => request.staff!.roles.includes(r))) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN', `This action needs one of the roles ${allowed.join(', ')}`);
    }
    return true;
  }
}
