import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from './data-source';

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Splits a postgres URL into the maintenance connection and the database name it names. */
function maintenanceUrl(databaseUrl: string): { adminUrl: string; database: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`DATABASE_URL names no database: ${databaseUrl}`);
  url.pathname = '/postgres';
  return { adminUrl: url.toString(), database };
}

/** Creates the database named in the URL when it does not exist yet. Returns true when it created it. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { adminUrl, database } = maintenanceUrl(databaseUrl);
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    return true;
  } catch (error) {
    // Two processes creating the same database at once: the loser sees duplicate_database.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { adminUrl, database } = maintenanceUrl(databaseUrl);
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Creates the database if needed and applies pending migrations; returns the names applied. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const dataSource: DataSource = createDataSource({ databaseUrl, applicationName: 'migrate', poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
