/**
 * What a verification of the audit log answers (SPEC §4.7, §6 GET /audit/verification), without crypto, so
 * that the console imports them as they are (STYLE.md: one shape, one definition).
 */
export const AUDIT_BREAK_CODES = [
  'LINK_BROKEN',
  'HASH_MISMATCH',
  'HMAC_MISSING',
  'HMAC_MISMATCH',
  'HMAC_KEY_UNKNOWN',
  'ANCHOR_MISMATCH',
  'ANCHORED_ENTRY_MISSING',
  'TAIL_DELETED',
] as const;
export type AuditBreakCode = (typeof AUDIT_BREAK_CODES)[number];

export interface AuditBreak {
  /** The entry named: the first one broken, missing or rewritten. */
  seq: string;
  code: AuditBreakCode;
  reason: string;
}

/** A stretch longer than the allowed gap in which entries were written and no anchor was made. */
export interface AuditAnchorGap {
  /** The last anchor before the gap (null: no anchor at all). */
  after: string | null;
  /** The next anchor, or null when the gap runs until the verification. */
  before: string | null;
  /** The entries written in it: seq range (firstSeq..lastSeq). */
  firstSeq: string;
  lastSeq: string;
}

export interface AuditVerification {
  /** Every entry intact, sealed and consistent with every anchor. Gaps alone do not clear it. */
  ok: boolean;
  /** Entries verified before the first break (all of them when ok). */
  entries: number;
  firstBroken?: AuditBreak;
  /** Entries from before the seal existed (a prefix of the chain): checked by their hash chain only. */
  unsealedEntries: number;
  anchors: {
    /** Valid anchors read (duplicates counted once). */
    valid: number;
    /** Records on the anchor topic that are not sealed with a known key: ignored, and said. */
    invalid: number;
    latest: { seq: string; anchoredAt: string } | null;
  };
  anchorGaps: AuditAnchorGap[];
}

/** A verification as the staff API answers it: the state of the log and the anchors as of `computedAt`. */
export type CachedAuditVerification = AuditVerification & { computedAt: string };
