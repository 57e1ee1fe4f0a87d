import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ObjectionChannel, ObjectionStatus, ObjectionTargetType } from '@oc/domain';

/** 异议 / 陈述申辩 (SPEC §4.10) as stored. */
export interface ObjectionRecord {
  id: string;
  targetType: ObjectionTargetType;
  targetId: string;
  listingId: string | null;
  vehicleKey: string;
  violationIds: string[];
  grounds: string;
  channel: ObjectionChannel;
  attachments: string[];
  receivedAt: Date;
  handler: string;
  recordedAt: Date;
  dueBy: Date | null;
  calendarMissing: boolean;
  status: ObjectionStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  reply: string | null;
}

type Row = Record<string, unknown>;
export const toObjection = (r: Row): ObjectionRecord => ({
  id: r.id as string,
  targetType: r.target_type as ObjectionTargetType,
  targetId: r.target_id as string,
  listingId: (r.listing_id as string) ?? null,
  vehicleKey: r.vehicle_key as string,
  violationIds: (r.violation_ids as string[]) ?? [],
  grounds: r.grounds as string,
  channel: r.channel as ObjectionChannel,
  attachments: (r.attachments as string[]) ?? [],
  receivedAt: r.received_at as Date,
  handler: r.handler as string,
  recordedAt: r.recorded_at as Date,
  dueBy: (r.due_by as Date) ?? null,
  calendarMissing: Boolean(r.calendar_missing),
  status: r.status as ObjectionStatus,
  decidedBy: (r.decided_by as string) ?? null,
  decidedAt: (r.decided_at as Date) ?? null,
  reply: (r.reply as string) ?? null,
});

/** What an objection's target resolves to: its vehicle, the listing it is about, the violations it names. */
export interface ObjectionTarget {
  vehicleKey: string;
  listingId: string | null;
  violationIds: string[];
}

/** SQL of the objections, inside the caller's transaction. */
@Injectable()
export class ObjectionRepository {
  /**
   * The target's vehicle, listing and violations (§4.10): a weighing names its violation (if it is
   * one), a violation itself, a listing or its posting the listing. Null when the target does not exist.
   */
  async resolveTarget(manager: EntityManager, type: ObjectionTargetType, id: string): Promise<ObjectionTarget | null> {
    if (type === 'LISTING' || type === 'POSTING') {
      const [row] = (await manager.query(
        `SELECT vehicle_key, id, posting_status FROM listings WHERE id::text = $1`,
        [id],
      )) as Row[];
      if (!row || (type === 'POSTING' && !row.posting_status)) return null;
      return { vehicleKey: row.vehicle_key as string, listingId: row.id as string, violationIds: [] };
    }
    const [row] = (await manager.query(
      type === 'VIOLATION'
        ? `SELECT v.vehicle_key, v.id AS violation_id, v.listing_id FROM violations v WHERE v.id::text = $1`
        : `SELECT w.vehicle_key, v.id AS violation_id, v.listing_id
             FROM weighings w LEFT JOIN violations v ON v.weighing_id = w.id
            WHERE w.id::text = $1 OR w.event_id = $1`,
      [id],
    )) as Row[];
    if (!row) return null;
    return {
      vehicleKey: row.vehicle_key as string,
      listingId: (row.listing_id as string) ?? null,
      violationIds: row.violation_id ? [row.violation_id as string] : [],
    };
  }

  async insert(manager: EntityManager, o: Omit<ObjectionRecord, 'status' | 'decidedBy' | 'decidedAt' | 'reply'>): Promise<void> {
    await manager.query(
      `INSERT INTO objections (id, target_type, target_id, listing_id, vehicle_key, violation_ids, grounds, channel,
         attachments, received_at, handler, recorded_at, due_by, calendar_missing, status)
       VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9::text[], $10, $11, $12, $13, $14, 'PENDING')`,
      [
        o.id,
        o.targetType,
        o.targetId,
        o.listingId,
        o.vehicleKey,
        o.violationIds,
        o.grounds,
        o.channel,
        o.attachments,
        o.receivedAt.toISOString(),
        o.handler,
        o.recordedAt.toISOString(),
        o.dueBy?.toISOString() ?? null,
        o.calendarMissing,
      ],
    );
  }

  async find(manager: EntityManager, id: string): Promise<ObjectionRecord | null> {
    const [row] = (await manager.query(`SELECT * FROM objections WHERE id = $1 AND vehicle_key IS NOT NULL`, [id])) as Row[];
    return row ? toObjection(row) : null;
  }

  async decide(
    manager: EntityManager,
    id: string,
    d: { status: 'UPHELD' | 'REJECTED'; decidedBy: string; decidedAt: Date; reply: string },
  ): Promise<void> {
    await manager.query(`UPDATE objections SET status = $2, decided_by = $3, decided_at = $4, reply = $5 WHERE id = $1`, [
      id,
      d.status,
      d.decidedBy,
      d.decidedAt.toISOString(),
      d.reply,
    ]);
  }
}
