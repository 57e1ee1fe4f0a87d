import { AssignerProtocol } from 'kafkajs';
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
