import type { PermitCacheEntry } from '@oc/cache';
import type { PermitRegistryRecord } from '@oc/contracts';

/** A registry_permits row as Postgres returns it, and its one mapping (the registry, ingest, the cache). */
export interface PermitRow {
  permit_no: string;
  vehicle_key: string;
  plate: string;
  plate_color: number;
  valid_from: Date;
  valid_to: Date;
  max_gross_weight_kg: number;
  axles: number | null;
  station_ids: string[] | null;
  status: 'ISSUED' | 'REVOKED';
  version: string;
}

/** The columns of a PermitRow, for `SELECT ${PERMIT_COLUMNS} FROM registry_permits`. */
export const PERMIT_COLUMNS = `permit_no, vehicle_key, plate, plate_color, valid_from, valid_to, max_gross_weight_kg, axles,
  station_ids, status, version`;

export const permitOf = (r: PermitRow): PermitRegistryRecord => ({
  permitNo: r.permit_no,
  vehicleKey: r.vehicle_key,
  plate: r.plate,
  plateColor: r.plate_color as PermitRegistryRecord['plateColor'],
  validFrom: r.valid_from,
  validTo: r.valid_to,
  maxGrossWeightKg: r.max_gross_weight_kg,
  axles: r.axles,
  stationIds: r.station_ids,
  status: r.status,
});

/** The gate's cache entry of a permit (SPEC §4.6 rule 1); `permit: null` after a delete. */
export function permitCacheEntry(permitNo: string, version: number, p: PermitRegistryRecord | null): PermitCacheEntry {
  return {
    permitNo,
    version,
    permit: p && {
      vehicleKey: p.vehicleKey,
      validFrom: p.validFrom.toISOString(),
      validTo: p.validTo.toISOString(),
      maxGrossWeightKg: p.maxGrossWeightKg,
      axles: p.axles,
      stationIds: p.stationIds ? [...p.stationIds] : null,
      status: p.status,
    },
  };
}
