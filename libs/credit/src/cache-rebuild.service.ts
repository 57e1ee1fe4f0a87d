import { Injectable } from '@nestjs/common';
import { CACHE_SCHEMA_VERSION, TurnBackCache, VehicleCacheEntry } from '@oc/cache';
import { DatabaseConnection, PERMIT_COLUMNS, permitCacheEntry, permitOf, PermitRow } from '@oc/persistence';

export interface RebuildProgress {
  written: number;
  total: number;
}

/**
 * Rebuilds the Redis turn-back cache from Postgres (SPEC §8 cache:rebuild): every vehicle with an
 * active listing, every vehicle that ever had one (so a stale entry is cleared), and every permit of the
 * registry (SPEC §4.9, checked at the gate). Entries carry the database version, so a rebuild racing with
 * the outbox relay never overwrites a newer entry (nor a deleted permit's tombstone).
 */
@Injectable()
export class CacheRebuildService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly cache: TurnBackCache,
  ) {}

  /**
   * `replaceEqualVersions`: also rewrite entries whose version equals the database's — needed when the
   * cache was written by an older layout (schema marker), whose entries carry the same versions.
   */
  async rebuild(
    onProgress?: (p: RebuildProgress) => void,
    pageSize = 5000,
    replaceEqualVersions = false,
  ): Promise<RebuildProgress> {
    const ds = await this.db.ready();
    const [{ total }] = (await ds.query(
      `SELECT (SELECT count(*)::int FROM vehicle_states s
               WHERE s.active_listing_id IS NOT NULL OR EXISTS (SELECT 1 FROM listings l WHERE l.vehicle_key = s.vehicle_key))
            + (SELECT count(*)::int FROM registry_permits) AS total`,
    )) as { total: number }[];
    const progress: RebuildProgress = { written: 0, total };
    let after = '';
    for (;;) {
      const rows = (await ds.query(
        `SELECT s.vehicle_key, s.version, l.id, l.status, l.listed_at, l.violation_count
         FROM vehicle_states s LEFT JOIN listings l ON l.id = s.active_listing_id
         WHERE s.vehicle_key > $1
           AND (s.active_listing_id IS NOT NULL OR EXISTS (SELECT 1 FROM listings x WHERE x.vehicle_key = s.vehicle_key))
         ORDER BY s.vehicle_key LIMIT $2`,
        [after, pageSize],
      )) as {
        vehicle_key: string;
        version: string;
        id: string | null;
        status: 'LISTED' | 'PUBLISHED' | null;
        listed_at: Date | null;
        violation_count: number | null;
      }[];
      if (rows.length === 0) break;
      const entries: VehicleCacheEntry[] = rows.map((r) => ({
        vehicleKey: r.vehicle_key,
        version: Number(r.version),
        listing:
          r.id && r.status && r.listed_at
            ? {
                id: r.id,
                status: r.status,
                listedAt: r.listed_at.toISOString(),
                violationCount: Number(r.violation_count),
              }
            : null,
      }));
      await this.cache.write(entries, { replaceEqualVersions });
      progress.written += rows.length;
      onProgress?.({ ...progress });
      after = rows[rows.length - 1]!.vehicle_key;
    }
    await this.rebuildPermits(progress, pageSize, replaceEqualVersions, onProgress);
    await this.cache.writeMarker(new Date());
    return progress;
  }

  /** Every registry_permits row, as the outbox relay writes a registry change (PermitCacheEntry). */
  private async rebuildPermits(
    progress: RebuildProgress,
    pageSize: number,
    replaceEqualVersions: boolean,
    onProgress?: (p: RebuildProgress) => void,
  ): Promise<void> {
    const ds = await this.db.ready();
    let after = '';
    for (;;) {
      const rows = (await ds.query(
        `SELECT ${PERMIT_COLUMNS} FROM registry_permits WHERE permit_no > $1 ORDER BY permit_no LIMIT $2`,
        [after, pageSize],
      )) as PermitRow[];
      if (rows.length === 0) break;
      const permits = rows.map((r) => permitCacheEntry(r.permit_no, Number(r.version), permitOf(r)));
      await this.cache.writeEntries([], permits, { replaceEqualVersions });
      progress.written += rows.length;
      onProgress?.({ ...progress });
      after = rows[rows.length - 1]!.permit_no;
    }
  }

  /** Rebuilds when the cache has no marker or one of an older schema (a flushed or new Redis). */
  async rebuildIfStale(onProgress?: (p: RebuildProgress) => void): Promise<RebuildProgress | null> {
    const marker = await this.cache.readMarker();
    if (marker?.schema === CACHE_SCHEMA_VERSION) return null;
    // No marker: an empty (flushed, restarted) Redis. An older marker: entries of an older layout.
    return this.rebuild(onProgress, 5000, marker !== null);
  }
}
