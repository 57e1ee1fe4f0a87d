import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface StationRow {
  stationId: string;
  name: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Weigh stations and gate controllers with their API keys; only SHA-256 hashes of keys are stored. */
@Injectable()
export class StationRepository {
  /** Issues (or re-issues, replacing the old key) a station's key hash. Returns the row before. */
  async upsertKey(
    manager: EntityManager,
    stationId: string,
    name: string | null,
    keyHash: string,
  ): Promise<StationRow | null> {
    const before = await this.find(manager, stationId);
    await manager.query(
      `INSERT INTO stations (station_id, name, key_hash, division_code) VALUES ($1, $2, $3, left($1, 6))
       ON CONFLICT (station_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, stations.name), key_hash = EXCLUDED.key_hash, revoked_at = NULL`,
      [stationId, name, keyHash],
    );
    return before;
  }

  async revoke(manager: EntityManager, stationId: string, at: Date): Promise<StationRow | null> {
    const before = await this.find(manager, stationId);
    if (before && !before.revokedAt) {
      await manager.query(`UPDATE stations SET revoked_at = $2 WHERE station_id = $1`, [stationId, at.toISOString()]);
    }
    return before;
  }

  async find(manager: EntityManager, stationId: string): Promise<StationRow | null> {
    const [row] = (await manager.query(
      `SELECT station_id, name, created_at, revoked_at FROM stations WHERE station_id = $1`,
      [stationId],
    )) as {
      station_id: string;
      name: string | null;
      created_at: Date;
      revoked_at: Date | null;
    }[];
    return row
      ? { stationId: row.station_id, name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at }
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
