import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  databaseUrl: string;
  /** Application name shown in pg_stat_activity, e.g. "ingest". */
  applicationName: string;
  poolSize?: number;
}

/** The one way to build a TypeORM DataSource: migrations only, never synchronize. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    applicationName: `overload-credit:${options.applicationName}`,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    entities: [],
    poolSize: options.poolSize ?? 10,
    extra: { connectionTimeoutMillis: 5000 },
  });
}
