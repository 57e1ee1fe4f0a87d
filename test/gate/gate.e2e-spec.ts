import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RedisConnection, TurnBackCache } from '@oc/cache';
import { AppConfig, loadConfig } from '@oc/config';
import { CreditRecountService, ViolationActionsService } from '@oc/credit';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  OutboxRepository,
  RevocationRepository,
} from '@oc/persistence';
import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually, testAuditKeys } from '../harness/services';

const DAY = 86_400_000;
const t0 = new Date(Date.now() - 100 * DAY);
const at = (days: number): Date => new Date(t0.getTime() + days * DAY);

interface Decision {
  decision: string;
  reasons: string[];
  listing: { id: string; status: string; listedAt: string; violationCount: number } | null;
  overKg: number | null;
  source: string;
  decidedAt: string;
}

describe('gate-api: turn-back decisions (running apps, real Kafka, Postgres, Redis)', () => {
  let s: Scenario;
  let gate: RunningApp;
  let key: string;
  const listedPlate = '浙E40001';

  const ask = async (query: Record<string, string | number | boolean>, bearer: string | null = key) => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${gate.url}/v1/gate/decision?${qs}`, {
      headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` },
    });
    return {
      status: res.status,
      body: (await res.json()) as Decision & {
        error?: { code: string; details?: { field: string; message: string }[] };
      },
    };
  };

  beforeAll(async () => {
    s = await Scenario.create('gate');
    const issued = await runCli(['station:add', '330500001', '--name', '申嘉湖高速湖州东收费站'], s.env());
    expect(issued.code).toBe(0);
    key = issued.stdout.trim();
    await s.startIngest();
    gate = await s.startApp('gate-api');
    await s.produce(
      [0, 2, 4].map((d, i) => violationEvent({ eventId: `g-${i}`, plate: listedPlate, measuredAt: at(d) })),
    );
    await eventually(
      async () => (await ask({ plate: listedPlate, plateColor: 1, cargo: 'LADEN' })).body.decision === 'TURN_BACK',
      {
        what: 'the listing to reach the gate',
        timeoutMs: 30000,
      },
    );
  });
  afterAll(() => s.close());

  it('turns back a listed vehicle unless it is empty; unknown or absent cargo counts as laden', async () => {
    const laden = await ask({ plate: listedPlate, plateColor: 1, cargo: 'LADEN' });
    expect(laden.status).toBe(200);
    expect(laden.body).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['DISHONESTY_LIST'],
      source: 'cache',
      overKg: null,
    });
    expect(laden.body.listing).toMatchObject({ status: 'LISTED', violationCount: 3, listedAt: at(4).toISOString() });
    expect(Number.isNaN(Date.parse(laden.body.decidedAt))).toBe(false);
    expect((await ask({ plate: listedPlate, plateColor: 'YELLOW', cargo: 'EMPTY' })).body).toMatchObject({
      decision: 'ALLOW',
      reasons: ['EXEMPT_EMPTY'],
    });
    expect((await ask({ plate: listedPlate, plateColor: 1, cargo: 'UNKNOWN' })).body).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['DISHONESTY_LIST'],
    });
    expect((await ask({ plate: '浙e·40001', plateColor: 1 })).body).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['DISHONESTY_LIST'],
    });
  });

  it('with TURN_BACK_REQUIRES_PUBLICATION=true turns back only published listings', async () => {
    const strict = await s.startApp('gate-api', { TURN_BACK_REQUIRES_PUBLICATION: 'true' });
    const res = await fetch(
      `${strict.url}/v1/gate/decision?plate=${encodeURIComponent(listedPlate)}&plateColor=1&cargo=LADEN`,
      {
        headers: { authorization: `Bearer ${key}` },
      },
    );
    const body = (await res.json()) as Decision;
    expect(body).toMatchObject({ decision: 'ALLOW', reasons: [], listing: { status: 'LISTED' } });
    await strict.stop();
  });

  // The gate ends a listing at listedAt + LISTING_VALIDITY_DAYS itself, even while its cache entry still
  // says LISTED because the expiry scheduler (every 30 s) has not run yet (docs/operations.md).
  it('lets a truck through whose cached LISTED listing has outlived its validity, the scheduler not yet run', async () => {
    const config: AppConfig = loadConfig(s.env());
    const redis = new RedisConnection(config.REDIS_URL, config.REDIS_KEY_PREFIX);
    try {
      const validityMs = config.LISTING_VALIDITY_DAYS * DAY;
      const now = Date.now();
      // Written as the outbox relay writes entries; no Postgres row, so nothing expires or rewrites them.
      await new TurnBackCache(redis).write([
        {
          vehicleKey: '1:浙E40005',
          version: 1,
          listing: {
            id: 'expired-1',
            status: 'LISTED',
            listedAt: new Date(now - validityMs - 60_000).toISOString(),
            violationCount: 3,
          },
        },
        {
          vehicleKey: '1:浙E40006',
          version: 1,
          listing: {
            id: 'valid-1',
            status: 'LISTED',
            listedAt: new Date(now - validityMs + 600_000).toISOString(),
            violationCount: 3,
          },
        },
      ]);
      // Expired a minute ago: ALLOW, although the entry (shown in the answer) still says LISTED.
      expect((await ask({ plate: '浙E40005', plateColor: 1, cargo: 'LADEN' })).body).toMatchObject({
        decision: 'ALLOW',
        reasons: [],
        source: 'cache',
        listing: { id: 'expired-1', status: 'LISTED' },
      });
      // Ten minutes of validity left: still turned back, so the ALLOW above is the expiry's doing.
      expect((await ask({ plate: '浙E40006', plateColor: 1, cargo: 'LADEN' })).body).toMatchObject({
        decision: 'TURN_BACK',
        reasons: ['DISHONESTY_LIST'],
        source: 'cache',
        listing: { id: 'valid-1', status: 'LISTED' },
      });
    } finally {
      await redis.onApplicationShutdown();
    }
  });

  // 6 axles: limit 49,000 kg; the entry tolerance (117号, 5 %) is 2,450 kg. Every tolerance and permit
  // outcome has its own suite (gate-tolerance, gate-permits); here the rule order with a listing.
  it('decides on the entry scale reading: OVERLIMIT beyond the tolerance, WITHIN_TOLERANCE, an unknown permit', async () => {
    const reading = { plate: '浙E40002', plateColor: 1, cargo: 'LADEN', axles: 6 };
    expect((await ask({ ...reading, grossWeightKg: 49000 + 2451 })).body).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
      overKg: 2451,
      listing: null,
    });
    expect((await ask({ ...reading, grossWeightKg: 49000 + 800 })).body).toMatchObject({
      decision: 'ALLOW',
      reasons: ['WITHIN_TOLERANCE'],
      overKg: 800,
    });
    // A permitNo the registry does not have exempts nobody (62号令 第二十七条).
    expect((await ask({ ...reading, grossWeightKg: 49000 + 2451, permitNo: '浙交超证000123' })).body).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
      overKg: 2451,
    });
    expect((await ask({ ...reading, grossWeightKg: 30000 })).body).toMatchObject({ decision: 'ALLOW', reasons: [] });
    // A listed vehicle within the tolerance: the listing decides (rule 2 before rule 4), empty passes (rule 3).
    const listed = { ...reading, plate: listedPlate, grossWeightKg: 49000 + 800 };
    expect((await ask(listed)).body).toMatchObject({ decision: 'TURN_BACK', reasons: ['DISHONESTY_LIST'] });
    expect((await ask({ ...listed, cargo: 'EMPTY' })).body).toMatchObject({
      decision: 'ALLOW',
      reasons: ['EXEMPT_EMPTY'],
    });
    // Beyond the tolerance the reading decides even for an empty listed truck (rule 1 first).
    expect((await ask({ ...listed, cargo: 'EMPTY', grossWeightKg: 49000 + 2451 })).body).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
    });
  });

  it('refuses a missing, wrong or revoked station key with 401', async () => {
    const q = { plate: '浙E40003', plateColor: 1 };
    expect((await ask(q, null)).status).toBe(401);
    expect((await ask(q, 'ocst_wrong')).status).toBe(401);
    const other = await runCli(['station:add', '330521009'], s.env());
    const otherKey = other.stdout.trim();
    await eventually(async () => (await ask(q, otherKey)).status === 200, { what: 'the new key to work' });
    expect((await runCli(['station:revoke', '330521009'], s.env())).code).toBe(0);
    await eventually(async () => (await ask(q, otherKey)).status === 401, {
      what: 'the revoked key to stop working',
      timeoutMs: 30000,
      intervalMs: 500,
    });
  });

  it('answers 400 naming the field for a malformed plate, colour or reading', async () => {
    const bad = async (query: Record<string, string | number>, field: string) => {
      const res = await ask(query);
      expect(res.status).toBe(400);
      expect(res.body.error!.code).toBe('VALIDATION_FAILED');
      expect(res.body.error!.details!.map((d) => d.field)).toContain(field);
    };
    await bad({ plate: 'XYZ', plateColor: 1 }, 'plate');
    await bad({ plate: '浙E40004', plateColor: 'PURPLE' }, 'plateColor');
    await bad({ plate: '浙E40004' }, 'plateColor');
    await bad({ plate: '浙E40004', plateColor: 1, cargo: 'FULL' }, 'cargo');
    await bad({ plate: '浙E40004', plateColor: 1, axles: 6 }, 'grossWeightKg');
    await bad({ plate: '浙E40004', plateColor: 1, axles: 'six', grossWeightKg: 1 }, 'axles');
    await bad({ plate: "浙E40004' OR 1=1 --", plateColor: 1 }, 'plate');
  });

  it('stores the gate’s turn-backs as 劝返记录 through gate.decisions.v1', async () => {
    await ask({ plate: listedPlate, plateColor: 1, cargo: 'LADEN', laneId: 'L2' });
    const rows = await eventually(
      async () => {
        const r = await s.query<{ station_id: string; lane_id: string | null; reasons: string[]; vehicle_key: string }>(
          `SELECT station_id, lane_id, reasons, vehicle_key FROM turn_backs WHERE vehicle_key = $1 AND lane_id = 'L2'`,
          [`1:${listedPlate}`],
        );
        return r.length ? r : undefined;
      },
      { what: 'a turn-back record' },
    );
    expect(rows[0]).toEqual({
      station_id: '330500001',
      lane_id: 'L2',
      reasons: ['DISHONESTY_LIST'],
      vehicle_key: `1:${listedPlate}`,
    });
  });

  // SPEC §4.6 wants the change at the gate within 1 s of its commit; that figure is measured where the
  // machine is not shared with other suites, by the freshness benchmark (docs/benchmarks.md: the same
  // relay → cache path). Here: the revocation reaches the gate at all, polled with a generous deadline.
  it('lets a vehicle through once the commit that revokes its listing has reached the cache', async () => {
    const config: AppConfig = loadConfig(s.env());
    const db = new DatabaseConnection(
      createDataSource({ databaseUrl: s.databaseUrl, applicationName: 'test', poolSize: 2 }),
    );
    const redis = new RedisConnection(config.REDIS_URL, config.REDIS_KEY_PREFIX);
    try {
      const credit = new CreditRepository();
      const audit = new AuditLogRepository(db, testAuditKeys());
      const actions = new ViolationActionsService(
        db,
        credit,
        new CreditRecountService(config, credit, audit, new OutboxRepository()),
        new RevocationRepository(),
      );
      const [v] = await s.query<{ id: string }>(`SELECT id FROM violations WHERE event_id = 'g-1'`);
      await actions.proposeRevocation(v!.id, { reason: 'device fault (设备故障)' }, 'officer-test');
      await actions.reviewRevocation(v!.id, { approve: true, opinion: '同意撤销' }, 'legal-reviewer');
      const answer = await eventually(
        async () => {
          const r = await ask({ plate: listedPlate, plateColor: 1, cargo: 'LADEN' });
          return r.body.decision === 'ALLOW' ? r.body : undefined;
        },
        { what: 'ALLOW after the revocation', timeoutMs: 30000, intervalMs: 50 },
      );
      expect(answer).toMatchObject({ decision: 'ALLOW', listing: null, source: 'cache' });
      const [listing] = await s.query(`SELECT status, end_reason FROM listings WHERE vehicle_key = $1`, [
        `1:${listedPlate}`,
      ]);
      expect(listing).toEqual({ status: 'REVOKED', end_reason: 'RECOUNT_BELOW_THRESHOLD' });
      // A revoked listing is a fresh start: the two remaining trips no longer count (§4.3).
      const [state] = await s.query(`SELECT state, count_in_window FROM vehicle_states WHERE vehicle_key = $1`, [
        `1:${listedPlate}`,
      ]);
      expect(state).toEqual({ state: 'CLEAR', count_in_window: 0 });
    } finally {
      await db.onApplicationShutdown();
      await redis.onApplicationShutdown();
    }
  });

  // How fast the decisions were is the benchmark's business (docs/benchmarks.md); here the histogram
  // must have observed every decision the counter counted.
  it('exposes decisions by decision, reason and source, and a latency histogram of every decision', async () => {
    const metrics = await (await fetch(`${gate.url}/metrics`)).text();
    expect(metrics).toMatch(
      /gate_decisions_total\{decision="TURN_BACK",reason="DISHONESTY_LIST",source="cache"\} [1-9]/,
    );
    const sum = (pattern: RegExp): number =>
      [...metrics.matchAll(pattern)].reduce((total, m) => total + Number(m[1]), 0);
    const decided = sum(/^gate_decisions_total\{[^}]*source="cache"[^}]*\} (\d+)$/gm);
    expect(decided).toBeGreaterThan(0);
    expect(sum(/^gate_decision_duration_seconds_count\{source="cache"\} (\d+)$/gm)).toBe(decided);
    expect(sum(/^gate_decision_duration_seconds_bucket\{le="\+Inf",source="cache"\} (\d+)$/gm)).toBe(decided);
    expect(metrics).toContain('gate_decisions_dropped_total 0');
  });

  it('serves its OpenAPI document (openapi/gate-api.json): the query parameters and the answer with its reasons', async () => {
    const served = await (await fetch(`${gate.url}/openapi.json`)).text();
    expect(served).toBe(readFileSync(path.join(__dirname, '..', '..', 'openapi', 'gate-api.json'), 'utf8'));
    const doc = JSON.parse(served) as {
      paths: Record<
        string,
        {
          get: {
            description: string;
            parameters: { name: string; in: string; required: boolean }[];
            responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
          };
        }
      >;
      components: { schemas: Record<string, unknown> };
    };
    const operation = doc.paths['/v1/gate/decision']!.get;
    expect(
      operation.parameters
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual([
      'axles',
      'cargo',
      'combination',
      'grossWeightKg',
      'laneId',
      'permitNo',
      'plate',
      'plateColor',
      'singleDriveAxle',
    ]);
    expect(operation.responses['200']!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/GateDecisionResponse',
    });
    const reasons = JSON.stringify([doc.components.schemas.GateAnswerReason, doc.components.schemas.GateReason]);
    for (const reason of ['OVERLIMIT', 'DISHONESTY_LIST', 'EXEMPT_EMPTY', 'WITHIN_TOLERANCE', 'FAIL_CLOSED'])
      expect(reasons).toContain(`"${reason}"`);
    expect(operation.description).toContain('第三十九条');
  });
});
