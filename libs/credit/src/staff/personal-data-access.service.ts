import { Injectable } from '@nestjs/common';
import { findPersonalData, maskPersonalData } from '@oc/domain';
import { AuditLogRepository, DatabaseConnection } from '@oc/persistence';
import type { StaffPrincipal } from './staff-token';

/** The roles that read personal data in full (SPEC §4.8, docs/rules.md "Personal data"). */
export const PERSONAL_DATA_ROLES = ['ADMIN'] as const;

/** At most this many subjects and paths are named in one audit entry; the count is always exact. */
const AUDIT_LIST_LIMIT = 200;

/**
 * What a staff response may disclose (SPEC §4.8): owners' identity numbers and phones and applicants'
 * contacts in full to ADMIN, each such read audited (who, whose, which fields, when: one entry per
 * response, written before the response leaves); masked for every other role and without a token.
 */
@Injectable()
export class PersonalDataAccessService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly audit: AuditLogRepository,
  ) {}

  mayReadInFull(staff: StaffPrincipal | null): boolean {
    return staff !== null && staff.roles.some((r) => (PERSONAL_DATA_ROLES as readonly string[]).includes(r));
  }

  /** The response as `staff` may see it; a full read is audited first (throws when it cannot be). */
  async disclose<T>(staff: StaffPrincipal | null, request: string, body: T, now = new Date()): Promise<T> {
    if (!this.mayReadInFull(staff)) return maskPersonalData(body);
    const found = findPersonalData(body);
    if (found.length === 0) return body;
    const subjects = [...new Set(found.map((f) => f.subject).filter((s): s is string => s !== null))];
    const ds = await this.db.ready();
    await ds.transaction((m) =>
      this.audit.append(m, [
        {
          at: now,
          actor: staff!.sub,
          action: 'PERSONAL_DATA_READ',
          entityType: 'personal_data',
          entityId: request.slice(0, 500),
          before: null,
          after: {
            fields: [...new Set(found.map((f) => f.field))].sort(),
            values: found.length,
            subjects: subjects.slice(0, AUDIT_LIST_LIMIT),
            subjectCount: subjects.length,
            paths: found.slice(0, AUDIT_LIST_LIMIT).map((f) => f.path),
          },
          reason: null,
        },
      ]),
    );
    return body;
  }
}
