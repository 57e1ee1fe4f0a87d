import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrlFor, loadConfig } from '@oc/config';
import { dropDatabase, ensureDatabase, GATE_READ_TABLES, migrate, type DatabaseRoles } from '@oc/persistence';
import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually, testServices } from '../harness/services';

/**
 * docs/operations.md "Database roles": the apps never connect as the owner of the schema. With the app
 * role the audit log can be read and appended to, never rewritten (SPEC §4.7), not even by switching its
 * triggers off; the gate's role reads what the gate reads and writes nothing; and the three apps run on
 * those roles. A staff query over STAFF_STATEMENT_TIMEOUT_MS is cancelled by Postgres and answers 503.
 */
const SECRET = 'db-roles-fault-secret-0123456789abcdef';
const DAY = 86_400_000;
const INSUFFICIENT_PRIVILEGE = '42501';

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The SQLSTATE a statement fails with (undefined: it succeeded). */
async function sqlStateOf(client: Client, sql: string): Promise<string | undefined> {
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('database roles: the apps connect as roles that cannot rewrite the audit log', () => {
  let s: Scenario;
  let app: Client;
  let gate: Client;

  beforeAll(async () => {
    s = await Scenario.create('db_roles');
    const config = loadConfig(s.env());
    app = await connect(databaseUrlFor(config, 'app'));
    gate = await connect(databaseUrlFor(config, 'gate'));
    // One entry to try to rewrite, appended as the apps append (as the app role).
    await app.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, prev_hash, hash)
       VALUES (now(), 'system', 'TEST', 'test', '1', '', 'h1')`,
    );
  });
  afterAll(async () => {
    await app?.end().catch(() => undefined);
    await gate?.end().catch(() => undefined);
    await s?.close();
  });

  it('connects the app and gate roles, neither of them the owner nor a superuser', async () => {
    const [row] = (
      await app.query<{ user: string; superuser: boolean }>(
        `SELECT current_user AS user, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`,
      )
    ).rows;
    expect(row).toEqual({ user: 'overload_app', superuser: false });
    expect((await gate.query<{ user: string }>('SELECT current_user AS user')).rows[0]!.user).toBe('overload_gate');
    const owners = await s.query<{ owner: string }>(
      `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')`,
    );
    expect(owners).toEqual([{ owner: 'overload_owner' }]);
    expect(
      await s.query(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'public'`),
    ).toEqual([{ owner: 'overload_owner' }]);
  });

  it('with the app role: audit_log takes INSERT and SELECT; UPDATE, DELETE, TRUNCATE and switching its triggers off fail', async () => {
    expect(
      await sqlStateOf(
        app,
        `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, prev_hash, hash)
         VALUES (now(), 'system', 'TEST', 'test', '2', 'h1', 'h2')`,
      ),
    ).toBeUndefined();
    expect((await app.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0]).toEqual({ n: 2 });
    // Refused for the privilege (42501), before the append-only trigger would be asked.
    expect(await sqlStateOf(app, `UPDATE audit_log SET actor = 'x'`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `DELETE FROM audit_log`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `TRUNCATE audit_log`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `ALTER TABLE audit_log DISABLE TRIGGER ALL`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`)).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    expect(await sqlStateOf(app, `DROP TRIGGER audit_log_append_only ON audit_log`)).toBe(INSUFFICIENT_PRIVILEGE);
    // The other way to skip triggers: replica mode is the superuser's.
    expect(await sqlStateOf(app, `SET session_replication_role = replica`)).toBe(INSUFFICIENT_PRIVILEGE);
    // The chain's rows are as they were.
    const rows = await s.query(`SELECT entity_id, actor FROM audit_log ORDER BY seq`);
    expect(rows).toEqual([
      { entity_id: '1', actor: 'system' },
      { entity_id: '2', actor: 'system' },
    ]);
  });

  it('with the app role: rows of the other tables are written, no DDL, no migrations table', async () => {
    expect(await sqlStateOf(app, `UPDATE stations SET name = name WHERE station_id = '330500001'`)).toBeUndefined();
    expect(await sqlStateOf(app, `DELETE FROM outbox WHERE false`)).toBeUndefined();
    expect(await sqlStateOf(app, `CREATE TABLE app_made (id int)`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `ALTER TABLE stations ADD COLUMN extra text`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `DROP TABLE outbox`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `TRUNCATE outbox`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlStateOf(app, `SELECT * FROM schema_migrations`)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('with the gate role: reads what the gate reads, writes no table at all', async () => {
    for (const table of GATE_READ_TABLES) {
      expect(await sqlStateOf(gate, `SELECT * FROM ${table} LIMIT 1`)).toBeUndefined();
    }
    expect(await sqlStateOf(gate, `SELECT * FROM audit_log LIMIT 1`)).toBe(INSUFFICIENT_PRIVILEGE);
    const tables = await s.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1`,
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const { name } of tables) {
      // DEFAULT VALUES may break a NOT NULL constraint, but only after the privilege check passed.
      expect([name, await sqlStateOf(gate, `INSERT INTO ${name} DEFAULT VALUES`)]).toEqual([
        name,
        INSUFFICIENT_PRIVILEGE,
      ]);
      expect([name, await sqlStateOf(gate, `DELETE FROM ${name}`)]).toEqual([name, INSUFFICIENT_PRIVILEGE]);
    }
    expect(await sqlStateOf(gate, `CREATE TABLE gate_made (id int)`)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('runs ingest, staff-api, gate-api and the CLI on their roles: a truck listed by ingest is turned back at the gate and shown by staff-api', async () => {
    const issued = await runCli(['station:add', '330500001'], s.env());
    expect(issued.code).toBe(0);
    const key = issued.stdout.trim();
    await s.startIngest();
    const staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET });
    const gateApi = await s.startApp('gate-api');
    const plate = '浙E14701';
    const t0 = Date.now() - 40 * DAY;
    await s.produce(
      [0, 2, 4].map((d, i) => violationEvent({ eventId: `roles-${i}`, plate, measuredAt: new Date(t0 + d * DAY) })),
    );
    const turnedBack = await eventually(
      async () => {
        const res = await fetch(
          `${gateApi.url}/v1/gate/decision?plate=${encodeURIComponent(plate)}&plateColor=1&cargo=LADEN`,
          { headers: { authorization: `Bearer ${key}` } },
        );
        const body = (await res.json()) as { decision?: string };
        return body.decision === 'TURN_BACK' ? body : false;
      },
      { what: 'the listing to reach the gate', timeoutMs: 30000 },
    );
    expect(turnedBack).toMatchObject({ reasons: ['DISHONESTY_LIST'] });
    const token = (
      await runCli(['token:issue', '--sub', 'officer-r', '--roles', 'OFFICER'], s.env({ STAFF_JWT_SECRET: SECRET }))
    ).stdout.trim();
    const vehicle = await fetch(`${staff.url}/v1/vehicles/1/${encodeURIComponent(plate)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(vehicle.status).toBe(200);
    expect(await vehicle.json()).toMatchObject({ state: 'LISTED' });
    // The gate's database path too (its pool reads as the gate role).
    const ready = await fetch(`${gateApi.url}/health/ready`);
    expect(ready.status).toBe(200);

    // Who is connected to this world's database, as which role.
    const sessions = await s.query<{ usename: string; application_name: string }>(
      `SELECT DISTINCT usename, application_name FROM pg_stat_activity
       WHERE datname = current_database() AND application_name LIKE 'overload-credit:%' ORDER BY 2, 1`,
    );
    expect(sessions).toEqual(
      expect.arrayContaining([
        { usename: 'overload_gate', application_name: 'overload-credit:gate' },
        { usename: 'overload_gate', application_name: 'overload-credit:gate-api' },
        { usename: 'overload_app', application_name: 'overload-credit:ingest' },
        { usename: 'overload_app', application_name: 'overload-credit:staff-api' },
      ]),
    );
    expect(sessions.filter((r) => !['overload_app', 'overload_gate'].includes(r.usename))).toEqual([]);
  });

  it('a staff query that outlives STAFF_STATEMENT_TIMEOUT_MS is cancelled by Postgres and answers 503 QUERY_TIMEOUT', async () => {
    const staff: RunningApp = await s.startApp('staff-api', {
      STAFF_JWT_SECRET: SECRET,
      STAFF_STATEMENT_TIMEOUT_MS: '500',
    });
    const token = (
      await runCli(['token:issue', '--sub', 'officer-t', '--roles', 'OFFICER'], s.env({ STAFF_JWT_SECRET: SECRET }))
    ).stdout.trim();
    const vehicle = () =>
      fetch(`${staff.url}/v1/vehicles/1/${encodeURIComponent('浙E14701')}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(20000),
      });
    expect((await vehicle()).status).toBe(200);
    // A genuinely slow statement: the profile's read of listings waits for a lock another session holds
    // (as behind a long migration or a stuck writer); statement_timeout counts that wait like any other.
    const holder = await connect(s.databaseUrl);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE listings IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await vehicle();
      const tookMs = Date.now() - started;
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: {
          code: 'QUERY_TIMEOUT',
          message: 'The database did not finish the query in time; try again later or narrow the query',
        },
      });
      // Not before the timeout, and long before the lock would have gone (it is held until the ROLLBACK).
      expect(tookMs).toBeGreaterThanOrEqual(450);
      expect(tookMs).toBeLessThan(15000);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    expect((await vehicle()).status).toBe(200);
  });
});

describe('migrate on a shared server: roles are the cluster’s, grants each database’s', () => {
  const suffix = randomBytes(3).toString('hex');
  const roles: DatabaseRoles = { owner: `oc_t${suffix}_owner`, app: `oc_t${suffix}_app`, gate: `oc_t${suffix}_gate` };
  const urls = [0, 1, 2, 3].map((i) => testServices().databaseUrlFor(`oc_test_${testServices().runId}_roles_${i}`));

  afterAll(async () => {
    await Promise.all(urls.map((u) => dropDatabase(u).catch(() => undefined)));
    const admin = await connect(testServices().databaseUrl);
    try {
      for (const role of Object.values(roles)) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await admin.end();
    }
  });

  it('creates the same missing roles from four databases at once, each of them granted', async () => {
    // The databases first, so that the four runs reach the roles at the same moment.
    await Promise.all(urls.map((u) => ensureDatabase(u)));
    const applied = await Promise.all(urls.map((u) => migrate(u, { roles })));
    expect(applied.every((names) => names.includes('CreateCoreSchema1764190800000'))).toBe(true);
    for (const url of urls) {
      const admin = await connect(url);
      try {
        const { rows } = await admin.query(
          `SELECT has_table_privilege($1, 'audit_log', 'INSERT') AS app_inserts,
                  has_table_privilege($1, 'audit_log', 'UPDATE') AS app_updates,
                  has_table_privilege($2, 'listings', 'SELECT') AS gate_reads,
                  has_table_privilege($2, 'listings', 'INSERT') AS gate_inserts,
                  (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass) AS owner`,
          [roles.app, roles.gate],
        );
        expect(rows[0]).toEqual({
          app_inserts: true,
          app_updates: false,
          gate_reads: true,
          gate_inserts: false,
          owner: roles.owner,
        });
      } finally {
        await admin.end();
      }
    }
  });
});
