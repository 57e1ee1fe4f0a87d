import type { CreditRules } from '@oc/domain';
import type { AppConfig } from './app-config';

/** The counting and listing rules (libs/domain) as configured (SPEC §7). */
export function creditRulesFrom(config: AppConfig): CreditRules {
  return {
    listingThreshold: config.LISTING_THRESHOLD,
    countWindowDays: config.COUNT_WINDOW_DAYS,
    tripMergeMinutes: config.TRIP_MERGE_MINUTES,
    listingValidityDays: config.LISTING_VALIDITY_DAYS,
  };
}
