import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AUDIT_GENESIS_HASH, auditHash } from '@oc/domain';
import { DatabaseConnection } from '../database.module';

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

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBroken?: { seq: string; reason: string };
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

/** The append-only, hash-chained audit log (执法全过程记录). */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly db: DatabaseConnection) {}

  /**
   * Appends entries in order inside the caller's transaction. The chain lock is held until that
   * transaction ends, so call this as the last write before commit.
   */
  async append(manager: EntityManager, entries: AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [last] = (await manager.query('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1')) as { hash: string }[];
    let prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
    const rows = entries.map((e) => {
      const hash = auditHash(prevHash, hashedContent(e));
      const row = { ...e, prevHash, hash };
      prevHash = hash;
      return row;
    });
    await manager.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before, after, reason, prev_hash, hash)
       SELECT at, actor, action, entity_type, entity_id, before::jsonb, after::jsonb, reason, prev_hash, hash
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         WITH ORDINALITY AS t(at, actor, action, entity_type, entity_id, before, after, reason, prev_hash, hash, n)
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
      ],
    );
  }

  /** Walks the whole chain in seq order and names the first entry whose hash or link is wrong. */
  async verify(pageSize = 5000): Promise<AuditVerification> {
    const ds = await this.db.ready();
    let prevHash = AUDIT_GENESIS_HASH;
    let afterSeq = '0';
    let entries = 0;
    for (;;) {
      const rows = (await ds.query('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
        afterSeq,
        pageSize,
      ])) as AuditRow[];
      if (rows.length === 0) return { ok: true, entries };
      for (const row of rows) {
        const entry = toAuditEntry(row);
        if (entry.prevHash !== prevHash) {
          return {
            ok: false,
            entries,
            firstBroken: { seq: entry.seq, reason: 'prevHash does not match the previous entry' },
          };
        }
        if (auditHash(prevHash, hashedContent(entry)) !== entry.hash) {
          return {
            ok: false,
            entries,
            firstBroken: { seq: entry.seq, reason: 'hash does not match the entry content' },
          };
        }
        prevHash = entry.hash;
        entries += 1;
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
