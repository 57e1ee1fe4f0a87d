export * from './notice-service.service';
export * from './objection.service';
export * from './notice-receipt-ingest.service';
