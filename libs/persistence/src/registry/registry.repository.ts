import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type {
  PermitRegistryRecord,
  RegistryChange,
  RegistryKind,
  StationRecord,
  VehicleRecord,
  WeighingSource,
} from '@oc/contracts';
import { AuditEntryInput, AuditLogRepository } from '../audit/audit-log.repository';
import { OutboxMessage, OutboxRepository } from '../outbox/outbox.repository';
import { lockPermits } from './permit-locks';
import { PERMIT_COLUMNS, permitCacheEntry, permitOf, PermitRow } from './permit-rows';

/** Where a batch of registry records came from, for registry_history. */
export interface RegistrySource {
  source: 'kafka' | 'csv' | 'cli';
  /** Audit actor: 'system' for the topics, `cli:<login>` for an import. */
  actor: string;
  /** The Kafka record of each change, parallel to `changes`. */
  kafka?: { topic: string; partition: number; offset: string }[];
  /** The clock of the audit entries (default: now). */
  now?: Date;
}

export interface RegistryApplyResult {
  created: number;
  updated: number;
  deleted: number;
  /** Equal to the stored record (or a tombstone of a key that is not there): nothing written. */
  unchanged: number;
  /** Followed by a later record of the same key in the batch, which wins: nothing written. */
  superseded: number;
  /** Permits created, changed or deleted, sorted: the ones whose weighings must be reclassified. */
  permitNos: string[];
}

/** A registered station as stored: `station:add` registers without a kind and maybe without a name. */
export interface StoredStation extends Omit<StationRecord, 'kind' | 'name'> {
  name: string | null;
  kind: WeighingSource | null;
}

export interface StoredRecordOf {
  stations: StoredStation;
  vehicles: VehicleRecord;
  permits: PermitRegistryRecord;
}

export interface RegistryHistoryEntry {
  seq: string;
  registry: RegistryKind;
  recordKey: string;
  /** The record as accepted (JSON), null for a tombstone. */
  record: Record<string, unknown> | null;
  source: RegistrySource['source'];
  kafka: { topic: string; partition: number; offset: string } | null;
  recordedAt: Date;
}

/** Every writer of one registry holds this for its transaction: history and audit see one order. */
const REGISTRY_LOCK_SPACE = 7_240_101;
const REGISTRY_LOCK_ID: Record<RegistryKind, number> = { stations: 1, vehicles: 2, permits: 3 };

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/**
 * The JSON of a record in registry_history and in the audit entries, with a fixed key order: two
 * records are the same when their snapshots are the same string.
 */
function snapshot<K extends RegistryKind>(kind: K, record: StoredRecordOf[K]): Record<string, unknown> {
  if (kind === 'stations') {
    const s = record as StoredStation;
    return {
      stationId: s.stationId,
      name: s.name,
      divisionCode: s.divisionCode,
      kind: s.kind,
      activeFrom: iso(s.activeFrom),
      activeTo: iso(s.activeTo),
    };
  }
  if (kind === 'vehicles') {
    const v = record as VehicleRecord;
    return {
      vehicleKey: v.vehicleKey,
      plate: v.plate,
      plateColor: v.plateColor,
      owner: { name: v.owner.name, type: v.owner.type, idNo: v.owner.idNo, phone: v.owner.phone },
      operatorId: v.operatorId,
      transportCertNo: v.transportCertNo,
      certIssuedAt: iso(v.certIssuedAt),
      registrationRegion: v.registrationRegion,
    };
  }
  const p = record as PermitRegistryRecord;
  return {
    permitNo: p.permitNo,
    vehicleKey: p.vehicleKey,
    plate: p.plate,
    plateColor: p.plateColor,
    validFrom: iso(p.validFrom),
    validTo: iso(p.validTo),
    maxGrossWeightKg: p.maxGrossWeightKg,
    axles: p.axles,
    stationIds: p.stationIds ? [...p.stationIds] : null,
    status: p.status,
  };
}

const ENTITY: Record<RegistryKind, { type: string; action: string }> = {
  stations: { type: 'station', action: 'REGISTRY_STATION' },
  vehicles: { type: 'vehicle', action: 'REGISTRY_VEHICLE' },
  permits: { type: 'permit', action: 'REGISTRY_PERMIT' },
};

interface StationRow {
  station_id: string;
  name: string | null;
  division_code: string;
  kind: WeighingSource | null;
  active_from: Date | null;
  active_to: Date | null;
}

interface VehicleRow {
  vehicle_key: string;
  plate: string;
  plate_color: number;
  owner_name: string;
  owner_type: 'PERSON' | 'COMPANY';
  owner_id_no: string;
  owner_phone: string | null;
  operator_id: string | null;
  transport_cert_no: string | null;
  cert_issued_at: Date | null;
  registration_region: string;
}

const STATION_COLUMNS = `station_id, name, division_code, kind, active_from, active_to`;
const VEHICLE_COLUMNS = `vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone, operator_id,
  transport_cert_no, cert_issued_at, registration_region`;

const stationOf = (r: StationRow): StoredStation => ({
  stationId: r.station_id,
  name: r.name,
  divisionCode: r.division_code,
  kind: r.kind,
  activeFrom: r.active_from,
  activeTo: r.active_to,
});

const vehicleOf = (r: VehicleRow): VehicleRecord => ({
  vehicleKey: r.vehicle_key,
  plate: r.plate,
  plateColor: r.plate_color as VehicleRecord['plateColor'],
  owner: { name: r.owner_name, type: r.owner_type, idNo: r.owner_id_no, phone: r.owner_phone },
  operatorId: r.operator_id,
  transportCertNo: r.transport_cert_no,
  certIssuedAt: r.cert_issued_at,
  registrationRegion: r.registration_region,
});

interface Accepted {
  key: string;
  record: Record<string, unknown> | null;
  kafka?: { topic: string; partition: number; offset: string };
}

/**
 * The three registries of SPEC §4.9: the current record per key in `stations`, `registry_vehicles` and
 * `registry_permits`, every accepted record in `registry_history`. Writes are multi-row statements, so
 * a batch of thousands of records costs a handful of queries.
 */
@Injectable()
export class RegistryRepository {
  constructor(
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Stores a batch of registry records in the caller's transaction, idempotently: a record equal to the
   * stored one writes nothing; the latest record per key within the batch wins (as on a compacted
   * topic); a tombstone deletes. Every accepted record goes to registry_history; a change or a delete
   * of an existing record is audited with before and after (creations are in the history only, so a
   * large import stays fast). Permits are locked exclusively first (see permit-locks.ts), get a new
   * version from registry_permit_version_seq on every change, deletes included, and one outbox row each
   * for the gate's permit cache.
   *
   * Appends the audit entries last. A caller that must still lock vehicles in this transaction (the
   * reclassification after a permit change) uses `applyDeferringAudit` instead: taking the audit chain's
   * lock before vehicle locks would invert the order ingest takes them in.
   */
  async apply(manager: EntityManager, changes: RegistryChange[], source: RegistrySource): Promise<RegistryApplyResult> {
    const { result, audit } = await this.applyDeferringAudit(manager, changes, source);
    await this.audit.append(manager, audit);
    return result;
  }

  /** `apply` without the audit append: the caller appends `audit` (AuditLogRepository) before it commits. */
  async applyDeferringAudit(
    manager: EntityManager,
    changes: RegistryChange[],
    source: RegistrySource,
  ): Promise<{ result: RegistryApplyResult; audit: AuditEntryInput[] }> {
    const result: RegistryApplyResult = {
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      superseded: 0,
      permitNos: [],
    };
    const audit: AuditEntryInput[] = [];
    const now = source.now ?? new Date();
    // Permits first: their locks come before any other lock of the transaction (permit-locks.ts).
    for (const kind of ['permits', 'stations', 'vehicles'] as const) {
      const latest = new Map<string, { change: RegistryChange; index: number }>();
      changes.forEach((change, index) => {
        if (change.kind !== kind) return;
        // Map insertion order is first occurrence; re-inserting keeps the batch order of the latest.
        latest.delete(change.key);
        latest.set(change.key, { change, index });
      });
      result.superseded += changes.filter((c) => c.kind === kind).length - latest.size;
      if (latest.size === 0) continue;
      await this.applyKind(manager, kind, [...latest.values()], source, now, result, audit);
    }
    result.permitNos.sort();
    return { result, audit };
  }

  private async applyKind<K extends RegistryKind>(
    manager: EntityManager,
    kind: K,
    batch: { change: RegistryChange; index: number }[],
    source: RegistrySource,
    now: Date,
    result: RegistryApplyResult,
    audit: AuditEntryInput[],
  ): Promise<void> {
    const keys = batch.map((b) => b.change.key);
    // Permit locks before any other lock (permit-locks.ts); then this registry's writer lock.
    if (kind === 'permits') await lockPermits(manager, keys, 'exclusive');
    await this.lockRegistry(manager, kind);
    const stored = await this.load(manager, kind, keys);

    const upserts: StoredRecordOf[K][] = [];
    const deletes: string[] = [];
    const accepted: Accepted[] = [];
    const entity = ENTITY[kind];
    for (const { change, index } of batch) {
      const before = stored.get(change.key) ?? null;
      const record = change.record as StoredRecordOf[K] | null;
      const beforeJson = before && snapshot(kind, before);
      const afterJson = record && snapshot(kind, record);
      if (JSON.stringify(beforeJson) === JSON.stringify(afterJson)) {
        result.unchanged += 1;
        continue;
      }
      accepted.push({ key: change.key, record: afterJson, kafka: source.kafka?.[index] });
      if (record) upserts.push(record);
      else deletes.push(change.key);
      if (!before) result.created += 1;
      else if (record) result.updated += 1;
      else result.deleted += 1;
      if (before) {
        audit.push({
          at: now,
          actor: source.actor,
          action: `${entity.action}_${record ? 'CHANGED' : 'DELETED'}`,
          entityType: entity.type,
          entityId: change.key,
          before: beforeJson,
          after: afterJson,
          reason: null,
        });
      }
    }
    if (accepted.length === 0) return;

    if (kind === 'stations') {
      const keysDeleted = await this.writeStations(manager, upserts as StoredStation[], deletes);
      // A station deleted from the registry takes its gate key with it (SPEC §4.9).
      for (const stationId of keysDeleted) {
        audit.push({
          at: now,
          actor: source.actor,
          action: 'STATION_KEY_REVOKED',
          entityType: 'station',
          entityId: stationId,
          before: { revokedAt: null },
          after: { revokedAt: now.toISOString() },
          reason: 'the station was deleted from the station registry',
        });
      }
    } else if (kind === 'vehicles') {
      await this.writeVehicles(manager, upserts as VehicleRecord[], deletes);
    } else {
      const versions = await this.writePermits(manager, upserts as PermitRegistryRecord[], deletes);
      const byKey = new Map((upserts as PermitRegistryRecord[]).map((p) => [p.permitNo, p]));
      const messages: OutboxMessage[] = accepted.map((a) => ({
        topic: null,
        key: a.key,
        payload: { permit: permitCacheEntry(a.key, versions.get(a.key)!, byKey.get(a.key) ?? null) },
      }));
      await this.outbox.add(manager, messages);
      result.permitNos.push(...accepted.map((a) => a.key));
    }
    await this.insertHistory(manager, kind, accepted, source);
  }

  private async lockRegistry(manager: EntityManager, kind: RegistryKind): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock($1::int, $2::int)`, [
      REGISTRY_LOCK_SPACE,
      REGISTRY_LOCK_ID[kind],
    ]);
  }

  private async load<K extends RegistryKind>(
    manager: EntityManager,
    kind: K,
    keys: string[],
  ): Promise<Map<string, StoredRecordOf[K]>> {
    if (kind === 'stations') {
      const rows = (await manager.query(`SELECT ${STATION_COLUMNS} FROM stations WHERE station_id = ANY($1::text[])`, [
        keys,
      ])) as StationRow[];
      return new Map(rows.map((r) => [r.station_id, stationOf(r) as StoredRecordOf[K]]));
    }
    if (kind === 'vehicles') {
      const rows = (await manager.query(
        `SELECT ${VEHICLE_COLUMNS} FROM registry_vehicles WHERE vehicle_key = ANY($1::text[])`,
        [keys],
      )) as VehicleRow[];
      return new Map(rows.map((r) => [r.vehicle_key, vehicleOf(r) as StoredRecordOf[K]]));
    }
    const rows = (await manager.query(
      `SELECT ${PERMIT_COLUMNS} FROM registry_permits WHERE permit_no = ANY($1::text[])`,
      [keys],
    )) as PermitRow[];
    return new Map(rows.map((r) => [r.permit_no, permitOf(r) as StoredRecordOf[K]]));
  }

  /** Upserts and deletes stations; returns the deleted ones that had an active gate key. */
  private async writeStations(manager: EntityManager, rows: StoredStation[], deletes: string[]): Promise<string[]> {
    if (rows.length > 0) {
      // The key columns (key_hash, revoked_at, created_at) belong to station:add / station:revoke.
      await manager.query(
        `INSERT INTO stations (station_id, name, division_code, kind, active_from, active_to, updated_at)
         SELECT station_id, name, division_code, kind, active_from, active_to, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
           AS t(station_id, name, division_code, kind, active_from, active_to)
         ON CONFLICT (station_id) DO UPDATE SET name = EXCLUDED.name, division_code = EXCLUDED.division_code,
           kind = EXCLUDED.kind, active_from = EXCLUDED.active_from, active_to = EXCLUDED.active_to,
           updated_at = EXCLUDED.updated_at`,
        [
          rows.map((r) => r.stationId),
          rows.map((r) => r.name),
          rows.map((r) => r.divisionCode),
          rows.map((r) => r.kind),
          rows.map((r) => iso(r.activeFrom)),
          rows.map((r) => iso(r.activeTo)),
        ],
      );
    }
    if (deletes.length === 0) return [];
    const deleted = (await manager.query(
      // As a CTE: TypeORM returns a bare DELETE … RETURNING as [rows, count].
      `WITH deleted AS (
         DELETE FROM stations WHERE station_id = ANY($1::text[])
         RETURNING station_id, (key_hash IS NOT NULL AND revoked_at IS NULL) AS key_active
       ) SELECT * FROM deleted`,
      [deletes],
    )) as { station_id: string; key_active: boolean }[];
    return deleted
      .filter((d) => d.key_active)
      .map((d) => d.station_id)
      .sort();
  }

  private async writeVehicles(manager: EntityManager, rows: VehicleRecord[], deletes: string[]): Promise<void> {
    // §4.9: the fleet of a company changes with its registrations; the scheduler re-plans it (old and new).
    await manager.query(
      `INSERT INTO company_credit_queue (operator_id)
       SELECT DISTINCT o FROM (
         SELECT operator_id AS o FROM registry_vehicles WHERE vehicle_key = ANY($1::text[])
         UNION SELECT unnest($2::text[])) AS changed
       WHERE o IS NOT NULL
       ON CONFLICT (operator_id) DO NOTHING`,
      [[...rows.map((r) => r.vehicleKey), ...deletes], rows.map((r) => r.operatorId)],
    );
    if (rows.length > 0) {
      await manager.query(
        `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone,
           operator_id, transport_cert_no, cert_issued_at, registration_region, updated_at)
         SELECT *, now() FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::text[], $10::timestamptz[], $11::text[])
           AS t(vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone, operator_id,
                transport_cert_no, cert_issued_at, registration_region)
         ON CONFLICT (vehicle_key) DO UPDATE SET plate = EXCLUDED.plate, plate_color = EXCLUDED.plate_color,
           owner_name = EXCLUDED.owner_name, owner_type = EXCLUDED.owner_type, owner_id_no = EXCLUDED.owner_id_no,
           owner_phone = EXCLUDED.owner_phone, operator_id = EXCLUDED.operator_id,
           transport_cert_no = EXCLUDED.transport_cert_no, cert_issued_at = EXCLUDED.cert_issued_at,
           registration_region = EXCLUDED.registration_region, updated_at = EXCLUDED.updated_at`,
        [
          rows.map((r) => r.vehicleKey),
          rows.map((r) => r.plate),
          rows.map((r) => r.plateColor),
          rows.map((r) => r.owner.name),
          rows.map((r) => r.owner.type),
          rows.map((r) => r.owner.idNo),
          rows.map((r) => r.owner.phone),
          rows.map((r) => r.operatorId),
          rows.map((r) => r.transportCertNo),
          rows.map((r) => iso(r.certIssuedAt)),
          rows.map((r) => r.registrationRegion),
        ],
      );
    }
    if (deletes.length > 0) {
      await manager.query(`DELETE FROM registry_vehicles WHERE vehicle_key = ANY($1::text[])`, [deletes]);
    }
  }

  /** Writes permits and deletes, each with a new version from the one sequence; returns the versions. */
  private async writePermits(
    manager: EntityManager,
    rows: PermitRegistryRecord[],
    deletes: string[],
  ): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    if (rows.length > 0) {
      // station_ids travel as one JSON text per permit (a text[][] would need equal lengths).
      const written = (await manager.query(
        `INSERT INTO registry_permits (permit_no, vehicle_key, plate, plate_color, valid_from, valid_to,
           max_gross_weight_kg, axles, station_ids, status, version, updated_at)
         SELECT permit_no, vehicle_key, plate, plate_color, valid_from, valid_to, max_gross_weight_kg, axles,
           CASE WHEN station_ids IS NULL THEN NULL
                ELSE ARRAY(SELECT jsonb_array_elements_text(station_ids::jsonb)) END, status,
           nextval('registry_permit_version_seq'), now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::timestamptz[], $6::timestamptz[],
           $7::integer[], $8::smallint[], $9::text[], $10::text[]) WITH ORDINALITY
           AS t(permit_no, vehicle_key, plate, plate_color, valid_from, valid_to, max_gross_weight_kg, axles,
                station_ids, status, n)
         ORDER BY n
         ON CONFLICT (permit_no) DO UPDATE SET vehicle_key = EXCLUDED.vehicle_key, plate = EXCLUDED.plate,
           plate_color = EXCLUDED.plate_color, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
           max_gross_weight_kg = EXCLUDED.max_gross_weight_kg, axles = EXCLUDED.axles,
           station_ids = EXCLUDED.station_ids, status = EXCLUDED.status, version = EXCLUDED.version,
           updated_at = EXCLUDED.updated_at
         RETURNING permit_no, version`,
        [
          rows.map((r) => r.permitNo),
          rows.map((r) => r.vehicleKey),
          rows.map((r) => r.plate),
          rows.map((r) => r.plateColor),
          rows.map((r) => iso(r.validFrom)),
          rows.map((r) => iso(r.validTo)),
          rows.map((r) => r.maxGrossWeightKg),
          rows.map((r) => r.axles),
          rows.map((r) => (r.stationIds ? JSON.stringify(r.stationIds) : null)),
          rows.map((r) => r.status),
        ],
      )) as { permit_no: string; version: string }[];
      for (const w of written) versions.set(w.permit_no, Number(w.version));
    }
    if (deletes.length > 0) {
      await manager.query(`DELETE FROM registry_permits WHERE permit_no = ANY($1::text[])`, [deletes]);
      // A delete is a change too: the gate's cache must take the tombstone over the last record.
      const taken = (await manager.query(
        `SELECT permit_no, nextval('registry_permit_version_seq') AS version
         FROM unnest($1::text[]) WITH ORDINALITY AS t(permit_no, n) ORDER BY n`,
        [deletes],
      )) as { permit_no: string; version: string }[];
      for (const t of taken) versions.set(t.permit_no, Number(t.version));
    }
    return versions;
  }

  private async insertHistory(
    manager: EntityManager,
    kind: RegistryKind,
    accepted: Accepted[],
    source: RegistrySource,
  ): Promise<void> {
    // One JSON array parameter: a text[] of JSON documents costs four times as much (every element is
    // quoted and escaped into an array literal, then parsed back).
    await manager.query(
      `INSERT INTO registry_history (registry, record_key, record, source, kafka_topic, kafka_partition, kafka_offset)
       SELECT $1, e->>'key', NULLIF(e->'record', 'null'::jsonb), $2, e->>'topic', (e->>'partition')::integer,
              (e->>'offset')::bigint
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(e, n)
       ORDER BY n`,
      [
        kind,
        source.source,
        JSON.stringify(
          accepted.map((a) => ({
            key: a.key,
            record: a.record,
            topic: a.kafka?.topic ?? null,
            partition: a.kafka?.partition ?? null,
            offset: a.kafka?.offset ?? null,
          })),
        ),
      ],
    );
  }

  /**
   * Registers a station that is not in the registry yet, as `station:add` does (SPEC §4.9): division
   * code from the id's first 6 digits, no bounds, no kind. False when it is registered already.
   */
  async registerStation(
    manager: EntityManager,
    station: { stationId: string; name: string | null },
    source: RegistrySource,
  ): Promise<boolean> {
    await this.lockRegistry(manager, 'stations');
    const record: StoredStation = {
      stationId: station.stationId,
      name: station.name,
      divisionCode: station.stationId.slice(0, 6),
      kind: null,
      activeFrom: null,
      activeTo: null,
    };
    const inserted = (await manager.query(
      `INSERT INTO stations (station_id, name, division_code) VALUES ($1, $2, $3)
       ON CONFLICT (station_id) DO NOTHING RETURNING station_id`,
      [record.stationId, record.name, record.divisionCode],
    )) as unknown[];
    if (inserted.length === 0) return false;
    await this.insertHistory(
      manager,
      'stations',
      [{ key: record.stationId, record: snapshot('stations', record) }],
      source,
    );
    return true;
  }

  async findStation(manager: EntityManager, stationId: string): Promise<StoredStation | null> {
    return (await this.load(manager, 'stations', [stationId])).get(stationId) ?? null;
  }

  async findVehicle(manager: EntityManager, vehicleKey: string): Promise<VehicleRecord | null> {
    return (await this.load(manager, 'vehicles', [vehicleKey])).get(vehicleKey) ?? null;
  }

  async findPermit(
    manager: EntityManager,
    permitNo: string,
  ): Promise<(PermitRegistryRecord & { version: number }) | null> {
    const [row] = (await manager.query(`SELECT ${PERMIT_COLUMNS} FROM registry_permits WHERE permit_no = $1`, [
      permitNo,
    ])) as PermitRow[];
    return row ? { ...permitOf(row), version: Number(row.version) } : null;
  }

  /** The registered stations, by id. */
  async listStations(manager: EntityManager): Promise<StoredStation[]> {
    const rows = (await manager.query(`SELECT ${STATION_COLUMNS} FROM stations ORDER BY station_id`)) as StationRow[];
    return rows.map(stationOf);
  }

  /** How many records each registry holds now. */
  async counts(manager: EntityManager): Promise<Record<RegistryKind, number>> {
    const [row] = (await manager.query(
      `SELECT (SELECT count(*) FROM stations) AS stations, (SELECT count(*) FROM registry_vehicles) AS vehicles,
              (SELECT count(*) FROM registry_permits) AS permits`,
    )) as { stations: string; vehicles: string; permits: string }[];
    return { stations: Number(row!.stations), vehicles: Number(row!.vehicles), permits: Number(row!.permits) };
  }

  /** Every accepted record of one key, oldest first (an owner change keeps the earlier owner here). */
  async history(manager: EntityManager, registry: RegistryKind, key: string): Promise<RegistryHistoryEntry[]> {
    const rows = (await manager.query(
      `SELECT seq, registry, record_key, record, source, kafka_topic, kafka_partition, kafka_offset, recorded_at
       FROM registry_history WHERE registry = $1 AND record_key = $2 ORDER BY seq`,
      [registry, key],
    )) as {
      seq: string;
      registry: RegistryKind;
      record_key: string;
      record: Record<string, unknown> | null;
      source: RegistrySource['source'];
      kafka_topic: string | null;
      kafka_partition: number | null;
      kafka_offset: string | null;
      recorded_at: Date;
    }[];
    return rows.map((r) => ({
      seq: String(r.seq),
      registry: r.registry,
      recordKey: r.record_key,
      record: r.record,
      source: r.source,
      kafka:
        r.kafka_topic === null
          ? null
          : { topic: r.kafka_topic, partition: r.kafka_partition!, offset: String(r.kafka_offset) },
      recordedAt: r.recorded_at,
    }));
  }
}
