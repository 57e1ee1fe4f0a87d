import { AUDIT_GENESIS_HASH, auditHash } from './audit-hash';
import { AuditAnchor, AuditKeyring, checkAuditAnchor, checkAuditEntryHmac } from './audit-seal';
import type { AuditAnchorGap, AuditBreak, AuditBreakCode, AuditVerification } from './audit-verification-result';

/** One stored entry as the verification reads it: the chain fields and the hashed content. */
export interface AuditChainEntry {
  seq: string;
  prevHash: string;
  hash: string;
  hmac: string | null;
  hmacKeyId: string | null;
  /** What `hash` covers (the entry without its chain fields and seq). */
  content: object;
  at: Date;
}

export interface AuditVerifierOptions {
  now: Date;
  /** AUDIT_ANCHOR_INTERVAL_MS: anchors are expected at least this often while entries are written. */
  anchorIntervalMs: number;
  /** A gap is reported when longer than interval × this factor (timer drift, a restart, one missed slot). */
  gapFactor?: number;
}

/** Default allowance for anchor gaps: three intervals (docs/operations.md). */
export const AUDIT_ANCHOR_GAP_FACTOR = 3;

const big = (seq: string): bigint => BigInt(seq);

/**
 * Walks the chain in seq order (`push` each entry, then `finish`) against its HMACs and the anchors
 * (SPEC §4.7) and names the first entry that is broken, missing or rewritten:
 * - a changed entry fails its hash; a chain recomputed after a change fails the changed entry's HMAC,
 *   which nobody without AUDIT_HMAC_KEY can recompute;
 * - an entry deleted from the middle breaks the next entry's link (named: the anchored one when it was
 *   anchored, else the entry after the gap);
 * - deleted last entries leave an intact but shorter chain: an anchor names a seq beyond its end;
 * - once one entry is sealed every later one must be (entries from before the seal form a prefix).
 * Pure: the entries, the anchors, the keys and the clock are its inputs.
 */
export class AuditChainVerifier {
  private readonly anchors: AuditAnchor[];
  private readonly invalidAnchors: number;
  private next = 0;
  private prevHash = AUDIT_GENESIS_HASH;
  private lastSeq: string | null = null;
  private lastAt: Date | null = null;
  private firstSealed: AuditChainEntry | null = null;
  private entries = 0;
  private unsealed = 0;
  private broken?: AuditBreak;

  constructor(
    private readonly ring: AuditKeyring,
    anchors: readonly AuditAnchor[],
    private readonly options: AuditVerifierOptions,
  ) {
    const seen = new Map<string, AuditAnchor>();
    let invalid = 0;
    for (const a of anchors) {
      if (checkAuditAnchor(ring, a) !== 'VALID') invalid += 1;
      else seen.set(`${a.slot}|${a.seq}|${a.hash}`, a);
    }
    this.invalidAnchors = invalid;
    this.anchors = [...seen.values()].sort((a, b) =>
      a.seq === b.seq ? a.anchoredAt.localeCompare(b.anchoredAt) : big(a.seq) < big(b.seq) ? -1 : 1,
    );
  }

  /** Checks the next entry; false once the chain is broken (nothing after the break is trusted). */
  push(entry: AuditChainEntry): boolean {
    if (this.broken) return false;
    const seq = big(entry.seq);
    const skipped = this.anchors[this.next];
    if (skipped && big(skipped.seq) < seq && big(skipped.seq) > 0n) {
      return this.fail(
        skipped.seq,
        'ANCHORED_ENTRY_MISSING',
        `entry ${skipped.seq}, anchored at ${skipped.anchoredAt}, is missing: it was deleted`,
      );
    }
    if (entry.prevHash !== this.prevHash) {
      return this.fail(entry.seq, 'LINK_BROKEN', 'prevHash does not match the previous entry');
    }
    if (auditHash(this.prevHash, entry.content) !== entry.hash) {
      return this.fail(entry.seq, 'HASH_MISMATCH', 'hash does not match the entry content');
    }
    if (entry.hmac === null || entry.hmacKeyId === null) {
      if (this.firstSealed) {
        return this.fail(
          entry.seq,
          'HMAC_MISSING',
          `entry has no HMAC although entry ${this.firstSealed.seq} before it is sealed`,
        );
      }
      this.unsealed += 1;
    } else {
      const check = checkAuditEntryHmac(this.ring, {
        prevHash: entry.prevHash,
        hash: entry.hash,
        hmac: entry.hmac,
        hmacKeyId: entry.hmacKeyId,
      });
      if (check === 'UNKNOWN_KEY') {
        return this.fail(
          entry.seq,
          'HMAC_KEY_UNKNOWN',
          `entry is sealed with key ${entry.hmacKeyId}, which is neither AUDIT_HMAC_KEY nor in AUDIT_HMAC_RETIRED_KEYS`,
        );
      }
      if (check === 'MISMATCH') {
        return this.fail(
          entry.seq,
          'HMAC_MISMATCH',
          'HMAC does not match: the entry or the chain before it was rewritten without the key',
        );
      }
      this.firstSealed ??= entry;
    }
    for (; this.anchors[this.next] && big(this.anchors[this.next]!.seq) <= seq; this.next++) {
      const anchor = this.anchors[this.next]!;
      if (big(anchor.seq) < seq) continue; // seq 0: anchored while the log was empty
      if (anchor.hash !== entry.hash || anchor.hmac !== entry.hmac) {
        return this.fail(
          entry.seq,
          'ANCHOR_MISMATCH',
          `entry differs from its anchor of ${anchor.anchoredAt}: the chain was rewritten at or before it`,
        );
      }
    }
    this.prevHash = entry.hash;
    this.lastSeq = entry.seq;
    this.lastAt = entry.at;
    this.entries += 1;
    return true;
  }

  finish(): AuditVerification {
    if (!this.broken) {
      const beyond = this.anchors.slice(this.next).find((a) => big(a.seq) > 0n);
      if (beyond) {
        const end = this.lastSeq ?? '0';
        this.fail(
          beyond.seq,
          'TAIL_DELETED',
          `entry ${beyond.seq}, anchored at ${beyond.anchoredAt}, is missing: the log ends at seq ${end}, ` +
            'its last entries were deleted',
        );
      }
    }
    const byTime = [...this.anchors].sort((a, b) => a.anchoredAt.localeCompare(b.anchoredAt));
    const latest = byTime.at(-1);
    return {
      ok: !this.broken,
      entries: this.entries,
      ...(this.broken ? { firstBroken: this.broken } : {}),
      unsealedEntries: this.unsealed,
      anchors: {
        valid: this.anchors.length,
        invalid: this.invalidAnchors,
        latest: latest ? { seq: latest.seq, anchoredAt: latest.anchoredAt } : null,
      },
      anchorGaps: this.broken ? [] : this.gaps(byTime),
    };
  }

  /** Stretches without an anchor longer than the allowance in which the head moved on. */
  private gaps(byTime: AuditAnchor[]): AuditAnchorGap[] {
    const allowance = this.options.anchorIntervalMs * (this.options.gapFactor ?? AUDIT_ANCHOR_GAP_FACTOR);
    const gaps: AuditAnchorGap[] = [];
    const ms = (iso: string) => Date.parse(iso);
    for (let i = 1; i < byTime.length; i++) {
      const [a, b] = [byTime[i - 1]!, byTime[i]!];
      if (big(b.seq) > big(a.seq) && ms(b.anchoredAt) - ms(a.anchoredAt) > allowance) {
        gaps.push({ after: a.anchoredAt, before: b.anchoredAt, firstSeq: String(big(a.seq) + 1n), lastSeq: b.seq });
      }
    }
    const now = this.options.now.getTime();
    const last = byTime.at(-1);
    if (this.lastSeq !== null) {
      if (last && big(this.lastSeq) > big(last.seq) && now - ms(last.anchoredAt) > allowance) {
        gaps.push({
          after: last.anchoredAt,
          before: null,
          firstSeq: String(big(last.seq) + 1n),
          lastSeq: this.lastSeq,
        });
      }
      // No anchor at all: the sealed entries' own times are the only clock (an entry may be dated back,
      // which reports a gap early rather than late).
      if (!last && this.firstSealed && now - this.firstSealed.at.getTime() > allowance && this.lastAt) {
        gaps.push({ after: null, before: null, firstSeq: this.firstSealed.seq, lastSeq: this.lastSeq });
      }
    }
    return gaps;
  }

  private fail(seq: string, code: AuditBreakCode, reason: string): false {
    this.broken = { seq, code, reason };
    return false;
  }
}
