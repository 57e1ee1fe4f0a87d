import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface StationRow {
  stationId: string;
  name: string | null;
  createdAt: Date;
  /** A key was issued and not revoked since (a station registered through the registry has none yet). */
  hasKey: boolean;
  revokedAt: Date | null;
}

/**
 * The gate keys of registered stations (SPEC §4.8, §4.9); only SHA-256 hashes of keys are stored. The
 * station's registration itself (name, division, kind, activity) is RegistryRepository's: a key belongs
 * to a station of the registry and goes with it when the registry deletes the station.
 */
@Injectable()
export class StationRepository {
  /**
   * Issues (or re-issues, replacing the old key) the key of a registered station and locks its row
   * until the transaction ends. Returns the row before, or null when the station is not registered.
   */
  async setKey(manager: EntityManager, stationId: string, keyHash: string): Promise<StationRow | null> {
    const before = await this.find(manager, stationId, { lock: true });
    if (!before) return null;
    await manager.query(`UPDATE stations SET key_hash = $2, revoked_at = NULL WHERE station_id = $1`, [
      stationId,
      keyHash,
    ]);
    return before;
  }

  async revoke(manager: EntityManager, stationId: string, at: Date): Promise<StationRow | null> {
    const before = await this.find(manager, stationId, { lock: true });
    if (before?.hasKey) {
      await manager.query(`UPDATE stations SET revoked_at = $2 WHERE station_id = $1`, [stationId, at.toISOString()]);
    }
    return before;
  }

  async find(manager: EntityManager, stationId: string, options: { lock?: boolean } = {}): Promise<StationRow | null> {
    const [row] = (await manager.query(
      `SELECT station_id, name, created_at, revoked_at, key_hash IS NOT NULL AS keyed FROM stations WHERE station_id = $1
       ${options.lock ? 'FOR UPDATE' : ''}`,
      [stationId],
    )) as {
      station_id: string;
      name: string | null;
      created_at: Date;
      revoked_at: Date | null;
      keyed: boolean;
    }[];
    return row
      ? {
          stationId: row.station_id,
          name: row.name,
          createdAt: row.created_at,
          hasKey: row.keyed && row.revoked_at === null,
          revokedAt: row.revoked_at,
        }
      : null;
  }

  /** The station whose active key has this hash (the hot path of gate authentication). */
  async findActiveByKeyHash(manager: EntityManager, keyHash: string): Promise<string | null> {
    const [row] = (await manager.query(`SELECT station_id FROM stations WHERE key_hash = $1 AND revoked_at IS NULL`, [
      keyHash,
    ])) as {
      station_id: string;
    }[];
    return row?.station_id ?? null;
  }
}
