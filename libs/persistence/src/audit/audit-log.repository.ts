import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, auditHmacSecrets } from '@oc/config';
import {
  AUDIT_GENESIS_HASH,
  AuditAnchor,
  AuditChainVerifier,
  auditEntryHmac,
  auditHash,
  auditKeyring,
  AuditKeyring,
  AuditVerification,
  AuditVerifierOptions,
} from '@oc/domain';
import { DatabaseConnection } from '../database.module';

export type { AuditVerification } from '@oc/domain';

/**
 * The audit keys of this process (SPEC §4.7): AUDIT_HMAC_KEY seals, it and AUDIT_HMAC_RETIRED_KEYS verify.
 * A provider of its own, so that only the processes that write or verify audit entries need the key.
 */
export class AuditKeys {
  constructor(readonly ring: AuditKeyring) {}

  /** Throws a ConfigError without AUDIT_HMAC_KEY outside NODE_ENV=development or test. */
  static fromConfig(config: AppConfig): AuditKeys {
    const secrets = auditHmacSecrets(config);
    return new AuditKeys(auditKeyring(secrets.current, secrets.retired));
  }
}

/** The chain head: what an anchor publishes. */
export interface AuditHead {
  seq: string;
  hash: string;
  hmac: string | null;
}

/** One change of state (SPEC §4.7). `at` and the JSON values are hashed exactly as stored. */
export interface AuditEntryInput {
  at: Date;
  /** 'system', a staff `sub`, or a station id. */
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

export interface AuditEntry extends Required<AuditEntryInput> {
  seq: string;
  prevHash: string;
  hash: string;
}

// Any constant shared by every writer; one chain means one writer at a time.
const AUDIT_CHAIN_LOCK = 7_240_001;

/** What is hashed: every field of the entry except the chain fields and the database's seq. */
function hashedContent(e: AuditEntryInput): Record<string, unknown> {
  return {
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before ?? null,
    after: e.after ?? null,
    reason: e.reason ?? null,
  };
}

/** The append-only, hash-chained and sealed audit log (执法全过程记录). */
@Injectable()
export class AuditLogRepository {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly keys: AuditKeys,
  ) {}

  /**
   * Appends entries in order inside the caller's transaction. The chain lock is held until that
   * transaction ends, so call this as the last write before commit.
   */
  async append(manager: EntityManager, entries: AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [last] = (await manager.query('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1')) as { hash: string }[];
    let prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
    const key = this.keys.ring.current;
    const rows = entries.map((e) => {
      const hash = auditHash(prevHash, hashedContent(e));
      const row = { ...e, prevHash, hash, hmac: auditEntryHmac(key, prevHash, hash) };
      prevHash = hash;
      return row;
    });
    await manager.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before, after, reason, prev_hash, hash, hmac, hmac_key_id)
       SELECT at, actor, action, entity_type, entity_id, before::jsonb, after::jsonb, reason, prev_hash, hash, hmac, $12
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         WITH ORDINALITY AS t(at, actor, action, entity_type, entity_id, before, after, reason, prev_hash, hash, hmac, n)
       ORDER BY n`,
      [
        rows.map((r) => r.at.toISOString()),
        rows.map((r) => r.actor),
        rows.map((r) => r.action),
        rows.map((r) => r.entityType),
        rows.map((r) => r.entityId),
        rows.map((r) => (r.before ? JSON.stringify(r.before) : null)),
        rows.map((r) => (r.after ? JSON.stringify(r.after) : null)),
        rows.map((r) => r.reason ?? null),
        rows.map((r) => r.prevHash),
        rows.map((r) => r.hash),
        rows.map((r) => r.hmac),
        key.id,
      ],
    );
  }

  /** The last committed entry (seq "0" and the genesis hash for an empty log). */
  async head(manager: EntityManager): Promise<AuditHead> {
    const [row] = (await manager.query('SELECT seq, hash, hmac FROM audit_log ORDER BY seq DESC LIMIT 1')) as {
      seq: string;
      hash: string;
      hmac: string | null;
    }[];
    return row
      ? { seq: String(row.seq), hash: row.hash, hmac: row.hmac }
      : { seq: '0', hash: AUDIT_GENESIS_HASH, hmac: null };
  }

  /**
   * Claims an anchoring slot for this head inside the caller's transaction; false when another
   * instance anchored the slot already (one anchor per slot, however many schedulers run).
   */
  async claimAnchorSlot(manager: EntityManager, slotStart: Date, head: AuditHead, anchoredAt: Date): Promise<boolean> {
    const claimed = (await manager.query(
      `INSERT INTO audit_anchor_slots (slot_start, seq, hash, anchored_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (slot_start) DO NOTHING RETURNING slot_start`,
      [slotStart.toISOString(), head.seq, head.hash, anchoredAt.toISOString()],
    )) as unknown[];
    return claimed.length === 1;
  }

  /**
   * Walks the whole chain in seq order against its HMACs and the given anchors (SPEC §4.7) and names
   * the first entry that is broken, missing or rewritten (AuditChainVerifier). Without anchors (tests
   * of the chain itself) a deleted tail goes unseen: the application's verification passes them
   * (AuditVerificationService).
   */
  async verify(
    anchors: readonly AuditAnchor[] = [],
    options: AuditVerifierOptions = { now: new Date(), anchorIntervalMs: 60_000 },
    pageSize = 5000,
  ): Promise<AuditVerification> {
    const ds = await this.db.ready();
    const verifier = new AuditChainVerifier(this.keys.ring, anchors, options);
    let afterSeq = '0';
    for (;;) {
      const rows = (await ds.query('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
        afterSeq,
        pageSize,
      ])) as AuditRow[];
      if (rows.length === 0) return verifier.finish();
      for (const row of rows) {
        const entry = toAuditEntry(row);
        const intact = verifier.push({
          seq: entry.seq,
          prevHash: entry.prevHash,
          hash: entry.hash,
          hmac: row.hmac ?? null,
          hmacKeyId: row.hmac_key_id ?? null,
          content: hashedContent(entry),
          at: entry.at,
        });
        if (!intact) return verifier.finish();
        afterSeq = entry.seq;
      }
    }
  }
}

/** A row of audit_log as the driver returns it. */
export interface AuditRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  prev_hash: string;
  hash: string;
  /** The seal (null before it existed); absent from rows selected without it. */
  hmac?: string | null;
  hmac_key_id?: string | null;
}

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    seq: String(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    reason: r.reason,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
