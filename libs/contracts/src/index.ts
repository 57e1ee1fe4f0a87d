import 'reflect-metadata';
export * from './topics';
export * from './weighing-events-v1/weigh-event.dto';
export * from './weighing-events-v1/parse-weigh-event';
export * from './credit-listing-events-v1/listing-event';
export * from './gate-decisions-v1/gate-decision-event';
export * from './gate-api/gate-decision-query.dto';
export * from './staff-api';
export * from './gate-api/gate-decision-query-fast-check';
