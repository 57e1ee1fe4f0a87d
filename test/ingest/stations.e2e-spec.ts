import { violationEvent } from '@oc/simulation';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

const HOUR = 3600_000;
const t0 = new Date('2026-10-10T08:00:00+08:00');
const at = (hours: number): Date => new Date(t0.getTime() + hours * HOUR);

/**
 * Only a registered station active at measuredAt may report (docs/rules.md, stations): the others are
 * dead-lettered UNKNOWN_STATION and come back with `dlq:replay --code UNKNOWN_STATION` once registered.
 */
describe('stations: weighings of unregistered stations wait in the DLQ until the station is registered', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await Scenario.create('stations');
    // A station closed before the weighing: registered, but not active at measuredAt.
    await s.query(
      `INSERT INTO stations (station_id, name, division_code, kind, active_from, active_to)
       VALUES ('330523009', '已撤站点', '330523', 'WEIGH_STATION', $1, $2)`,
      [at(-1000), at(-1)],
    );
    await s.startIngest();
  });
  afterAll(() => s.close());

  const letters = async (count: number) =>
    (await s.readTopic(s.topics.weighingEventsDlq, count)).map((m) => ({
      code: m.headers!['error-code']!.toString(),
      detail: JSON.parse(m.headers!['error-detail']!.toString()) as { field: string; message: string }[],
      eventId: /"eventId":\s*"([^"]+)"/.exec(m.value!.toString())?.[1],
      replayed: !!m.headers?.['replayed-from'],
    }));

  it('dead-letters UNKNOWN_STATION naming the station; after station:add and dlq:replay --code it is stored and counted', async () => {
    const plate = '浙E30001';
    await s.produce([
      violationEvent({ eventId: 'st-1', plate, measuredAt: at(0) }),
      violationEvent({ eventId: 'st-2', plate, measuredAt: at(3), stationId: '330521099' }),
      violationEvent({ eventId: 'st-3', plate, measuredAt: at(6), stationId: '330521099' }),
      violationEvent({ eventId: 'st-closed', plate, measuredAt: at(9), stationId: '330523009' }),
      { key: `1:${plate}`, value: '{"eventId": "st-broken"' },
    ]);
    await s.waitUntilConsumed();
    const dead = await letters(4);
    expect(
      dead
        .filter((d) => d.code === 'UNKNOWN_STATION')
        .map((d) => d.eventId)
        .sort(),
    ).toEqual(['st-2', 'st-3', 'st-closed']);
    expect(dead.find((d) => d.eventId === 'st-2')!.detail).toEqual([
      { field: 'stationId', message: 'station 330521099 is not registered in the station registry' },
    ]);
    expect(dead.find((d) => d.eventId === 'st-closed')!.detail[0]!.message).toMatch(
      /^station 330523009 was not active at measuredAt/,
    );
    expect(await s.query(`SELECT event_id FROM weighings WHERE event_id LIKE 'st-%' ORDER BY 1`)).toEqual([
      { event_id: 'st-1' },
    ]);

    const added = await runCli(['station:add', '330521099', '--name', '长兴收费站'], s.env());
    expect(added.code).toBe(0);
    const replay = await runCli(['dlq:replay', '--code', 'UNKNOWN_STATION'], s.env());
    expect(replay.code).toBe(0);
    // st-closed goes back too and returns to the DLQ: its station is still not active at its measuredAt.
    expect(replay.stderr).toMatch(/^dlq:replay 3 replayed \(UNKNOWN_STATION\)$/m);

    const state = await eventually(
      async () => {
        const [row] = await s.query<{ state: string; count_in_window: number }>(
          `SELECT state, count_in_window FROM vehicle_states WHERE vehicle_key = $1`,
          [`1:${plate}`],
        );
        return row?.count_in_window === 3 ? row : undefined;
      },
      { what: 'the replayed weighings to be counted' },
    );
    expect(state).toEqual({ state: 'LISTED', count_in_window: 3 });
    await s.waitUntilConsumed();
    expect(await s.query(`SELECT event_id FROM weighings WHERE event_id LIKE 'st-%' ORDER BY 1`)).toEqual([
      { event_id: 'st-1' },
      { event_id: 'st-2' },
      { event_id: 'st-3' },
    ]);
    const after = await letters(5);
    expect(after.filter((d) => d.replayed).map((d) => `${d.code} ${d.eventId}`)).toEqual(['UNKNOWN_STATION st-closed']);
    // The broken message was passed over: its own code's replay still finds it.
    const rest = await runCli(['dlq:replay', '--code', 'BAD_JSON'], s.env());
    expect(rest.stderr).toMatch(/^dlq:replay 1 replayed \(BAD_JSON\)$/m);
  });
});
