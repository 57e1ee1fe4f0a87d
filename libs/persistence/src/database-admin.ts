import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@oc/config';
import { createDataSource } from './data-source';
import { DatabaseRoles, DEFAULT_DATABASE_ROLES, grantPrivileges, prepareRoles } from './database-roles';

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

/** The roles of the configuration, and the passwords the apps' own URLs carry (set by `migrate`). */
export function migrateOptionsFrom(config: AppConfig): MigrateOptions {
  const password = (url: string | undefined): string | undefined =>
    url ? decodeURIComponent(new URL(url).password) || undefined : undefined;
  return {
    roles: { owner: config.DB_OWNER_ROLE, app: config.DB_APP_ROLE, gate: config.DB_GATE_ROLE },
    passwords: { app: password(config.APP_DATABASE_URL), gate: password(config.GATE_DATABASE_URL) },
  };
}

export interface MigrateOptions {
  roles?: DatabaseRoles;
  /** Passwords `migrate` sets for the app and gate roles (from APP_DATABASE_URL, GATE_DATABASE_URL). */
  passwords?: Partial<Record<'app' | 'gate', string>>;
}

// One migrate at a time per database (advisory locks are the database's own): concurrent runs would
// race on the migrations table and on the grants of the same tables.
const MIGRATE_LOCK = 7_240_014;

/**
 * Creates the database if needed, the roles if missing (docs/operations.md), applies pending migrations
 * as the owner role and grants the app and gate roles what they may do; returns the migrations applied.
 * `databaseUrl` connects as the owner role or as an administrator who may act as it.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  const roles = options.roles ?? DEFAULT_DATABASE_ROLES;
  await ensureDatabase(databaseUrl);
  const admin = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    const { actAs } = await prepareRoles(admin, roles, options.passwords);
    const dataSource: DataSource = createDataSource({
      databaseUrl,
      applicationName: 'migrate',
      poolSize: 1,
      actAs,
    });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      await dataSource.transaction((manager) =>
        grantPrivileges((sql, params) => manager.query(sql, params) as Promise<unknown[]>, roles),
      );
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await admin.end();
  }
}
