import type { OutboxBacklog } from '@oc/observability';
import type { DatabaseConnection } from '../database.module';

/** The backlog is counted up to this many rows: the count stays one short index scan however far the relay is behind. */
export const OUTBOX_BACKLOG_COUNT_CAP = 1_000_000;

/**
 * What the outbox relay has not published yet (metric `ingest_outbox_unpublished_rows` and the age of
 * the oldest, docs/operations.md "Alerts"): one statement on the partial index `outbox_unpublished_idx`.
 * Ids grow with each transaction, so the lowest unpublished id is the oldest waiting row.
 */
export async function outboxBacklog(db: DatabaseConnection, cap = OUTBOX_BACKLOG_COUNT_CAP): Promise<OutboxBacklog> {
  const ds = await db.ready();
  const [row] = (await ds.query(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT $1) waiting)::int AS unpublished,
            COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - (
              SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1)), 0)::float8 AS oldest`,
    [cap],
  )) as { unpublished: number; oldest: number }[];
  return { unpublished: row!.unpublished, oldestAgeSeconds: Math.max(0, row!.oldest) };
}
