import { randomUUID } from 'node:crypto';
import { AuditLogRepository, DatabaseConnection } from '@oc/persistence';
import {
  issueStaffToken,
  reservedSubjectReason,
  STAFF_ROLES,
  StaffRole,
  StaffTokenRules,
  TokenError,
} from './staff-token';

export interface StaffTokenRequest {
  sub: string;
  roles: string[];
  name?: string;
  /** The jurisdiction (SPEC §4.8, docs/rules.md "Jurisdiction"); omitted: the whole city. */
  regions?: string[];
  /** Lifetime in seconds; at most STAFF_TOKEN_MAX_HOURS × 3600. */
  ttlSeconds: number;
}

export interface IssuedStaffToken {
  token: string;
  /** The token's `jti`: it names the token in the audit log, which never holds the token itself. */
  tokenId: string;
  expiresAt: Date;
}

/**
 * The CLI's `token:issue` (SPEC §4.8): the same rules as the staff API's guard (roles, reserved
 * subjects, STAFF_TOKEN_MAX_HOURS, iss/aud when configured), and an audit entry (执法全过程记录, SPEC
 * §4.7) written before the token is handed out — a token that could not be audited is not issued.
 */
export class StaffTokenIssuer {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly audit: AuditLogRepository,
    private readonly secret: string,
    private readonly rules: StaffTokenRules,
  ) {}

  async issue(request: StaffTokenRequest, actor: string, now = new Date()): Promise<IssuedStaffToken> {
    const roles = request.roles.map((r) => r.trim().toUpperCase());
    const unknown = roles.filter((r) => !(STAFF_ROLES as readonly string[]).includes(r));
    if (roles.length === 0 || unknown.length > 0)
      throw new TokenError(
        `--roles: unknown roles ${unknown.join(', ') || '(none)'} (allowed: ${STAFF_ROLES.join(', ')})`,
      );
    const reserved = request.sub.length === 0 ? 'the subject is empty' : reservedSubjectReason(request.sub);
    if (reserved) throw new TokenError(`--sub: ${reserved}`);
    const maxSeconds = this.rules.maxHours * 3600;
    if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds < 1 || request.ttlSeconds > maxSeconds)
      throw new TokenError(
        `--ttl must be from 1 to ${maxSeconds} seconds (STAFF_TOKEN_MAX_HOURS=${this.rules.maxHours}), not ${request.ttlSeconds}`,
      );
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = new Date((issuedAt + request.ttlSeconds) * 1000);
    const tokenId = randomUUID();
    const claims = {
      sub: request.sub,
      roles: roles as StaffRole[],
      ...(request.name ? { name: request.name } : {}),
      ...(request.regions ? { regions: request.regions } : {}),
      ...(this.rules.issuer ? { iss: this.rules.issuer } : {}),
      ...(this.rules.audience ? { aud: this.rules.audience } : {}),
      jti: tokenId,
    };
    const ds = await this.db.ready();
    await ds.transaction((m) =>
      this.audit.append(m, [
        {
          at: now,
          actor,
          action: 'STAFF_TOKEN_ISSUED',
          entityType: 'staff',
          entityId: request.sub,
          before: null,
          after: {
            tokenId,
            roles,
            ...(request.name ? { name: request.name } : {}),
            regions: request.regions ?? 'city',
            issuedAt: new Date(issuedAt * 1000).toISOString(),
            expiresAt: expiresAt.toISOString(),
            lifetimeSeconds: request.ttlSeconds,
          },
          reason: null,
        },
      ]),
    );
    return { token: issueStaffToken(this.secret, claims, request.ttlSeconds, issuedAt), tokenId, expiresAt };
  }
}
