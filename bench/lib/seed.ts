import { Client } from 'pg';

/**
 * Seeded vehicles are numbered 0..n−1; vehicle i has the plate 浙<letter><5 digits> (letters as the
 * generator uses them, I and O left out), plate colour 1 (yellow, trucks). Never-seen vehicles for the
 * gate use 苏 so that they cannot collide with seeded ones.
 */
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export const MAX_SEEDED_VEHICLES = LETTERS.length * 100_000;

export function seededPlate(i: number, province = '浙'): string {
  return `${province}${LETTERS[Math.floor(i / 100_000)]}${String(i % 100_000).padStart(5, '0')}`;
}

/** The same plate in SQL, for generate_series(0, n − 1) AS i. */
const SQL_PLATE = `'浙' || substr('${LETTERS}', (i / 100000) + 1, 1) || lpad((i % 100000)::text, 5, '0')`;

export interface SeedListings {
  vehicles: number;
  /** Vehicle i has an active listing when i % activeEvery = 0 (1: all of them); the others an expired one. */
  activeEvery: number;
  /** Of the active ones, i % publishedEvery = 0 are PUBLISHED (turn back either way). */
  publishedEvery: number;
}

/**
 * Writes listings and vehicle states straight into a migrated product database with one INSERT …
 * SELECT generate_series each, as `cache:rebuild` will read them: active listings (LISTED/PUBLISHED,
 * listed 30 days ago, 3 acts) and, for the other vehicles, a listing that expired a month ago (the
 * cache then holds a "no listing" entry for them). Returns the seconds it took.
 */
export async function seedListings(databaseUrl: string, seed: SeedListings): Promise<number> {
  if (seed.vehicles > MAX_SEEDED_VEHICLES) throw new Error(`at most ${MAX_SEEDED_VEHICLES} seeded vehicles`);
  const began = Date.now();
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    await pg.query(
      `INSERT INTO listings (vehicle_key, plate, plate_color, status, listed_at, expires_at, violation_count,
                             published_at, ended_at, end_reason)
       SELECT '1:' || plate, plate, 1, status, listed_at, listed_at + interval '365 days', 3,
              CASE WHEN status = 'PUBLISHED' THEN listed_at + interval '5 days' END,
              CASE WHEN status = 'EXPIRED' THEN listed_at + interval '365 days' END,
              CASE WHEN status = 'EXPIRED' THEN 'EXPIRED' END
       FROM (
         SELECT ${SQL_PLATE} AS plate,
                CASE WHEN i % $2 <> 0 THEN 'EXPIRED' WHEN i % $3 = 0 THEN 'PUBLISHED' ELSE 'LISTED' END AS status,
                CASE WHEN i % $2 <> 0 THEN now() - interval '395 days' ELSE now() - interval '30 days' END AS listed_at
         FROM generate_series(0, $1::int - 1) AS i
       ) v`,
      [seed.vehicles, seed.activeEvery, seed.publishedEvery],
    );
    await pg.query(
      `INSERT INTO vehicle_states (vehicle_key, plate, plate_color, state, count_in_window, active_listing_id, version)
       SELECT vehicle_key, plate, plate_color,
              CASE WHEN status IN ('LISTED','PUBLISHED') THEN status ELSE 'CLEAR' END,
              CASE WHEN status IN ('LISTED','PUBLISHED') THEN 3 ELSE 0 END,
              CASE WHEN status IN ('LISTED','PUBLISHED') THEN id END,
              1
       FROM listings`,
    );
    await pg.query('ANALYZE listings; ANALYZE vehicle_states');
  } finally {
    await pg.end();
  }
  return (Date.now() - began) / 1000;
}
