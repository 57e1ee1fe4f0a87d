import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLogRepository, DatabaseConnection, StationRepository } from '@oc/persistence';

export const hashStationKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Issues and revokes station keys (CLI), with audit entries; keys are shown once, stored hashed. */
@Injectable()
export class StationKeyService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly stations: StationRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async issue(stationId: string, name: string | null, actor: string, now = new Date()): Promise<string> {
    if (!/^\d{6}[A-Za-z0-9._-]{0,26}$/.test(stationId)) {
      throw new Error('stationId must start with a 6-digit administrative division code (at most 32 characters)');
    }
    const key = `ocst_${randomBytes(24).toString('base64url')}`;
    const ds = await this.db.ready();
    await ds.transaction(async (m) => {
      const before = await this.stations.upsertKey(m, stationId, name, hashStationKey(key));
      await this.audit.append(m, [
        {
          at: now,
          actor,
          action: before ? 'STATION_KEY_REISSUED' : 'STATION_KEY_ISSUED',
          entityType: 'station',
          entityId: stationId,
          before: before ? { revokedAt: before.revokedAt?.toISOString() ?? null } : null,
          after: { name, keyIssuedAt: now.toISOString() },
          reason: null,
        },
      ]);
    });
    return key;
  }

  async revoke(stationId: string, actor: string, now = new Date()): Promise<boolean> {
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const before = await this.stations.revoke(m, stationId, now);
      if (!before || before.revokedAt) return false;
      await this.audit.append(m, [
        {
          at: now,
          actor,
          action: 'STATION_KEY_REVOKED',
          entityType: 'station',
          entityId: stationId,
          before: { revokedAt: null },
          after: { revokedAt: now.toISOString() },
          reason: null,
        },
      ]);
      return true;
    });
  }
}
