import { Injectable } from '@nestjs/common';
import { vehicleKey, type PlateColorCode } from '@oc/domain';
import { DatabaseConnection } from '../database.module';
import { iso, SqlFilter } from './sql-filter';
import type {
  OwnerType,
  Page,
  PageRequest,
  PermitCheck,
  PermitRegistrationView,
  PermitStatus,
  PermitWeighingView,
  RegistryHistoryEntryView,
  RegistryPermitView,
  RegistryVehicleView,
  StationKind,
  StationView,
  VehicleRegistrationView,
  WeighingClassification,
} from './staff-read-models';

export interface StationFilter {
  /** Division-code prefix (digits, validated at the edge). */
  region?: string;
  kind?: StationKind;
}

/**
 * Staff reads of the three registries (SPEC §4.9): what a registry holds now, every record it accepted
 * (registry_history, a deletion as a null record), and for the stations the time of their last weighing.
 */
@Injectable()
export class RegistryReadRepository {
  constructor(private readonly db: DatabaseConnection) {}

  /** The vehicle's registration now; null when it is not in the registry. */
  async registration(plateColor: PlateColorCode, plate: string): Promise<VehicleRegistrationView | null> {
    const [row] = await this.query<VehicleRow>(`SELECT * FROM registry_vehicles WHERE vehicle_key = $1`, [
      vehicleKey(plateColor, plate),
    ]);
    return row ? toRegistration(row) : null;
  }

  /** null when the registry never held the vehicle (no record, no history). */
  async vehicle(plateColor: PlateColorCode, plate: string): Promise<RegistryVehicleView | null> {
    const [current, history] = await Promise.all([
      this.registration(plateColor, plate),
      this.history('vehicles', vehicleKey(plateColor, plate)),
    ]);
    if (!current && history.length === 0) return null;
    return { plate, plateColor, current, history };
  }

  /**
   * null when neither the registry nor any weighing knows the number. A number only weighings carried
   * (UNKNOWN_PERMIT) is answered, with `current: null`, so staff see where it was used.
   */
  async permit(permitNo: string, weighingsPage: PageRequest): Promise<RegistryPermitView | null> {
    const [permits, history, weighings] = await Promise.all([
      this.query<PermitRow>(`SELECT * FROM registry_permits WHERE permit_no = $1`, [permitNo]),
      this.history('permits', permitNo),
      this.permitWeighings(permitNo, weighingsPage),
    ]);
    const current = permits[0] ? toPermit(permits[0]) : null;
    if (!current && history.length === 0 && weighings.total === 0) return null;
    return { permitNo, current, history, weighings };
  }

  /**
   * Registered stations by id. The page is cut first, then each station's last weighing is one
   * backward step on weighings (station_id, measured_at) — never a scan of the weighings.
   *
   * The station is bounded by a range and ordered by (station_id, measured_at) on purpose: with
   * `station_id = …` and `ORDER BY measured_at DESC` the planner, when there are few stations, walks
   * weighings (measured_at) backwards until it meets the station, which for a station silent for a
   * year reads a year of weighings. The range keeps station_id in the ordering, and only the
   * (station_id, measured_at) index delivers that order.
   */
  async stations(filter: StationFilter, page: PageRequest): Promise<Page<StationView>> {
    const f = new SqlFilter()
      .when(filter.region === undefined ? undefined : `${filter.region}%`, 's.division_code LIKE $?')
      .when(filter.kind, 's.kind = $?');
    const limit = f.page(page);
    const rows = await this.query<StationRow & { total: string }>(
      `WITH page AS (
         SELECT s.station_id, s.name, s.division_code, s.kind, s.active_from, s.active_to, s.updated_at,
                (s.key_hash IS NOT NULL AND s.revoked_at IS NULL) AS key_active, count(*) OVER () AS total
         FROM stations s ${f.where}
         ORDER BY s.station_id ${limit.sql}
       )
       SELECT p.*,
              (SELECT w.measured_at FROM weighings w
               WHERE w.station_id >= p.station_id AND w.station_id <= p.station_id
               ORDER BY w.station_id DESC, w.measured_at DESC LIMIT 1) AS last_weighing_at
       FROM page p ORDER BY p.station_id`,
      limit.params,
    );
    // A page past the end has no row to carry the total.
    const total =
      rows.length > 0
        ? Number(rows[0]!.total)
        : Number((await this.query<{ n: string }>(`SELECT count(*) AS n FROM stations s ${f.where}`, f.params))[0]!.n);
    return { items: rows.map(toStation), page: page.page, pageSize: page.pageSize, total };
  }

  private async history(registry: 'vehicles' | 'permits', key: string): Promise<RegistryHistoryEntryView[]> {
    const rows = await this.query<HistoryRow>(
      `SELECT seq, recorded_at, source, kafka_topic, kafka_partition, kafka_offset, record
       FROM registry_history WHERE registry = $1 AND record_key = $2 ORDER BY seq`,
      [registry, key],
    );
    return rows.map((r) => ({
      seq: String(r.seq),
      recordedAt: iso(r.recorded_at)!,
      source: r.source,
      kafka:
        r.kafka_topic === null
          ? null
          : { topic: r.kafka_topic, partition: Number(r.kafka_partition), offset: String(r.kafka_offset) },
      record: r.record,
    }));
  }

  /** Newest first, from the (permit_no) index; with the violation each VIOLATION recorded. */
  private async permitWeighings(permitNo: string, page: PageRequest): Promise<Page<PermitWeighingView>> {
    const f = new SqlFilter().when(permitNo, 'w.permit_no = $?');
    const limit = f.page(page);
    const rows = await this.query<PermitWeighingRow>(
      `SELECT w.id, w.event_id, w.station_id, w.measured_at, w.plate, w.plate_color, w.axles, w.gross_weight_kg,
              w.classification, w.permit_check, v.id AS violation_id
       FROM weighings w LEFT JOIN violations v ON v.event_id = w.event_id
       ${f.where}
       ORDER BY w.measured_at DESC, w.id DESC ${limit.sql}`,
      limit.params,
    );
    const [count] = await this.query<{ n: string }>(`SELECT count(*) AS n FROM weighings w ${f.where}`, f.params);
    return {
      items: rows.map((r) => ({
        id: String(r.id),
        eventId: r.event_id,
        stationId: r.station_id,
        measuredAt: iso(r.measured_at)!,
        plate: r.plate,
        plateColor: Number(r.plate_color),
        axles: Number(r.axles),
        grossWeightKg: Number(r.gross_weight_kg),
        classification: r.classification,
        permitCheck: r.permit_check,
        violationId: r.violation_id,
      })),
      page: page.page,
      pageSize: page.pageSize,
      total: Number(count?.n ?? 0),
    };
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const ds = await this.db.ready();
    return (await ds.query(sql, params)) as T[];
  }
}

interface VehicleRow {
  plate: string;
  plate_color: number;
  owner_name: string;
  owner_type: OwnerType;
  owner_id_no: string;
  owner_phone: string | null;
  operator_id: string | null;
  transport_cert_no: string | null;
  cert_issued_at: Date | null;
  registration_region: string;
  updated_at: Date;
}

function toRegistration(r: VehicleRow): VehicleRegistrationView {
  return {
    plate: r.plate,
    plateColor: Number(r.plate_color),
    owner: { name: r.owner_name, type: r.owner_type, idNo: r.owner_id_no, phone: r.owner_phone },
    operatorId: r.operator_id,
    transportCertNo: r.transport_cert_no,
    certIssuedAt: iso(r.cert_issued_at) ?? null,
    registrationRegion: r.registration_region,
    updatedAt: iso(r.updated_at)!,
  };
}

interface PermitRow {
  permit_no: string;
  plate: string;
  plate_color: number;
  valid_from: Date;
  valid_to: Date;
  max_gross_weight_kg: number;
  axles: number | null;
  station_ids: string[] | null;
  status: PermitStatus;
  version: string;
  updated_at: Date;
}

function toPermit(r: PermitRow): PermitRegistrationView {
  return {
    permitNo: r.permit_no,
    plate: r.plate,
    plateColor: Number(r.plate_color),
    validFrom: iso(r.valid_from)!,
    validTo: iso(r.valid_to)!,
    maxGrossWeightKg: Number(r.max_gross_weight_kg),
    axles: r.axles === null ? null : Number(r.axles),
    stationIds: r.station_ids,
    status: r.status,
    version: String(r.version),
    updatedAt: iso(r.updated_at)!,
  };
}

interface HistoryRow {
  seq: string;
  recorded_at: Date;
  source: string;
  kafka_topic: string | null;
  kafka_partition: number | null;
  kafka_offset: string | null;
  record: Record<string, unknown> | null;
}

interface PermitWeighingRow {
  id: string;
  event_id: string;
  station_id: string;
  measured_at: Date;
  plate: string;
  plate_color: number;
  axles: number;
  gross_weight_kg: number;
  classification: WeighingClassification;
  permit_check: PermitCheck | null;
  violation_id: string | null;
}

interface StationRow {
  station_id: string;
  name: string | null;
  division_code: string;
  kind: StationKind | null;
  active_from: Date | null;
  active_to: Date | null;
  updated_at: Date;
  key_active: boolean;
  last_weighing_at: Date | null;
}

function toStation(r: StationRow): StationView {
  return {
    stationId: r.station_id,
    name: r.name,
    divisionCode: r.division_code,
    kind: r.kind,
    activeFrom: iso(r.active_from) ?? null,
    activeTo: iso(r.active_to) ?? null,
    keyActive: r.key_active,
    lastWeighingAt: iso(r.last_weighing_at) ?? null,
    updatedAt: iso(r.updated_at)!,
  };
}
