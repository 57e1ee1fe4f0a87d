import { loadConfig } from '@oc/config';
import { CreditRecountService, CreditRepairService, ViolationActionsService } from '@oc/credit';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  OutboxRepository,
  StaffQueryRepository,
  StaffWorkflowRepository,
  RevocationRepository,
} from '@oc/persistence';
import Redis from 'ioredis';
import { violationEvent } from '@oc/simulation';
import { runCli } from '../harness/cli';
import { replayDifferences } from '../harness/credit-snapshot';
import { OwnRedis } from '../harness/redis-server';
import { Scenario } from '../harness/scenario';
import { eventually, testAuditKeys } from '../harness/services';
import { assertCacheMatchesDatabase } from './support/cache-consistency';

const DAY = 86_400_000;
const DEADLINE_MS = 100;
/**
 * "Answered, did not hang" (the client gives up at 5 s). Whether the gate kept its 100 ms deadline is
 * reported from its own histogram, not asserted: wall-clock bounds flake on a shared 2-core machine.
 */
const ANSWERED_MS = 2000;

describe('Redis outage (test-owned redis-server): fallback, reconciliation, a repair and a revocation during the outage', () => {
  let s: Scenario;
  let redis: OwnRedis;
  let db: DatabaseConnection;
  const plate = '浙E70001';
  /** Listed too; one of its violations is revoked (an appeal) during the outage. */
  const appealed = '浙E70002';

  beforeAll(async () => {
    s = await Scenario.create('redis_outage');
    redis = await OwnRedis.start();
    db = new DatabaseConnection(
      createDataSource({ databaseUrl: s.databaseUrl, applicationName: 'faults', poolSize: 2 }),
    );
  });
  afterAll(async () => {
    await s.close();
    await db.onApplicationShutdown();
    await redis.stop();
  });

  it('falls back to Postgres while Redis is down, and vehicles repaired or revoked meanwhile are not turned back once Redis returns', async () => {
    const key = (await runCli(['station:add', '330523001'], s.env())).stdout.trim();
    await s.startIngest({ REDIS_URL: redis.url });
    const gate = await s.startApp('gate-api', { REDIS_URL: redis.url, GATE_DEADLINE_MS: String(DEADLINE_MS) });
    const t0 = Date.now() - 40 * DAY;
    await s.produce([
      ...[0, 3, 6].map((d, i) => violationEvent({ eventId: `ro-${i}`, plate, measuredAt: new Date(t0 + d * DAY) })),
      ...[1, 4, 7].map((d, i) =>
        violationEvent({ eventId: `ro-appeal-${i}`, plate: appealed, measuredAt: new Date(t0 + d * DAY) }),
      ),
    ]);
    const ask = async (asked = plate) => {
      const started = performance.now();
      const res = await fetch(
        `${gate.url}/v1/gate/decision?plate=${encodeURIComponent(asked)}&plateColor=1&cargo=LADEN`,
        {
          headers: { authorization: `Bearer ${key}` },
          signal: AbortSignal.timeout(5000),
        },
      );
      expect(res.status).toBe(200);
      return { ...((await res.json()) as { decision: string; source: string }), ms: performance.now() - started };
    };
    await eventually(
      async () => {
        const [a, b] = [await ask(), await ask(appealed)];
        return a.decision === 'TURN_BACK' && a.source === 'cache' && b.decision === 'TURN_BACK' && b.source === 'cache';
      },
      { what: 'both listings in the cache', timeoutMs: 30000 },
    );

    await redis.stop();
    const fallbackMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const a = await ask();
      expect(a).toMatchObject({ decision: 'TURN_BACK', source: 'database' });
      expect(a.ms).toBeLessThan(ANSWERED_MS);
      fallbackMs.push(Math.round(a.ms));
    }
    const histogram = await (await fetch(`${gate.url}/metrics`)).text();
    const databaseDecisions = (le: string) =>
      Number(
        new RegExp(
          `^gate_decision_duration_seconds_bucket\\{(?=[^}]*le="${le}")(?=[^}]*source="database")[^}]*\\}\\s+(\\d+)`,
          'm',
        ).exec(histogram)?.[1] ?? 'NaN',
      );
    console.log(
      JSON.stringify({
        scenario: 'redis-outage',
        clientMs: fallbackMs,
        serverDatabaseDecisions: databaseDecisions('\\+Inf'),
        serverWithinDeadline: databaseDecisions('0.1'),
      }),
    );

    // Credit repair (信用修复) approved while Redis is down, through the same services as the staff API.
    const config = loadConfig(s.env({ REDIS_URL: redis.url }));
    const credit = new CreditRepository();
    const audit = new AuditLogRepository(db, testAuditKeys());
    const outbox = new OutboxRepository();
    const recount = new CreditRecountService(config, credit, audit, outbox);
    const workflow = new StaffWorkflowRepository();
    const queries = new StaffQueryRepository(db, config);
    const violations = await s.query<{ id: string }>(`SELECT id FROM violations WHERE vehicle_key = $1`, [
      `1:${plate}`,
    ]);
    const actions = new ViolationActionsService(db, credit, recount, new RevocationRepository());
    for (const v of violations)
      await actions.process(
        v.id,
        { caseNo: `湖交罚${v.id.slice(0, 6)}`, fineYuan: 1000, processedAt: new Date() },
        'officer-a',
      );
    const [listing] = await s.query<{ id: string }>(`SELECT id FROM listings WHERE vehicle_key = $1`, [`1:${plate}`]);
    const repairs = new CreditRepairService(config, db, credit, audit, recount, workflow, queries);
    const request = await repairs.request(
      {
        listingId: listing!.id,
        applicant: { name: '湖州某物流有限公司', type: 'COMPANY', contact: '0572-0000000' },
        commitment: true,
        rectification: '已卸载超限货物并整改',
        attachments: [],
      },
      'officer-a',
    );
    await repairs.review(request.id, { approve: true, opinion: '整改到位，同意修复' }, 'repair-c');

    // An appeal succeeds while Redis is down: one violation revoked leaves two acts, under the threshold.
    const [revokedViolation] = await s.query<{ id: string }>(
      `SELECT id FROM violations WHERE vehicle_key = $1 ORDER BY measured_at LIMIT 1`,
      [`1:${appealed}`],
    );
    await actions.proposeRevocation(revokedViolation!.id, { reason: '复议撤销：称重设备检定过期' }, 'officer-a');
    await actions.reviewRevocation(revokedViolation!.id, { approve: true, opinion: '同意撤销' }, 'legal-reviewer');
    expect(await s.query(`SELECT status, end_reason FROM listings WHERE vehicle_key = $1`, [`1:${appealed}`])).toEqual([
      { status: 'REVOKED', end_reason: 'RECOUNT_BELOW_THRESHOLD' },
    ]);

    // Redis still down: the gate reads Postgres and already lets both trucks through.
    expect(await ask()).toMatchObject({ decision: 'ALLOW', source: 'database' });
    expect(await ask(appealed)).toMatchObject({ decision: 'ALLOW', source: 'database' });

    // Redis returns empty; ingest rebuilds the cache, the relay delivers what waited. Never TURN_BACK again.
    await redis.restart();
    const answers: { decision: string; source: string }[] = [];
    await eventually(
      async () => {
        const [a, b] = [await ask(), await ask(appealed)];
        answers.push(a, b);
        return a.source === 'cache' && b.source === 'cache';
      },
      { what: 'the reconciled cache', timeoutMs: 20000, intervalMs: 50 },
    );
    expect(answers.filter((a) => a.decision !== 'ALLOW')).toEqual([]);
    await eventually(async () => (await s.query(`SELECT 1 FROM outbox WHERE published_at IS NULL`)).length === 0, {
      what: 'the outbox to drain',
      timeoutMs: 20000,
    });
    expect((await ask()).decision).toBe('ALLOW');
    expect((await ask(appealed)).decision).toBe('ALLOW');
    expect((await audit.verify()).ok).toBe(true);

    // What the gate relies on after the outage: Postgres equals a replay of its facts (the repair and
    // the revocation included), and the rebuilt cache equals Postgres, tombstones and versions included.
    expect(await replayDifferences(s, new Date())).toEqual([]);
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await assertCacheMatchesDatabase(s, { redis: client, keyPrefix: s.redisKeyPrefix });
    } finally {
      client.disconnect();
    }
  });
});
