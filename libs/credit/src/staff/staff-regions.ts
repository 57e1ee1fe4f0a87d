import { REGION_PREFIX_PATTERN, type StaffRegions } from '@oc/domain';

/**
 * The `regions` claim of a staff token (SPEC §4.8): absent → null, the whole city (city-level staff
 * only); otherwise a non-empty array of division-code prefixes of 2, 4 or 6 digits. Anything else makes
 * the token invalid — an empty or garbled claim must not be read as "everywhere".
 */
export function staffTokenRegions(claim: unknown): StaffRegions {
  if (claim === undefined) return null;
  if (
    !Array.isArray(claim) ||
    claim.length === 0 ||
    claim.length > 64 ||
    !claim.every((r) => typeof r === 'string' && REGION_PREFIX_PATTERN.test(r))
  ) {
    throw new RegionsClaimError(
      'token regions must be a non-empty array of division-code prefixes of 2, 4 or 6 digits (e.g. ["330521"])',
    );
  }
  return [...new Set(claim as string[])];
}

/** Parses `--regions 330521,330522` (CLI token:issue) into the claim, naming the bad entry. */
export function parseRegionsOption(option: string): string[] {
  const regions = option
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const bad = regions.find((r) => !REGION_PREFIX_PATTERN.test(r));
  if (regions.length === 0 || bad !== undefined) {
    throw new RegionsClaimError(
      `--regions must be comma-separated division-code prefixes of 2, 4 or 6 digits${bad === undefined ? '' : `; "${bad}" is not one`}`,
    );
  }
  return [...new Set(regions)];
}

export class RegionsClaimError extends Error {}
