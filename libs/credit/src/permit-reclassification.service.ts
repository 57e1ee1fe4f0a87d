import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, overlimitRulesFrom } from '@oc/config';
import {
  classifyWeighing,
  PERMIT_EXEMPTED,
  type OverlimitRules,
  type PermitCheck,
  type WeighingClassification,
} from '@oc/domain';
import { AuditEntryInput, AuditLogRepository, RegistryLookups } from '@oc/persistence';
import { CreditRecountService } from './credit-recount.service';

export interface ReclassificationResult {
  /** Weighings whose classification or permitCheck changed. */
  reclassified: number;
  violationsAdded: number;
  violationsRemoved: number;
}

interface StoredUse {
  weighing_id: string;
  event_id: string;
  source: string;
  station_id: string;
  measured_at: Date;
  plate: string;
  vehicle_key: string;
  axles: number;
  combination: boolean;
  single_drive_axle: boolean;
  gross_weight_kg: number;
  permit_no: string;
  classification: WeighingClassification;
  permit_check: PermitCheck | null;
  violation_id: string | null;
  violation_status: 'OPEN' | 'PROCESSED' | 'REVOKED' | null;
}

/**
 * A permit record that arrives after the weighings that carried its permitNo reclassifies them
 * (docs/rules.md, permits): the classification is a pure function of the weighing and the permit's
 * current record, so the stored result is the same whichever arrived first. A weighing the permit now
 * covers loses its OPEN violation; one it no longer covers (revoked, deleted, changed) gains one; the
 * vehicles are recounted in the same transaction. A violation staff already processed or revoked is
 * not removed behind their back: the finding is audited for them to act on through the revocation.
 *
 * The caller holds the permits' exclusive locks (lockPermits) and has stored the new records.
 */
@Injectable()
export class PermitReclassificationService {
  private readonly rules: OverlimitRules;
  private readonly lookups = new RegistryLookups();

  constructor(
    config: AppConfig,
    private readonly recount: CreditRecountService,
    private readonly auditLog: AuditLogRepository,
  ) {
    this.rules = overlimitRulesFrom(config);
  }

  async reclassify(
    manager: EntityManager,
    permitNos: string[],
    options: {
      now: Date;
      actor: string;
      /**
       * Audit entries of the change that caused this (the permit records stored): appended before the
       * entries of their consequences, in the one append at the end (vehicle locks come before the
       * audit chain's lock).
       */
      causeAudit?: AuditEntryInput[];
    },
  ): Promise<ReclassificationResult> {
    const result: ReclassificationResult = { reclassified: 0, violationsAdded: 0, violationsRemoved: 0 };
    const numbers = [...new Set(permitNos)];
    const leading = options.causeAudit ?? [];
    if (numbers.length === 0) {
      await this.auditLog.append(manager, leading);
      return result;
    }
    const permits = await this.lookups.permits(manager, numbers);
    // Only weighings beyond the warning band can be EXEMPT_PERMIT or VIOLATION; a permit changes no other.
    const uses = (await manager.query(
      `SELECT w.id AS weighing_id, w.event_id, w.source, w.station_id, w.measured_at, w.plate, w.vehicle_key, w.axles,
              w.combination, w.single_drive_axle, w.gross_weight_kg, w.permit_no, w.classification, w.permit_check,
              v.id AS violation_id, v.status AS violation_status
       FROM weighings w LEFT JOIN violations v ON v.weighing_id = w.id
       WHERE w.permit_no = ANY($1::text[]) AND w.classification IN ('VIOLATION', 'EXEMPT_PERMIT')
       ORDER BY w.id`,
      [numbers],
    )) as StoredUse[];

    const updates: { id: string; classification: string; permitCheck: string | null; fine: number | null }[] = [];
    const exempted: StoredUse[] = [];
    const added: { use: StoredUse; limitKg: number; overKg: number; fine: number; permitCheck: string | null }[] = [];
    const recheck: { violationId: string; permitCheck: string | null }[] = [];
    const audit: AuditEntryInput[] = [];
    for (const use of uses) {
      const r = classifyWeighing(
        {
          plate: use.plate,
          vehicleKey: use.vehicle_key,
          source: use.source,
          stationId: use.station_id,
          measuredAt: use.measured_at,
          axles: use.axles,
          combination: use.combination,
          singleDriveAxle: use.single_drive_axle,
          grossWeightKg: use.gross_weight_kg,
          permitNo: use.permit_no,
        },
        this.rules,
        permits.get(use.permit_no) ?? null,
      );
      if (r.classification === use.classification && r.permitCheck === use.permit_check) continue;
      if (r.classification === 'EXEMPT_PERMIT' && use.violation_id && use.violation_status !== 'OPEN') {
        audit.push({
          at: options.now,
          actor: options.actor,
          action: 'VIOLATION_PERMIT_FOUND',
          entityType: 'violation',
          entityId: use.violation_id,
          before: { permitNo: use.permit_no, permitCheck: use.permit_check, status: use.violation_status },
          after: null,
          reason: `permit ${use.permit_no} now covers this weighing; the violation was already ${use.violation_status} and stays until staff revoke it`,
        });
        continue;
      }
      result.reclassified++;
      updates.push({
        id: use.weighing_id,
        classification: r.classification,
        permitCheck: r.permitCheck,
        fine: r.suggestedFineYuan,
      });
      if (r.classification === 'EXEMPT_PERMIT' && use.violation_id) exempted.push(use);
      else if (r.classification === 'VIOLATION' && !use.violation_id)
        added.push({
          use,
          limitKg: r.limitKg,
          overKg: r.overKg,
          fine: r.suggestedFineYuan!,
          permitCheck: r.permitCheck,
        });
      else if (r.classification === 'VIOLATION' && use.violation_id)
        recheck.push({ violationId: use.violation_id, permitCheck: r.permitCheck });
    }

    if (updates.length > 0) {
      await manager.query(
        `UPDATE weighings w SET classification = u.classification, permit_check = u.permit_check,
                suggested_fine_yuan = u.fine
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[]) AS u(id, classification, permit_check, fine)
         WHERE w.id = u.id`,
        [
          updates.map((u) => u.id),
          updates.map((u) => u.classification),
          updates.map((u) => u.permitCheck),
          updates.map((u) => u.fine),
        ],
      );
    }
    if (recheck.length > 0) {
      await manager.query(
        `UPDATE violations v SET permit_check = u.permit_check, updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS u(id, permit_check) WHERE v.id = u.id`,
        [recheck.map((r) => r.violationId), recheck.map((r) => r.permitCheck)],
      );
    }
    for (const use of exempted) {
      audit.push({
        at: options.now,
        actor: options.actor,
        action: 'VIOLATION_EXEMPTED',
        entityType: 'violation',
        entityId: use.violation_id!,
        before: {
          vehicleKey: use.vehicle_key,
          eventId: use.event_id,
          measuredAt: use.measured_at.toISOString(),
          status: use.violation_status,
          permitNo: use.permit_no,
          permitCheck: use.permit_check,
        },
        after: null,
        reason: `permit ${use.permit_no} of the permit registry covers this weighing (62号令 第二十七条)`,
      });
    }
    if (exempted.length > 0) {
      await manager.query(`DELETE FROM violations WHERE id = ANY($1::uuid[])`, [exempted.map((u) => u.violation_id)]);
    }
    let newViolationIds = new Set<string>();
    if (added.length > 0) {
      const inserted = (await manager.query(
        `INSERT INTO violations (weighing_id, event_id, vehicle_key, station_id, measured_at, axles, gross_weight_kg,
                                 limit_kg, over_kg, suggested_fine_yuan, permit_no, permit_check)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::smallint[],
                              $7::integer[], $8::integer[], $9::integer[], $10::integer[], $11::text[], $12::text[])
         ON CONFLICT (event_id) DO NOTHING
         RETURNING id`,
        [
          added.map((a) => a.use.weighing_id),
          added.map((a) => a.use.event_id),
          added.map((a) => a.use.vehicle_key),
          added.map((a) => a.use.station_id),
          added.map((a) => a.use.measured_at.toISOString()),
          added.map((a) => a.use.axles),
          added.map((a) => a.use.gross_weight_kg),
          added.map((a) => a.limitKg),
          added.map((a) => a.overKg),
          added.map((a) => a.fine),
          added.map((a) => a.use.permit_no),
          added.map((a) => a.permitCheck),
        ],
      )) as { id: string }[];
      newViolationIds = new Set(inserted.map((r) => r.id));
    }
    result.violationsAdded = newViolationIds.size;
    result.violationsRemoved = exempted.length;

    const vehicles = [...new Set([...exempted.map((u) => u.vehicle_key), ...added.map((a) => a.use.vehicle_key)])];
    if (vehicles.length > 0) {
      await this.recount.recount(manager, vehicles, {
        now: options.now,
        actor: options.actor,
        newViolationIds,
        causeAudit: [...leading, ...audit],
        revocationReason: PERMIT_EXEMPTED,
      });
    } else {
      // Nothing to recount, but the change and what was found are still on the record.
      await this.auditLog.append(manager, [...leading, ...audit]);
    }
    return result;
  }
}
