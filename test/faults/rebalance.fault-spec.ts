import { AssignerProtocol } from 'kafkajs';
import { Client } from 'pg';
import { generateTraffic } from '@oc/simulation';
import { RunningApp, startApp } from '../harness/app-process';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { assertIngestInvariants, traffic } from './support/ingest-invariants';

/**
 * Two ingest instances in one consumer group share the partitions; one is
 * killed with SIGKILL mid-stream. Its uncommitted batches go to the survivor after the rebalance:
 * nothing lost, nothing counted twice, listings equal a replay, the gate's cache equals Postgres (the
 * survivor's relay took over), the audit chain verifies.
 */
const TOTAL = 80_000;

describe('faults: rebalance after one of two ingest instances is killed', () => {
  let s: Scenario | undefined;
  const instances: RunningApp[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
    await s?.close();
  }, 60000);

  it('counts nothing twice and loses nothing when an instance dies mid-stream', async () => {
    const began = Date.now();
    s = await Scenario.create('rebalance');
    const start = new Date(Date.now() - 40 * 24 * 3600_000);
    const messages = traffic(
      generateTraffic({ seed: 7005, vehicles: 1500, start, spacingMs: 30_000, malformedShare: 0.002 }),
      TOTAL,
    );
    await s.produce(
      messages.map(({ key, value }) => ({ key, value })),
      5000,
    );
    const valid = messages.filter((m) => m.kind !== 'MALFORMED').length;
    const count = async (): Promise<number> =>
      (await s!.query<{ n: number }>('SELECT count(*)::int AS n FROM weighings'))[0]!.n;
    const groupId = `${s.topicPrefix}ingest`;

    // Two instances, same environment (same group), started together.
    const [a, b] = await Promise.all([startApp('ingest', s.env()), startApp('ingest', s.env())]);
    instances.push(a!, b!);

    // Both are members and both hold partitions of the weighing topic.
    const admin = s.kafka.admin();
    await admin.connect();
    const partitionsOf = async (): Promise<number[]> => {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0]!;
      if (group.state !== 'Stable') return [];
      return group.members.map((m) => {
        const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return assignment?.assignment[s!.topics.weighingEvents]?.length ?? 0;
      });
    };
    let shares: number[] = [];
    try {
      shares = await eventually(
        async () => {
          const p = await partitionsOf();
          return p.length === 2 && p.every((n) => n > 0) ? p : false;
        },
        { timeoutMs: 60000, what: 'both instances to hold partitions', intervalMs: 200 },
      );
    } finally {
      await admin.disconnect();
    }
    const whenShared = await count();
    // Both work for a while, then one dies mid-stream.
    await eventually(async () => (await count()) >= Math.min(whenShared + valid * 0.15, valid * 0.6), {
      timeoutMs: 90000,
      intervalMs: 25,
      what: 'progress with two instances',
    });
    expect(await b!.stop('SIGKILL')).toBe('SIGKILL');
    const atKill = await count();
    expect(atKill).toBeLessThan(valid);

    try {
      await s.waitUntilConsumed(150000); // the dead member's partitions move after its 30 s session
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- survivor output (tail) ---\n${a!.output().slice(-4000)}`);
    }
    expect(a!.process.exitCode).toBeNull();

    const report = await assertIngestInvariants(s, messages);
    console.log(
      JSON.stringify({
        scenario: 'rebalance',
        shares,
        whenShared,
        atKill,
        report,
        seconds: (Date.now() - began) / 1000,
      }),
    );
  }, 300000);
});

/**
 * A member loses its membership while it holds a batch: a table lock (a long migration, a VACUUM FULL)
 * keeps its transaction waiting, without heartbeats, past the 10 s session; the coordinator evicts it
 * and then refuses the batch's offset commit (UNKNOWN_MEMBER_ID). The member must join again and
 * consume the rest; the batch is redelivered and stored once.
 */
describe('faults: an ingest instance evicted from its group while holding a batch', () => {
  let s: Scenario | undefined;
  let locker: Client | undefined;
  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await s?.close();
  }, 60000);

  it('joins the group again and consumes the rest, nothing lost or counted twice', async () => {
    s = await Scenario.create('evicted');
    const start = new Date(Date.now() - 20 * 24 * 3600_000);
    const messages = traffic(
      generateTraffic({ seed: 7006, vehicles: 50, start, spacingMs: 600_000, violationShare: 0.5 }),
      600,
    );
    const send = (from: number, to: number) =>
      s!.produce(messages.slice(from, to).map(({ key, value }) => ({ key, value })));
    const groupId = `${s.topicPrefix}ingest`;
    await s.startIngest();
    await send(0, 200);
    await s.waitUntilConsumed(60000);

    locker = new Client({ connectionString: s.databaseUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE weighings IN EXCLUSIVE MODE');
    await send(200, 400);
    await eventually(
      async () =>
        (
          await s!.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          )
        )[0]!.n > 0,
      { what: 'ingest to wait for the lock with a batch in hand', timeoutMs: 30000 },
    );
    const admin = s.kafka.admin();
    await admin.connect();
    try {
      await eventually(async () => (await admin.describeGroups([groupId])).groups[0]!.state === 'Empty', {
        what: 'the coordinator to evict the silent member (session 10 s)',
        timeoutMs: 45000,
        intervalMs: 500,
      });
    } finally {
      await admin.disconnect();
    }
    await locker.query('COMMIT');
    await send(400, 600);

    try {
      await s.waitUntilConsumed(90000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ingest output (tail) ---\n${s.ingest!.output().slice(-3000)}`);
    }
    expect(s.ingest!.process.exitCode).toBeNull();
    // The way back was the rejoin after a crash kafkajs does not restart, not some other path.
    expect(s.ingest!.output()).toMatch(/crashed: .*; joining again/);
    expect(s.ingest!.output()).toContain('joined again after a crash');
    await assertIngestInvariants(s, messages);
  }, 240000);
});
