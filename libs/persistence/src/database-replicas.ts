import type { DatabaseConnection } from './database.module';

/**
 * Standbys streaming from this Postgres (metric `postgres_replicas`): the rows of pg_stat_replication,
 * which every role may count (their details are for pg_read_all_stats only). 0 on a standby, and on a
 * primary whose standbys are gone.
 */
export async function postgresReplicas(db: DatabaseConnection): Promise<number> {
  const ds = await db.ready();
  const [row] = (await ds.query(`SELECT count(*)::int AS n FROM pg_stat_replication`)) as { n: number }[];
  return row!.n;
}
