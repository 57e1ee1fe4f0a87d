import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A message to publish after the transaction that decided it commits (transactional outbox). */
export interface OutboxMessage {
  /** Kafka topic, or null for a row that only refreshes the turn-back cache. */
  topic: string | null;
  key: string;
  payload: Record<string, unknown>;
}

export interface OutboxRow extends OutboxMessage {
  id: string;
}

export const OUTBOX_CHANNEL = 'overload_credit_outbox';

@Injectable()
export class OutboxRepository {
  /** Adds rows inside the caller's transaction and wakes the relay when it commits. */
  async add(manager: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await manager.query(
      `INSERT INTO outbox (topic, message_key, payload)
       SELECT topic, message_key, payload::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(topic, message_key, payload, n)
       ORDER BY n`,
      [messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => JSON.stringify(m.payload))],
    );
    await manager.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  }

  /** The oldest unpublished rows, in commit order per vehicle (ids grow with each transaction). */
  async nextBatch(manager: EntityManager, limit: number): Promise<OutboxRow[]> {
    const rows = (await manager.query(
      `SELECT id, topic, message_key, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [limit],
    )) as { id: string; topic: string | null; message_key: string; payload: Record<string, unknown> }[];
    return rows.map((r) => ({ id: String(r.id), topic: r.topic, key: r.message_key, payload: r.payload }));
  }

  /**
   * Deletes up to `limit` rows published more than `retentionHours` ago, oldest first; returns how many.
   * A published row has done its work (Kafka holds the event, Redis the entry): kept a while for the
   * operator's eyes, then pruned so that the table stays the size of its backlog (docs/operations.md).
   * The oldest ids come first on the primary key, so a batch touches only what it deletes.
   */
  async prunePublished(manager: EntityManager, retentionHours: number, limit = 5000): Promise<number> {
    const rows = (await manager.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox
          WHERE published_at IS NOT NULL AND published_at < now() - make_interval(hours => $1)
          ORDER BY id LIMIT $2)
       RETURNING id`,
      [retentionHours, limit],
    )) as [unknown[], number] | unknown[];
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  }

  async markPublished(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length) await manager.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }
}
