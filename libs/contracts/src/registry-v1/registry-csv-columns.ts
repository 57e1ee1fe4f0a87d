import type { RegistryKind } from './parse-registry-record';

/**
 * The CSV columns of each registry (docs/registries.md): one row per record, the SPEC §4.9 fields
 * flattened (the vehicle's owner as ownerName, ownerType, ownerIdNo, ownerPhone; a permit's stationIds
 * separated by ';'). An empty cell is an absent field. Columns may come in any order; the optional ones
 * may be left out.
 */
export const CSV_COLUMNS: Record<RegistryKind, { required: readonly string[]; optional: readonly string[] }> = {
  stations: { required: ['stationId', 'name', 'divisionCode', 'kind'], optional: ['activeFrom', 'activeTo'] },
  vehicles: {
    required: ['plate', 'plateColor', 'ownerName', 'ownerType', 'ownerIdNo', 'registrationRegion'],
    optional: ['ownerPhone', 'operatorId', 'transportCertNo', 'certIssuedAt'],
  },
  permits: {
    required: ['permitNo', 'plate', 'plateColor', 'validFrom', 'validTo', 'maxGrossWeightKg', 'status'],
    optional: ['axles', 'stationIds'],
  },
};

/** The documented header of a registry's CSV, every column in its documented order. */
export const CSV_HEADER: Record<RegistryKind, string[]> = {
  stations: ['stationId', 'name', 'divisionCode', 'kind', 'activeFrom', 'activeTo'],
  vehicles: [
    'plate',
    'plateColor',
    'ownerName',
    'ownerType',
    'ownerIdNo',
    'ownerPhone',
    'operatorId',
    'transportCertNo',
    'certIssuedAt',
    'registrationRegion',
  ],
  permits: [
    'permitNo',
    'plate',
    'plateColor',
    'validFrom',
    'validTo',
    'maxGrossWeightKg',
    'axles',
    'stationIds',
    'status',
  ],
};
