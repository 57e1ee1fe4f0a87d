export * from './registry-update.service';
export * from './registry-ingest.service';
export * from './csv-reader';
export * from './registry-csv';
export * from './registry-csv-import.service';
