import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AuditLogRepository,
  DatabaseConnection,
  RegistryRepository,
  STATION_KEYS_CHANNEL,
  StationRepository,
} from '@oc/persistence';

export const hashStationKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The issued format: `ocst_` and 24 random bytes in base64url (32 characters). */
const STATION_KEY_FORMAT = /^ocst_[A-Za-z0-9_-]{32}$/;
export const isStationKeyFormat = (key: string): boolean => key.length === 37 && STATION_KEY_FORMAT.test(key);
const newStationKey = (): string => `ocst_${randomBytes(24).toString('base64url')}`;

/** A station id: a 6-digit administrative division code, then at most 26 more characters. */
const STATION_ID = /^\d{6}[A-Za-z0-9._-]{0,26}$/;

export interface IssuedStationKey {
  /** Shown once; only its hash is stored. */
  key: string;
  /** The station was not registered and is now (division code from its id, no bounds, no kind). */
  registered: boolean;
}

/**
 * Issues and revokes station keys (CLI), with audit entries; keys are shown once, stored hashed. A key
 * belongs to a registered station (SPEC §4.9): issuing one for a station the registry does not know
 * registers it first, as `station:add` promises; the station registry can complete the record later.
 */
@Injectable()
export class StationKeyService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly stations: StationRepository,
    private readonly registry: RegistryRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async issue(stationId: string, name: string | null, actor: string, now = new Date()): Promise<IssuedStationKey> {
    if (!STATION_ID.test(stationId)) {
      throw new Error('stationId must start with a 6-digit administrative division code (at most 32 characters)');
    }
    const key = newStationKey();
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const registered = await this.registry.registerStation(m, { stationId, name }, { source: 'cli', actor, now });
      const before = await this.stations.setKey(m, stationId, hashStationKey(key));
      if (!before) throw new Error(`station ${stationId} could not be registered`);
      await this.audit.append(m, [
        {
          at: now,
          actor,
          action: before.hasKey || before.revokedAt ? 'STATION_KEY_REISSUED' : 'STATION_KEY_ISSUED',
          entityType: 'station',
          entityId: stationId,
          before: before.hasKey || before.revokedAt ? { revokedAt: before.revokedAt?.toISOString() ?? null } : null,
          after: { name: before.name, keyIssuedAt: now.toISOString(), ...(registered ? { registered: true } : {}) },
          reason: null,
        },
      ]);
      await notifyGates(m);
      return { key, registered };
    });
  }

  async revoke(stationId: string, actor: string, now = new Date()): Promise<boolean> {
    const ds = await this.db.ready();
    return ds.transaction(async (m) => {
      const before = await this.stations.revoke(m, stationId, now);
      if (!before?.hasKey) return false;
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
      await notifyGates(m);
      return true;
    });
  }
}

/** Delivered at commit: every gate-api LISTENing reloads its keys at once (StationKeyStore). */
const notifyGates = (m: EntityManager): Promise<unknown> => m.query(`SELECT pg_notify($1, '')`, [STATION_KEYS_CHANNEL]);
