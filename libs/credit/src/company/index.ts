export * from './company-credit.service';
export * from './company-listing-actions.service';
