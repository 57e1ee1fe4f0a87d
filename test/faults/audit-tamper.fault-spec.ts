import { randomBytes } from 'node:crypto';
import { AUDIT_GENESIS_HASH, auditHash, auditKeyring } from '@oc/domain';
import { issueStaffToken } from '@oc/credit';
import { readAuditAnchors } from '@oc/messaging';
import { AuditKeys, AuditLogRepository, createDataSource, DatabaseConnection } from '@oc/persistence';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

/**
 * SPEC §4.7 against the one who owns the database (here the `postgres` superuser, who can disable the
 * append-only triggers): a chain rewritten and recomputed with SHA-256 fails `audit:verify` naming the
 * edited entry, and so does cutting off the last ten entries, through the anchors ingest published to
 * audit.anchors.v1; a stretch without anchors while entries were written is reported; the staff API
 * says the same to an ADMIN only, from a result that says when it was computed.
 */
const KEY = randomBytes(32).toString('base64url');
const SECRET = 'audit-tamper-fault-secret-0123456789abcdef';
const INTERVAL_MS = 1000;

interface CliVerification {
  ok: boolean;
  entries: number;
  firstBroken?: { seq: string; code: string; reason: string };
  unsealedEntries: number;
  anchors: { valid: number; invalid: number; latest: { seq: string } | null };
  anchorGaps: { firstSeq: string; lastSeq: string }[];
}

describe('faults: the audit log rewritten or cut off by the database owner (running ingest, staff-api, CLI)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let db: DatabaseConnection;
  const env = () => s.env({ AUDIT_HMAC_KEY: KEY, AUDIT_ANCHOR_INTERVAL_MS: String(INTERVAL_MS) });
  const token = (roles: ('ADMIN' | 'OFFICER' | 'LEGAL_REVIEWER')[]) =>
    issueStaffToken(SECRET, { sub: `fault-${roles.join('-').toLowerCase()}`, roles }, 3600);
  const verification = async (roles: ('ADMIN' | 'OFFICER' | 'LEGAL_REVIEWER')[] = ['ADMIN']) => {
    const response = await fetch(`${staff.url}/v1/audit/verification`, {
      headers: { authorization: `Bearer ${token(roles)}` },
    });
    return { status: response.status, body: (await response.json()) as CliVerification & { computedAt: string } };
  };
  const verify = async () => {
    const run = await runCli(['audit:verify'], env());
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    return { code: run.code, output: run.stdout + run.stderr, result: JSON.parse(line || 'null') as CliVerification };
  };
  const head = async () =>
    (await s.query<{ seq: string }>(`SELECT max(seq)::text AS seq FROM audit_log`))[0]!.seq ?? '0';
  /** Until an anchor names the current head: it left the database's hands. */
  const anchoredHead = async () => {
    const seq = await head();
    await eventually(
      async () =>
        (
          await readAuditAnchors(s.kafka, s.topics.auditAnchors, { groupPrefix: s.topicPrefix, timeoutMs: 20000 })
        ).anchors.some((a) => a.seq === seq),
      { what: `an anchor of seq ${seq} on ${s.topics.auditAnchors}`, timeoutMs: 60000, intervalMs: 500 },
    );
    return seq;
  };
  /** As the owner: the append-only trigger off for the statements, then on again. */
  const asOwner = async (work: () => Promise<unknown>) => {
    await s.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    try {
      await work();
    } finally {
      await s.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    }
  };
  /** Entries as staff actions write them, sealed with the deployment's key. */
  const append = async (n: number, from: number) => {
    const repo = new AuditLogRepository(db, new AuditKeys(auditKeyring(KEY)));
    const ds = await db.ready();
    for (let i = from; i < from + n; i++)
      await ds.transaction((m) =>
        repo.append(m, [
          {
            at: new Date(),
            actor: 'officer-a',
            action: 'VIOLATION_PROCESSED',
            entityType: 'violation',
            entityId: `v-${i}`,
            before: { status: 'OPEN' },
            after: { status: 'PROCESSED', caseNo: `湖交执罚〔2026〕${i}号`, fineYuan: 500 },
            reason: null,
          },
        ]),
      );
  };

  beforeAll(async () => {
    s = await Scenario.create('audittamper');
    db = new DatabaseConnection(
      createDataSource({ databaseUrl: s.databaseUrl, applicationName: 'audit-tamper', poolSize: 2 }),
    );
    // Entries the CLI writes itself (station registered, key issued), then staff-like ones.
    for (const station of ['330500091', '330521092'])
      expect((await runCli(['station:add', station], env())).code).toBe(0);
    await append(30, 1);
    await s.startIngest(env());
    staff = await s.startApp('staff-api', {
      ...env(),
      STAFF_JWT_SECRET: SECRET,
      AUDIT_VERIFICATION_CACHE_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await db?.onApplicationShutdown();
    await s?.close();
  });

  it('untampered: audit:verify and the API say intact, every entry sealed and the head anchored', async () => {
    await anchoredHead();
    const [{ n }] = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
    expect(n).toBeGreaterThanOrEqual(32);
    const { code, result, output } = await verify();
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(result).toMatchObject({ ok: true, entries: n, unsealedEntries: 0, anchorGaps: [], anchors: { invalid: 0 } });
    expect(result.anchors.valid).toBeGreaterThan(0);
    const api = await eventually(async () => {
      const v = await verification();
      return v.status === 200 && v.body.entries === n ? v : undefined;
    });
    expect(api.body).toMatchObject({ ok: true, entries: n });
    expect(Date.now() - Date.parse(api.body.computedAt)).toBeLessThan(60_000);
  });

  it('/audit/verification is for ADMIN only: 403 for every other role', async () => {
    for (const roles of [['OFFICER'], ['LEGAL_REVIEWER'], ['OFFICER', 'LEGAL_REVIEWER']] as const) {
      const v = await verification([...roles]);
      expect({ roles, status: v.status, code: (v.body as unknown as { error: { code: string } }).error?.code }).toEqual(
        {
          roles,
          status: 403,
          code: 'FORBIDDEN',
        },
      );
    }
  });

  it('entries written while no anchor is made (ingest stopped) are reported as a gap (exit 3)', async () => {
    await s.ingest!.stop();
    const before = Number(await head());
    await append(3, 100);
    // Three intervals must pass without an anchor: audit:verify says so once they have.
    const gapped = await eventually(
      async () => {
        const v = await verify();
        return v.code === 3 ? v : undefined;
      },
      { what: 'audit:verify to report the gap', timeoutMs: 60000, intervalMs: 200 },
    );
    expect(gapped.result.ok).toBe(true);
    expect(gapped.result.anchorGaps).toEqual([
      expect.objectContaining({ firstSeq: String(before + 1), lastSeq: String(before + 3) }),
    ]);
    expect(gapped.output).toContain(`while entries ${before + 1}..${before + 3} were written`);
    await s.startIngest(env());
  });

  it('the last ten entries deleted: audit:verify fails naming the anchored entry that is gone', async () => {
    const last = Number(await anchoredHead());
    await asOwner(() =>
      s.query(`DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 10)`),
    );
    const end = Number(await head());
    expect(end).toBe(last - 10);
    const { code, result, output } = await verify();
    expect(code).toBe(1);
    expect(result).toMatchObject({ ok: false, entries: end, firstBroken: { code: 'TAIL_DELETED' } });
    const named = Number(result.firstBroken!.seq);
    expect(named).toBeGreaterThan(end);
    expect(named).toBeLessThanOrEqual(last);
    expect(output).toContain(`audit log broken at seq ${named} (TAIL_DELETED)`);
    expect(output).toContain(`the log ends at seq ${end}`);
    const api = await eventually(async () => {
      const v = await verification();
      return v.body.ok === false ? v : undefined;
    });
    expect(api.body.firstBroken).toEqual(result.firstBroken);
  });

  it('an entry edited and the SHA-256 chain recomputed: audit:verify fails naming the edited entry', async () => {
    const rows = await s.query<{
      seq: string;
      at: Date;
      actor: string;
      action: string;
      entity_type: string;
      entity_id: string;
      before: unknown;
      after: unknown;
      reason: string | null;
    }>(`SELECT * FROM audit_log ORDER BY seq`);
    const edited = rows[7]!;
    // What someone without AUDIT_HMAC_KEY can do: change a fine, then make every hash and link agree.
    await asOwner(async () => {
      let prevHash = AUDIT_GENESIS_HASH;
      for (const r of rows) {
        const after =
          r.seq === edited.seq ? { ...(r.after as Record<string, unknown>), fineYuan: 50 } : (r.after as object);
        const hash = auditHash(prevHash, {
          at: r.at.toISOString(),
          actor: r.actor,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          before: r.before,
          after,
          reason: r.reason,
        });
        await s.query(`UPDATE audit_log SET after = $2::jsonb, prev_hash = $3, hash = $4 WHERE seq = $1`, [
          r.seq,
          JSON.stringify(after),
          prevHash,
          hash,
        ]);
        prevHash = hash;
      }
    });
    const { code, result, output } = await verify();
    expect(code).toBe(1);
    expect(result).toMatchObject({
      ok: false,
      entries: 7,
      firstBroken: { seq: String(edited.seq), code: 'HMAC_MISMATCH' },
    });
    expect(output).toContain(`audit log broken at seq ${edited.seq} (HMAC_MISMATCH)`);
    const api = await eventually(async () => {
      const v = await verification();
      return v.body.firstBroken?.seq === String(edited.seq) ? v : undefined;
    });
    expect(api.body).toMatchObject({ ok: false, firstBroken: { code: 'HMAC_MISMATCH' } });
  });
});
