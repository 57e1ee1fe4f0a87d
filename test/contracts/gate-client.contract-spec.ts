import { spawn } from 'node:child_process';
import path from 'node:path';
import { violationEvent } from '@oc/simulation';
import { createGateClient, type GateQuery, type LaneDecision } from '../../examples/gate-client/gate-client';
import { freePort, RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

const ROOT = path.resolve(__dirname, '..', '..');
const DAY = 86_400_000;
const listed = '浙E62001';
const permitted = '浙E62003';
// 6 axles: limit 49,000 kg; the entry tolerance (交办公路明电〔2019〕117号, 5 %) is 2,450 kg.
const reading = { axles: 6, cargo: 'LADEN' as const };

/**
 * The example lane controller (examples/gate-client), its types generated from openapi/gate-api.json by
 * openapi-typescript, asking the running gate the SPEC §4.6 cases; and its answers when the gate cannot.
 */
describe('a gate client generated from the gate’s document (openapi-typescript + openapi-fetch)', () => {
  let s: Scenario;
  let gate: RunningApp;
  let key: string;
  let client: ReturnType<typeof createGateClient>;
  const answer = async (query: GateQuery) => {
    const d = await client.decide(query);
    if (d.kind !== 'answer') throw new Error(`no answer: ${JSON.stringify(d)}`);
    return d.answer;
  };

  beforeAll(async () => {
    s = await Scenario.create('gateclient');
    const issued = await runCli(['station:add', '330500001'], s.env());
    expect(issued.code).toBe(0);
    key = issued.stdout.trim();
    await s.startIngest();
    gate = await s.startApp('gate-api');
    client = createGateClient({ baseUrl: gate.url, stationKey: key, timeoutMs: 2000 });
    const old = Date.now() - 100 * DAY;
    await s.produce(
      [0, 2, 4].map((d, i) =>
        violationEvent({ eventId: `gc-l-${i}`, plate: listed, measuredAt: new Date(old + d * DAY) }),
      ),
    );
    await s.produceTo(s.topics.registryPermits, [
      {
        key: '浙交超证GC0001',
        value: JSON.stringify({
          permitNo: '浙交超证GC0001',
          plate: permitted,
          plateColor: 1,
          validFrom: new Date(Date.now() - DAY).toISOString(),
          validTo: new Date(Date.now() + 30 * DAY).toISOString(),
          maxGrossWeightKg: 60_000,
          status: 'ISSUED',
        }),
      },
    ]);
    await eventually(async () => (await answer({ plate: listed, plateColor: '1' })).decision === 'TURN_BACK', {
      what: 'the listing to reach the gate',
      timeoutMs: 60_000,
    });
    await eventually(
      async () =>
        (
          await answer({
            plate: permitted,
            plateColor: '1',
            ...reading,
            grossWeightKg: 55_000,
            permitNo: '浙交超证GC0001',
          })
        ).decision === 'ALLOW',
      { what: 'the permit to reach the gate', timeoutMs: 60_000 },
    );
  });
  afterAll(() => s.close());

  it('gets the SPEC §4.6 answers, in the order of the rules', async () => {
    // 1. A reading beyond the tolerance without a valid permit: OVERLIMIT, even for an empty listed truck.
    expect(
      await answer({ plate: '浙E62009', plateColor: '1', ...reading, grossWeightKg: 49_000 + 2_451 }),
    ).toMatchObject({
      decision: 'TURN_BACK',
      reasons: ['OVERLIMIT'],
      overKg: 2_451,
    });
    expect(
      await answer({ plate: listed, plateColor: '1', ...reading, cargo: 'EMPTY', grossWeightKg: 49_000 + 2_451 }),
    ).toMatchObject({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'] });
    // … a permit covering vehicle, time, weight and station exempts it; a number nobody issued does not.
    expect(
      await answer({
        plate: permitted,
        plateColor: '1',
        ...reading,
        grossWeightKg: 55_000,
        permitNo: '浙交超证GC0001',
      }),
    ).toMatchObject({ decision: 'ALLOW', reasons: [] });
    expect(
      await answer({
        plate: permitted,
        plateColor: '1',
        ...reading,
        grossWeightKg: 55_000,
        permitNo: '浙交超证GC9999',
      }),
    ).toMatchObject({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'] });
    // 2. An effective listing and cargo not EMPTY (UNKNOWN and absent count as laden): DISHONESTY_LIST.
    for (const cargo of ['LADEN', 'UNKNOWN', undefined] as const) {
      const a = await answer({ plate: listed, plateColor: 'YELLOW', ...(cargo ? { cargo } : {}) });
      expect(a).toMatchObject({ decision: 'TURN_BACK', reasons: ['DISHONESTY_LIST'], listing: { status: 'LISTED' } });
    }
    // 3. An effective listing and EMPTY: EXEMPT_EMPTY.
    expect(await answer({ plate: listed, plateColor: '1', cargo: 'EMPTY' })).toMatchObject({
      decision: 'ALLOW',
      reasons: ['EXEMPT_EMPTY'],
    });
    // 4. Over the limit, within the tolerance: WITHIN_TOLERANCE.
    expect(await answer({ plate: '浙E62009', plateColor: '1', ...reading, grossWeightKg: 49_000 + 800 })).toMatchObject(
      {
        decision: 'ALLOW',
        reasons: ['WITHIN_TOLERANCE'],
        overKg: 800,
      },
    );
    // 5. Otherwise ALLOW. (That a PENDING listing never turns back needs a notice period running:
    // test/staff/due-process.e2e-spec.ts.)
    expect(await answer({ plate: '浙E62009', plateColor: '1' })).toMatchObject({
      decision: 'ALLOW',
      reasons: [],
      listing: null,
      overKg: null,
      source: 'cache',
    });
  });

  it('tells a refused request from no answer, and falls back as configured', async () => {
    const wrongKey = createGateClient({
      baseUrl: gate.url,
      stationKey: 'ocst_' + 'x'.repeat(32),
      onNoAnswer: 'TURN_BACK',
    });
    expect(await wrongKey.decide({ plate: listed, plateColor: '1' })).toMatchObject<Partial<LaneDecision>>({
      kind: 'refused',
      status: 401,
      decision: 'TURN_BACK',
    });
    expect(await client.decide({ plate: '浙E62009', plateColor: '1', laneId: 'x'.repeat(17) })).toMatchObject({
      kind: 'refused',
      status: 400,
      error: { code: 'VALIDATION_FAILED', details: [{ field: 'laneId' }] },
    });
    const nobody = createGateClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, stationKey: key });
    expect(await nobody.decide({ plate: listed, plateColor: '1' })).toMatchObject({
      kind: 'no-answer',
      decision: 'ALLOW',
      why: expect.stringContaining('no connection'),
    });
  });

  it('runs as the example command a vendor starts', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['-r', './scripts/ts-register.js', 'examples/gate-client/main.ts', ...args],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('exit', (code) => resolve({ code, stdout }));
      });
    const turnedBack = await run([
      '--url',
      gate.url,
      '--key',
      key,
      '--plate',
      listed,
      '--plate-color',
      '1',
      '--cargo',
      'LADEN',
    ]);
    expect(turnedBack.code).toBe(0);
    expect(JSON.parse(turnedBack.stdout)).toMatchObject({ kind: 'answer', answer: { decision: 'TURN_BACK' } });
    const refused = await run(['--url', gate.url, '--key', 'ocst_wrong', '--plate', listed]);
    expect(refused.code).toBe(2);
  });
});
