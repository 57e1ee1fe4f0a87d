import { OVERLIMIT_LIMITS } from '@oc/domain';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

interface Decision {
  decision: string;
  reasons: string[];
  overKg: number | null;
  source: string;
}

/**
 * The entrance's tolerance (交办公路明电〔2019〕117号: a reading not above 105 % of the limit is treated
 * as not overlimit) at every axle class of 62号令 第三条第一款第(四)至(八)项, through the running gate.
 * The limits are written here from SPEC §4.2, not read from the code's table: the table is only used
 * to prove every one of its rows has a case.
 */
const CLASSES: {
  name: string;
  query: { axles: number; combination?: boolean; singleDriveAxle?: boolean };
  limitKg: number;
}[] = [
  { name: '2 axles', query: { axles: 2 }, limitKg: 18_000 },
  { name: '3 axles truck', query: { axles: 3, combination: false }, limitKg: 25_000 },
  { name: '3 axles combination', query: { axles: 3, combination: true }, limitKg: 27_000 },
  { name: '4 axles truck', query: { axles: 4, combination: false }, limitKg: 31_000 },
  { name: '4 axles combination', query: { axles: 4, combination: true }, limitKg: 36_000 },
  { name: '5 axles', query: { axles: 5 }, limitKg: 43_000 },
  { name: '6+ axles (6)', query: { axles: 6 }, limitKg: 49_000 },
  { name: '6+ axles (8)', query: { axles: 8 }, limitKg: 49_000 },
  { name: '6+ axles, single drive axle', query: { axles: 6, singleDriveAxle: true }, limitKg: 46_000 },
];

describe('gate-api: entry tolerance at every axle class (running gate-api and ingest, real Redis)', () => {
  let s: Scenario;
  let gate: RunningApp;
  let key: string;

  const ask = async (query: Record<string, string | number | boolean>): Promise<Decision> => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${gate.url}/v1/gate/decision?${qs}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Decision;
  };

  beforeAll(async () => {
    s = await Scenario.create('gate_tolerance');
    const issued = await runCli(['station:add', '330521001', '--name', '湖州南收费站'], s.env());
    expect(issued.code).toBe(0);
    key = issued.stdout.trim();
    await s.startIngest(); // builds the cache marker: the answers below come from Redis
    gate = await s.startApp('gate-api');
    await eventually(async () => (await ask({ plate: '浙E60000', plateColor: 1 })).source === 'cache', {
      what: 'the gate to answer from the cache',
      timeoutMs: 30000,
    });
  });
  afterAll(() => s.close());

  it('has a case for every row of the limit table', () => {
    for (const row of OVERLIMIT_LIMITS) {
      expect(
        CLASSES.some(
          (c) =>
            c.limitKg === row.limitKg &&
            c.query.axles >= row.minAxles &&
            c.query.axles <= row.maxAxles &&
            (row.singleDriveAxle === undefined || (c.query.singleDriveAxle ?? false) === row.singleDriveAxle),
        ),
      ).toBe(true);
    }
  });

  it.each(CLASSES.map((c, i) => [c.name, c, i] as const))(
    '%s: at the limit ALLOW; at limit × 1.05 ALLOW WITHIN_TOLERANCE; one kilogram more TURN_BACK OVERLIMIT',
    async (_name, { query, limitKg }, i) => {
      const base = { plate: `浙E6${String(i + 1).padStart(4, '0')}`, plateColor: 1, cargo: 'LADEN', ...query };
      const tolerance = (limitKg * 5) / 100;
      expect(await ask({ ...base, grossWeightKg: limitKg })).toEqual(
        expect.objectContaining({ decision: 'ALLOW', reasons: [], overKg: 0, source: 'cache' }),
      );
      expect(await ask({ ...base, grossWeightKg: limitKg + 1 })).toEqual(
        expect.objectContaining({ decision: 'ALLOW', reasons: ['WITHIN_TOLERANCE'], overKg: 1 }),
      );
      expect(await ask({ ...base, grossWeightKg: limitKg + tolerance })).toEqual(
        expect.objectContaining({ decision: 'ALLOW', reasons: ['WITHIN_TOLERANCE'], overKg: tolerance }),
      );
      expect(await ask({ ...base, grossWeightKg: limitKg + tolerance + 1 })).toEqual(
        expect.objectContaining({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'], overKg: tolerance + 1 }),
      );
      // The 1,000 kg warning band of 第四十三条 plays no part at the entrance: limit − 1 is simply within it.
      expect(await ask({ ...base, grossWeightKg: limitKg - 1 })).toEqual(
        expect.objectContaining({ decision: 'ALLOW', reasons: [], overKg: -1 }),
      );
    },
  );

  it('follows ENTRY_TOLERANCE_PERCENT: at 0 one kilogram over the limit is turned back', async () => {
    const strict = await s.startApp('gate-api', { ENTRY_TOLERANCE_PERCENT: '0' });
    try {
      const res = await fetch(
        `${strict.url}/v1/gate/decision?plate=${encodeURIComponent('浙E69999')}&plateColor=1&axles=2&grossWeightKg=18001`,
        {
          headers: { authorization: `Bearer ${key}` },
        },
      );
      expect(await res.json()).toMatchObject({ decision: 'TURN_BACK', reasons: ['OVERLIMIT'], overKg: 1 });
    } finally {
      await strict.stop();
    }
  });
});
