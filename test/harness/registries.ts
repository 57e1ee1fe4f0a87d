import { Client } from 'pg';
import { migrate } from '@oc/persistence';
import { SIMULATED_STATIONS } from '@oc/simulation';

/**
 * The station registry of a test world (docs/rules.md, stations): ingest counts a weighing only from a
 * registered station. Tests register the stations their traffic uses before producing, as a highway
 * authority registers its stations before they report; the registry's own paths (topic, CSV,
 * station:add) are tested in test/registry.
 */
export interface TestStation {
  stationId: string;
  kind: 'TOLL_ENTRY' | 'WEIGH_STATION' | 'MOBILE_UNIT';
  name?: string;
}

/** The stations of libs/simulation's traffic (the hand-written events of the tests use them too). */
export const TEST_STATIONS: readonly TestStation[] = SIMULATED_STATIONS.map(({ stationId, kind, name }) => ({
  stationId,
  kind,
  name,
}));

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/** Registers stations (no activity bounds) in a migrated database; an existing station stays as it is. */
export async function registerStations(query: Query, stations: readonly TestStation[] = TEST_STATIONS): Promise<void> {
  if (stations.length === 0) return;
  await query(
    `INSERT INTO stations (station_id, name, division_code, kind)
     SELECT id, coalesce(name, '测试站点 ' || id), left(id, 6), kind
     FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, kind, name)
     ON CONFLICT (station_id) DO NOTHING`,
    [stations.map((s) => s.stationId), stations.map((s) => s.kind), stations.map((s) => s.name ?? null)],
  );
}

/** Migrates a database of a world that runs on its own server (fault tests) and registers its stations. */
export async function prepareWorldDatabase(
  databaseUrl: string,
  stations: readonly TestStation[] = TEST_STATIONS,
): Promise<void> {
  await migrate(databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await registerStations((sql, params) => client.query(sql, params), stations);
  } finally {
    await client.end();
  }
}

export interface TestPermit {
  permitNo: string;
  vehicleKey: string;
  validFrom: Date;
  validTo: Date;
  maxGrossWeightKg: number;
  status?: 'ISSUED' | 'REVOKED';
}

/** Registers permits in the permit registry's table (a world whose permits were issued before it began). */
export async function registerPermits(query: Query, permits: readonly TestPermit[]): Promise<void> {
  for (const p of permits) {
    const [color, plate] = [
      p.vehicleKey.slice(0, p.vehicleKey.indexOf(':')),
      p.vehicleKey.slice(p.vehicleKey.indexOf(':') + 1),
    ];
    await query(
      `INSERT INTO registry_permits (permit_no, vehicle_key, plate, plate_color, valid_from, valid_to, max_gross_weight_kg, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        p.permitNo,
        p.vehicleKey,
        plate,
        Number(color),
        p.validFrom,
        p.validTo,
        p.maxGrossWeightKg,
        p.status ?? 'ISSUED',
      ],
    );
  }
}
