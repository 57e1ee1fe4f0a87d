export * from './cache-rebuild.service';
export * from './credit-recount.service';
export * from './listing-expiry.service';
export * from './weighing-ingest.service';
export * from './gate';
export * from './violation-actions.service';
export * from './staff/staff-token';
export * from './staff/workflow';
