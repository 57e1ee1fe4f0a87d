/**
 * The audit entries of the credit rules (SPEC §4.7 执法全过程记录): one action enum, one builder. The
 * entity an action is about follows from the action, so no caller can file a listing change under a
 * violation. The console names each action in Chinese (apps/staff-api/web/shared/labels.ts).
 */
export const CREDIT_AUDIT_ACTIONS = {
  VIOLATION_RECORDED: 'violation',
  VIOLATION_MERGED: 'violation',
  VIOLATION_PROCESSED: 'violation',
  VIOLATION_REVOKED: 'violation',
  REVOCATION_PROPOSED: 'violation_revocation',
  REVOCATION_APPROVED: 'violation_revocation',
  REVOCATION_REJECTED: 'violation_revocation',
  LISTING_CREATED: 'listing',
  LISTING_EFFECTIVE: 'listing',
  LISTING_RECOUNTED: 'listing',
  LISTING_WITHDRAWN: 'listing',
  LISTING_EXPIRED: 'listing',
  LISTING_REVOKED: 'listing',
  LISTING_REPAIRED: 'listing',
  LISTING_PROPOSED: 'listing',
  LISTING_PUBLICATION_REJECTED: 'listing',
  LISTING_PUBLISHED: 'listing',
  POSTING_WITHDRAWN: 'listing',
  POSTING_ARCHIVED: 'listing',
  NOTICE_ISSUED: 'notice',
  NOTICE_SERVED: 'notice',
  NOTICE_VOIDED: 'notice',
  OBJECTION_RECORDED: 'objection',
  OBJECTION_UPHELD: 'objection',
  OBJECTION_REJECTED: 'objection',
  REPAIR_REQUESTED: 'credit_repair',
  REPAIR_APPROVED: 'credit_repair',
  REPAIR_REJECTED: 'credit_repair',
  CASE_REFERRED: 'listing',
  COMPANY_LISTING_CREATED: 'company_listing',
  COMPANY_LISTING_EFFECTIVE: 'company_listing',
  COMPANY_LISTING_RECOUNTED: 'company_listing',
  COMPANY_LISTING_WITHDRAWN: 'company_listing',
  COMPANY_LISTING_EXPIRED: 'company_listing',
  COMPANY_LISTING_REVOKED: 'company_listing',
  COMPANY_LISTING_PROPOSED: 'company_listing',
  COMPANY_LISTING_PUBLICATION_REJECTED: 'company_listing',
  COMPANY_LISTING_PUBLISHED: 'company_listing',
  COMPANY_POSTING_WITHDRAWN: 'company_listing',
  COMPANY_POSTING_ARCHIVED: 'company_listing',
} as const;

export type CreditAuditAction = keyof typeof CREDIT_AUDIT_ACTIONS;
export type CreditAuditEntity = (typeof CREDIT_AUDIT_ACTIONS)[CreditAuditAction];

/** The shape the audit log appends (persistence adds seq, prevHash and hash). */
export interface CreditAuditEntry {
  at: Date;
  actor: string;
  action: CreditAuditAction;
  entityType: CreditAuditEntity;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

/** Who acts, and when: every entry of one command shares them. */
export interface AuditContext {
  at: Date;
  actor: string;
}

export function auditEntry(
  context: AuditContext,
  action: CreditAuditAction,
  entityId: string,
  change: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; reason?: string | null },
): CreditAuditEntry {
  return {
    at: context.at,
    actor: context.actor,
    action,
    entityType: CREDIT_AUDIT_ACTIONS[action],
    entityId,
    before: change.before ?? null,
    after: change.after ?? null,
    reason: change.reason ?? null,
  };
}
