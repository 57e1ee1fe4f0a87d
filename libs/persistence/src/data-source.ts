import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  databaseUrl: string;
  /** Application name shown in pg_stat_activity, e.g. "ingest". */
  applicationName: string;
  poolSize?: number;
  /** Bound on opening a connection and on waiting for a free one from the pool. */
  connectionTimeoutMs?: number;
  /** Postgres cancels a statement running longer (SQLSTATE 57014); none when unset. */
  statementTimeoutMs?: number;
  /** Postgres ends a session left idle inside a transaction this long (it would hold its locks). */
  idleInTransactionTimeoutMs?: number;
  /** A role every connection acts as (SET ROLE at connection start): `migrate` acting as the owner. */
  actAs?: string;
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
    extra: {
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      ...(options.idleInTransactionTimeoutMs
        ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs }
        : {}),
      ...(options.actAs ? { options: `-c role=${options.actAs}` } : {}),
    },
  });
}
