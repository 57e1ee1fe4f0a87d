import type { CompanyCreditRules, CreditPlanRules, CreditRules, OverlimitRules } from '@oc/domain';
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

/** The rules of the credit plan (libs/domain `planCredit`): counting, due process and postings. */
export function creditPlanRulesFrom(config: AppConfig): CreditPlanRules {
  return {
    ...creditRulesFrom(config),
    noticePeriodWorkingDays: config.NOTICE_PERIOD_WORKING_DAYS,
    publicationDays: config.PUBLICATION_DAYS,
    postingEndsWithListing: config.POSTING_ENDS_WITH_LISTING,
  };
}

/** The company listing rules (SPEC §4.9): the vehicle's due process plus COMPANY_LISTING_PERCENT. */
export function companyCreditRulesFrom(config: AppConfig): CompanyCreditRules {
  return { ...creditPlanRulesFrom(config), companyListingPercent: config.COMPANY_LISTING_PERCENT };
}

/** The overlimit rules (libs/domain, SPEC §4.2) as configured: warning band and entry tolerance. */
export function overlimitRulesFrom(config: AppConfig): OverlimitRules {
  return { warningBandKg: config.WARNING_BAND_KG, entryTolerancePercent: config.ENTRY_TOLERANCE_PERCENT };
}
