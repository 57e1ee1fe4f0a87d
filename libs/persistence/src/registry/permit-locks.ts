import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';

/**
 * A weighing's classification depends on the permit record of its permitNo (SPEC §4.2). Two
 * transactions could otherwise miss each other: a weighing batch reading "no permit" while a permit
 * record is stored and reclassifies the weighings already there (not yet the batch's). So a weighing
 * batch holds a shared lock per permitNo it carries while it reads the permits and stores, and a permit
 * change holds the exclusive lock while it stores the record and reclassifies: one of the two always
 * sees the other's rows. Taken in sorted order, and before any vehicle lock, by both.
 */
const PERMIT_LOCK_SPACE = 7_240_100;

function lockId(permitNo: string): number {
  return createHash('sha256').update(permitNo).digest().readInt32BE(0);
}

export async function lockPermits(
  manager: EntityManager,
  permitNos: Iterable<string>,
  mode: 'shared' | 'exclusive',
): Promise<void> {
  const ids = [...new Set([...permitNos].map(lockId))].sort((a, b) => a - b);
  if (ids.length === 0) return;
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  // The ordered subquery feeds the locks in order (a sort after the target list would not).
  await manager.query(`SELECT ${fn}($1::int, id) FROM (SELECT id FROM unnest($2::int[]) AS t(id) ORDER BY id) s`, [
    PERMIT_LOCK_SPACE,
    ids,
  ]);
}
