export * from './registry-update.service';
export * from './registry-ingest.service';
