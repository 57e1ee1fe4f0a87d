/**
 * What the gate needs to check a permit at the entrance (SPEC §4.6 rule 1, §4.9): the registry's
 * current record of one permitNo, versioned like the vehicle entries (registry_permits.version, from one
 * sequence: a newer version always wins, an older one never overwrites). `permit: null` is a deleted
 * permit (tombstone), which the gate treats as unknown.
 * Written by the outbox relay from outbox rows whose payload is `{ permit: PermitCacheEntry }`.
 */
export interface PermitCacheEntry {
  permitNo: string;
  version: number;
  permit: {
    vehicleKey: string;
    validFrom: string;
    validTo: string;
    maxGrossWeightKg: number;
    axles: number | null;
    stationIds: string[] | null;
    status: 'ISSUED' | 'REVOKED';
  } | null;
}
