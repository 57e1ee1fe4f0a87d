import type { PermitRegistryRecord, RegistryKind, RegistryRecordOf, StationRecord, VehicleRecord } from '@oc/contracts';
import { CSV_HEADER, recordKey } from '@oc/contracts';
import { simulatedFleet, simulatedVehicleRecords, type SimulatedRegistryOptions } from './fleet-generator';
import { simulatedPermits } from './permit-generator';
import { shanghaiIso } from './shanghai-time';
import { SIMULATED_STATIONS } from './simulated-stations';

/** The three registries (SPEC §4.9) behind the simulated traffic of one seed. */
export interface SimulatedRegistry {
  stations: StationRecord[];
  vehicles: VehicleRecord[];
  permits: PermitRegistryRecord[];
}

/**
 * Everything generateTraffic({ seed, vehicles, registryAt: at }) relies on: its stations, the
 * registration of each of its vehicles and its permits. Register these first, and every simulated
 * weighing is classified as its `expected` says.
 */
export function simulatedRegistry(options: SimulatedRegistryOptions): SimulatedRegistry {
  return {
    stations: SIMULATED_STATIONS.map((s) => ({ ...s })),
    vehicles: [...simulatedVehicleRecords(options)],
    permits: simulatedPermits(simulatedFleet(options.seed, options.vehicles), options),
  };
}

/** A record as its registry topic carries it: SPEC §4.9 shape, camelCase, absent instead of null. */
export function registryValue<K extends RegistryKind>(kind: K, record: RegistryRecordOf[K]): Record<string, unknown> {
  const time = (d: Date | null) => (d ? shanghaiIso(d) : undefined);
  const value: Record<string, unknown> = {};
  const set = (field: string, v: unknown) => {
    if (v !== null && v !== undefined) value[field] = v;
  };
  if (kind === 'stations') {
    const s = record as StationRecord;
    set('stationId', s.stationId);
    set('name', s.name);
    set('divisionCode', s.divisionCode);
    set('kind', s.kind);
    set('activeFrom', time(s.activeFrom));
    set('activeTo', time(s.activeTo));
  } else if (kind === 'vehicles') {
    const v = record as VehicleRecord;
    set('plate', v.plate);
    set('plateColor', v.plateColor);
    const owner: Record<string, unknown> = { name: v.owner.name, type: v.owner.type, idNo: v.owner.idNo };
    if (v.owner.phone !== null) owner.phone = v.owner.phone;
    set('owner', owner);
    set('operatorId', v.operatorId);
    set('transportCertNo', v.transportCertNo);
    set('certIssuedAt', time(v.certIssuedAt));
    set('registrationRegion', v.registrationRegion);
  } else {
    const p = record as PermitRegistryRecord;
    set('permitNo', p.permitNo);
    set('plate', p.plate);
    set('plateColor', p.plateColor);
    set('validFrom', time(p.validFrom));
    set('validTo', time(p.validTo));
    set('maxGrossWeightKg', p.maxGrossWeightKg);
    set('axles', p.axles);
    set('stationIds', p.stationIds ? [...p.stationIds] : null);
    set('status', p.status);
  }
  return value;
}

/** Kafka messages of a registry topic, keyed as SPEC §4.9 says (stationId, "<code>:<plate>", permitNo). */
export function registryMessages<K extends RegistryKind>(
  kind: K,
  records: Iterable<RegistryRecordOf[K]>,
): { key: string; value: string }[] {
  const messages: { key: string; value: string }[] = [];
  for (const r of records) messages.push({ key: recordKey(kind, r), value: JSON.stringify(registryValue(kind, r)) });
  return messages;
}

/** The columns of a vehicle registry CSV for `registry:import vehicles` (docs/registries.md). */
export const VEHICLE_CSV_COLUMNS = CSV_HEADER.vehicles;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (v: string | number | null): string => {
  const text = v === null ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One CSV line (without its line break) in VEHICLE_CSV_COLUMNS order; an absent field is empty. */
export function vehicleCsvRow(v: VehicleRecord): string {
  return [
    v.plate,
    v.plateColor,
    v.owner.name,
    v.owner.type,
    v.owner.idNo,
    v.owner.phone,
    v.operatorId,
    v.transportCertNo,
    v.certIssuedAt ? shanghaiIso(v.certIssuedAt) : null,
    v.registrationRegion,
  ]
    .map(csvField)
    .join(',');
}
