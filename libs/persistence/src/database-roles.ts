import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Client } from 'pg';

/**
 * The three roles of a deployment (docs/operations.md "Database roles"): the owner of the schema, which
 * only `migrate` acts as; the apps' role (ingest, staff-api, the CLI), which reads and writes rows but
 * never rewrites the audit log and runs no DDL; and gate-api's role, which only reads what the gate reads.
 */
export interface DatabaseRoles {
  owner: string;
  app: string;
  gate: string;
}

export const DEFAULT_DATABASE_ROLES: DatabaseRoles = {
  owner: 'overload_owner',
  app: 'overload_app',
  gate: 'overload_gate',
};

/** The tables gate-api reads (its listing fallback, the permit check and the station keys). */
export const GATE_READ_TABLES = ['stations', 'listings', 'registry_permits'] as const;

/**
 * Append-only for the app role (SPEC §4.7): SELECT and INSERT only. The triggers refuse a change by
 * anyone; the missing privilege refuses it even with the triggers gone, and only the owner can drop them.
 */
export const APPEND_ONLY_TABLES = ['audit_log'] as const;

/** TypeORM's bookkeeping: the owner's alone. */
export const MIGRATIONS_TABLE = 'schema_migrations';

const ROLE_NAME = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/;

export function assertRoleNames(roles: DatabaseRoles): void {
  for (const [which, name] of Object.entries(roles)) {
    if (!ROLE_NAME.test(name)) throw new Error(`database role ${which} (${name}) must be a lower-case SQL name`);
  }
  if (new Set(Object.values(roles)).size !== 3) {
    throw new Error(`the owner, app and gate database roles must be three roles (${Object.values(roles).join(', ')})`);
  }
}

/** The role attributes of all three: none can bypass privileges, create roles or databases. */
const ROLE_ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';

/** Cluster-wide, run by an administrator (a superuser, or a role with CREATEROLE) when a role is missing. */
export function createRoleStatement(name: string): string {
  return `CREATE ROLE ${name} ${ROLE_ATTRIBUTES}`;
}

/**
 * Per database, by an administrator, before the migrations: the schema is the owner's, and only the roles
 * it grants may use it (Postgres lets PUBLIC use it, and before version 15 create in it, by default).
 */
export function schemaStatements(roles: DatabaseRoles): string[] {
  return [`ALTER SCHEMA public OWNER TO ${roles.owner}`, `REVOKE ALL ON SCHEMA public FROM PUBLIC`];
}

/**
 * Per database, as the owner, after every migration run (so a table a migration adds is granted at once;
 * the default privileges cover a table created by hand in between). Granted by table, never by column,
 * so a column a later migration adds needs no grant of its own.
 */
export function grantStatements(roles: DatabaseRoles): string[] {
  const { owner, app, gate } = roles;
  return [
    `GRANT USAGE ON SCHEMA public TO ${app}, ${gate}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`,
    `REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${app}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON ${APPEND_ONLY_TABLES.join(', ')} FROM ${app}`,
    `REVOKE ALL ON ${MIGRATIONS_TABLE} FROM ${app}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${gate}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${gate}`,
    `GRANT SELECT ON ${GATE_READ_TABLES.join(', ')} TO ${gate}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
  ];
}

const DUPLICATE_OBJECT = '42710';
const UNIQUE_VIOLATION = '23505';

interface Session {
  user: string;
  superuser: boolean;
  createRole: boolean;
}

async function session(client: Client): Promise<Session> {
  const { rows } = await client.query<{ user: string; superuser: boolean; create_role: boolean }>(
    `SELECT rolname AS user, rolsuper AS superuser, rolcreaterole AS create_role FROM pg_roles WHERE rolname = session_user`,
  );
  return { user: rows[0]!.user, superuser: rows[0]!.superuser, createRole: rows[0]!.create_role };
}

/**
 * Creates the roles that are missing. Roles belong to the cluster while each test has its own database
 * on a shared server, so two `migrate` runs may create the same role at once: the loser's
 * duplicate_object (or the unique violation of pg_authid when both inserted before either committed)
 * means the role exists, which is all it needed.
 */
async function ensureRoles(client: Client, roles: DatabaseRoles, who: Session): Promise<void> {
  for (const name of [roles.owner, roles.app, roles.gate]) {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    if (exists.rowCount) continue;
    if (!who.superuser && !who.createRole) {
      throw new Error(
        `database role ${name} does not exist and ${who.user} may not create it: an administrator runs ` +
          `"${createRoleStatement(name)}" (docs/operations.md)`,
      );
    }
    try {
      await client.query(createRoleStatement(name));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== DUPLICATE_OBJECT && code !== UNIQUE_VIOLATION) throw error;
    }
  }
}

/**
 * A SCRAM-SHA-256 verifier (RFC 7677, as Postgres stores it), so `ALTER ROLE … PASSWORD` never carries
 * the password itself into the server's logs. ASCII only: Postgres SASLpreps a password before hashing,
 * which leaves printable ASCII as it is.
 */
export function scramSha256Verifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  if (!/^[\x20-\x7e]+$/.test(password)) throw new Error('a database password set by migrate must be printable ASCII');
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Objects of the schema someone else owns (a database migrated before the roles existed): the owner's now. */
async function takeOwnership(client: Client, roles: DatabaseRoles, who: Session): Promise<void> {
  const foreign = async (): Promise<string[]> => {
    const { rows } = await client.query<{ statement: string }>(
      `SELECT format('ALTER %s %s OWNER TO %I',
                CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                c.oid::regclass, $1::text) AS statement
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $1
         -- a sequence that belongs to a column moves with its table
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
       UNION ALL
       SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, $1::text)
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
       WHERE pg_get_userbyid(p.proowner) <> $1
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
      [roles.owner],
    );
    return rows.map((r) => r.statement);
  };
  const statements = await foreign();
  if (statements.length === 0) return;
  if (!who.superuser) {
    throw new Error(
      `${statements.length} objects of schema public are not owned by ${roles.owner} and ${who.user} is no ` +
        `superuser: an administrator runs, e.g., "${statements[0]}" (docs/operations.md)`,
    );
  }
  for (const statement of statements) await client.query(statement);
}

export interface RolePreparation {
  /** The role the migrations run as: undefined when the session user is the owner itself. */
  actAs?: string;
}

/**
 * What an administrator's session does before the migrations: the roles, the passwords given, the
 * schema's privileges and the ownership of what is there. Returns the role the migrations act as.
 */
export async function prepareRoles(
  client: Client,
  roles: DatabaseRoles,
  passwords: Partial<Record<'app' | 'gate', string>> = {},
): Promise<RolePreparation> {
  assertRoleNames(roles);
  const who = await session(client);
  await ensureRoles(client, roles, who);
  for (const which of ['app', 'gate'] as const) {
    const password = passwords[which];
    if (password) await client.query(`ALTER ROLE ${roles[which]} PASSWORD '${scramSha256Verifier(password)}'`);
  }
  if (who.user !== roles.owner) {
    const member = await client.query<{ ok: boolean }>(`SELECT pg_has_role(session_user, $1, 'USAGE') AS ok`, [
      roles.owner,
    ]);
    if (!member.rows[0]!.ok) {
      throw new Error(
        `migrate connects as ${who.user}, which may not act as ${roles.owner}: connect DATABASE_URL as ` +
          `${roles.owner} or as an administrator (docs/operations.md)`,
      );
    }
    if (who.superuser) for (const statement of schemaStatements(roles)) await client.query(statement);
  }
  await takeOwnership(client, roles, who);
  return { actAs: who.user === roles.owner ? undefined : roles.owner };
}

/** Runs the grants (as the owner) and then checks what they must guarantee, whatever was granted by hand. */
export async function grantPrivileges(
  query: (sql: string, params?: unknown[]) => Promise<unknown[]>,
  roles: DatabaseRoles,
): Promise<void> {
  for (const statement of grantStatements(roles)) await query(statement);
  const problems = (await query(
    `SELECT r.rolname || ' ' || problem AS problem FROM pg_roles r,
       LATERAL (VALUES
         (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb, 'may bypass privileges or create roles or databases'),
         (pg_has_role(r.rolname, $1, 'USAGE'), 'acts as the owner ' || $1),
         (has_schema_privilege(r.rolname, 'public', 'CREATE'), 'may create objects in schema public'),
         (EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid), 'owns tables'),
         (has_table_privilege(r.rolname, 'audit_log', 'UPDATE') OR has_table_privilege(r.rolname, 'audit_log', 'DELETE')
            OR has_table_privilege(r.rolname, 'audit_log', 'TRUNCATE'), 'may change audit_log'),
         (r.rolname = $3 AND EXISTS (
            SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            WHERE c.relkind IN ('r', 'p') AND has_table_privilege(r.rolname, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')),
          'may write a table')
       ) AS v(failed, problem)
     WHERE r.rolname IN ($2, $3) AND v.failed`,
    [roles.owner, roles.app, roles.gate],
  )) as { problem: string }[];
  if (problems.length > 0) {
    throw new Error(
      `the database roles are not as docs/operations.md requires: ${problems.map((p) => p.problem).join('; ')}`,
    );
  }
}
