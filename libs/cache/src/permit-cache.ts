import type { PermitRecord } from '@oc/domain';
import type { PermitCacheEntry } from './permit-cache-entry';

/**
 * The gate's permit entries (SPEC §4.6 rule 1, §4.9): a hash `<prefix>permit:<permitNo>` with the
 * registry version `v`, the status `s` (ISSUED, REVOKED, or NONE for a deleted permit) and the rest of
 * the record as JSON in `p`. Written with the same compare-and-set as the vehicle entries.
 */

/** The fields the gate reads, in this order (the lookup script's HMGET). */
export const PERMIT_FIELDS = ['v', 's', 'p'] as const;

// Compare-and-set on the version, as the vehicle entries (ARGV[4] = '1' also rewrites an equal
// version: a rebuild after a layout change). A deleted permit keeps a tombstone (status NONE) for a week,
// so that a delayed older write — a rebuild page read before the delete — cannot issue it again.
export const PERMIT_WRITE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'v')
if current and (tonumber(current) > tonumber(ARGV[1]) or (tonumber(current) == tonumber(ARGV[1]) and ARGV[4] ~= '1')) then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] == 'NONE' then
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', 'NONE')
  redis.call('EXPIRE', KEYS[1], 604800)
else
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', ARGV[2], 'p', ARGV[3])
end
return 1`;

interface StoredPermit {
  vehicleKey: string;
  validFrom: string;
  validTo: string;
  maxGrossWeightKg: number;
  axles: number | null;
  stationIds: string[] | null;
}

/** ARGV of PERMIT_WRITE_SCRIPT after the key: version, status, record JSON, replace-equal flag. */
export function permitWriteArgs(entry: PermitCacheEntry, replaceEqualVersions: boolean): (string | number)[] {
  const p = entry.permit;
  const stored: StoredPermit | null = p && {
    vehicleKey: p.vehicleKey,
    validFrom: p.validFrom,
    validTo: p.validTo,
    maxGrossWeightKg: p.maxGrossWeightKg,
    axles: p.axles,
    stationIds: p.stationIds,
  };
  return [entry.version, p ? p.status : 'NONE', stored ? JSON.stringify(stored) : '', replaceEqualVersions ? '1' : '0'];
}

/**
 * The permit as checkPermit takes it, from the fields PERMIT_FIELDS read; null when there is no entry
 * or a tombstone (the registry has no such permit) — or an entry this code cannot read, which must not
 * exempt anybody either.
 */
export function permitFromFields(permitNo: string, fields: readonly (string | null)[]): PermitRecord | null {
  const [v, s, p] = fields;
  if (v === null || v === undefined || (s !== 'ISSUED' && s !== 'REVOKED') || !p) return null;
  let stored: StoredPermit;
  try {
    stored = JSON.parse(p) as StoredPermit;
  } catch {
    return null;
  }
  const validFrom = new Date(stored.validFrom);
  const validTo = new Date(stored.validTo);
  if (
    typeof stored.vehicleKey !== 'string' ||
    !Number.isFinite(validFrom.getTime()) ||
    !Number.isFinite(validTo.getTime()) ||
    typeof stored.maxGrossWeightKg !== 'number'
  )
    return null;
  return {
    permitNo,
    vehicleKey: stored.vehicleKey,
    validFrom,
    validTo,
    maxGrossWeightKg: stored.maxGrossWeightKg,
    axles: typeof stored.axles === 'number' ? stored.axles : null,
    stationIds: Array.isArray(stored.stationIds) ? stored.stationIds : null,
    status: s,
  };
}
