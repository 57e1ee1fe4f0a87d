import { DomainError, DomainErrorCode } from '../errors/domain-error';

/**
 * Jurisdiction (管辖, SPEC §4.8, docs/rules.md "Jurisdiction"). A staff token's `regions` claim lists
 * administrative division-code prefixes (GB/T 2260, the same prefixes as the statistics' regions):
 * `330521` is 德清县, `330500` the stations the city runs itself (市本级), `3305` the whole of Huzhou,
 * `33` the province. A case (a violation, a listing and what hangs on it) belongs to the division code
 * of each station where one of its violations was weighed (行政处罚法 第二十二条: 违法行为发生地); a
 * prefix covers every division code it starts. `null` regions — a token without the claim — is the
 * whole city, for city-level staff only.
 */
export type StaffRegions = readonly string[] | null;

/** A division-code prefix: province (2 digits), city (4) or county / 市本级 (6). */
export const REGION_PREFIX_PATTERN = /^(\d{2}|\d{4}|\d{6})$/;

/** Whether `regions` covers the division code (a station's). */
export function regionCovers(regions: StaffRegions, divisionCode: string): boolean {
  return regions === null || regions.some((prefix) => divisionCode.startsWith(prefix));
}

/**
 * Whether the staff member may act on a case weighed in `caseRegions` (its stations' division codes):
 * one of them inside their regions is enough, as each county where an act was weighed has jurisdiction.
 * A case without any known division code is city-level work.
 */
export function withinJurisdiction(regions: StaffRegions, caseRegions: readonly string[]): boolean {
  if (regions === null) return true;
  return caseRegions.some((code) => regionCovers(regions, code));
}

/** 403 OUT_OF_JURISDICTION unless the case lies in the staff member's regions. */
export function assertWithinJurisdiction(
  regions: StaffRegions,
  caseRegions: readonly string[],
  what: { entityType: string; entityId: string },
): void {
  if (withinJurisdiction(regions, caseRegions)) return;
  throw new DomainError(
    DomainErrorCode.OUT_OF_JURISDICTION,
    `${what.entityType} ${what.entityId} belongs to ${caseRegions.length ? caseRegions.join(', ') : 'no region'}, outside your regions ${(regions ?? []).join(', ')}`,
    [{ field: 'regions', message: `the case is weighed in ${caseRegions.join(', ') || 'no known region'}` }],
  );
}

/**
 * SQL LIKE patterns of the regions (`330521` → `330521%`), or undefined for the whole city: the lists
 * of the staff API filter by them. Prefixes are digits only (REGION_PREFIX_PATTERN), so no escaping.
 */
export function regionLikePatterns(regions: StaffRegions): string[] | undefined {
  return regions === null ? undefined : regions.map((r) => `${r}%`);
}
