import { Injectable } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { AUDIT_ANCHOR_KEY, topics } from '@oc/contracts';
import { AuditAnchor, auditAnchorSlot, sealAuditAnchor } from '@oc/domain';
import { AuditKeys, AuditLogRepository, DatabaseConnection, OutboxRepository } from '@oc/persistence';

/**
 * Anchors the audit chain head (SPEC §4.7): once per AUDIT_ANCHOR_INTERVAL_MS slot, the last entry's
 * seq, hash and HMAC, sealed, go to `audit.anchors.v1` through the outbox. Any number of schedulers may
 * call it: the first to claim the slot anchors, the others find it taken. The anchor leaves the
 * database's hands with the relay; from then on nobody who can only rewrite the database can change or
 * remove it (docs/security.md).
 */
@Injectable()
export class AuditAnchorService {
  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseConnection,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly keys: AuditKeys,
  ) {}

  /** Anchors the head for the slot of `now`; null when the slot is anchored already. */
  async anchor(now: Date): Promise<AuditAnchor | null> {
    const ds = await this.db.ready();
    return ds.transaction(async (manager) => {
      const slot = auditAnchorSlot(now, this.config.AUDIT_ANCHOR_INTERVAL_MS);
      const head = await this.audit.head(manager);
      if (!(await this.audit.claimAnchorSlot(manager, slot, head, now))) return null;
      const anchor = sealAuditAnchor(this.keys.ring.current, {
        slot: slot.toISOString(),
        seq: head.seq,
        hash: head.hash,
        hmac: head.hmac,
        anchoredAt: now.toISOString(),
      });
      await this.outbox.add(manager, [
        {
          topic: topics(this.config.TOPIC_PREFIX).auditAnchors,
          key: AUDIT_ANCHOR_KEY,
          payload: { event: anchor as unknown as Record<string, unknown> },
        },
      ]);
      return anchor;
    });
  }
}
