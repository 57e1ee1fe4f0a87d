import { parseGateDecision } from './parse-gate-decision';

const valid = {
  decisionId: 'd-1',
  stationId: '330500001',
  laneId: 'L03',
  plate: '浙E71234',
  plateColor: 1,
  decision: 'TURN_BACK',
  reasons: ['OVERLIMIT'],
  at: '2026-12-03T08:00:00+08:00',
};
const parse = (patch: Record<string, unknown>) =>
  parseGateDecision(Buffer.from(JSON.stringify({ ...valid, ...patch })));
const fields = (patch: Record<string, unknown>) => {
  const r = parse(patch);
  return r.ok ? [] : r.details.map((d) => d.field);
};

describe('parseGateDecision (gate.decisions.v1, SPEC §3: checked like a weigh event)', () => {
  it('reads a TURN_BACK as the 劝返记录 stores it, and an ALLOW as nothing to store', () => {
    expect(parse({})).toEqual({
      ok: true,
      record: {
        decisionId: 'd-1',
        stationId: '330500001',
        laneId: 'L03',
        plate: '浙E71234',
        plateColor: 1,
        reasons: ['OVERLIMIT'],
        at: new Date('2026-12-03T00:00:00Z'),
      },
    });
    expect(parse({ decision: 'ALLOW', reasons: [] })).toEqual({ ok: true, record: null });
  });

  it('names every field that is wrong: loose or impossible times, NUL and other control characters, unbounded strings', () => {
    expect(fields({ at: '2025', plate: '浙\u0000E12345' })).toEqual(['plate', 'at']);
    expect(fields({ at: '2026-02-30T10:00:00+08:00' })).toEqual(['at']);
    expect(fields({ at: '2026-12-03T08:00:00' })).toEqual(['at']);
    expect(fields({ decisionId: 'x'.repeat(65), laneId: 'L\n1', stationId: 'ABC' })).toEqual([
      'decisionId',
      'stationId',
      'laneId',
    ]);
    expect(fields({ plate: 'NOTAPLATE', plateColor: 9, decision: 'MAYBE', reasons: ['DROP TABLE'] })).toEqual([
      'plate',
      'plateColor',
      'decision',
      'reasons',
    ]);
  });

  it('stores what the gate publishes: a FAIL_CLOSED turn-back, a station id of 32 characters', () => {
    // Before, ingest's own reasons list lacked FAIL_CLOSED and its station ids stopped at 20 characters:
    // those turn-backs were dead-lettered instead of recorded.
    expect(parse({ reasons: ['FAIL_CLOSED'] })).toMatchObject({ ok: true, record: { reasons: ['FAIL_CLOSED'] } });
    expect(parse({ stationId: `330500${'9'.repeat(26)}` })).toMatchObject({ ok: true });
    expect(fields({ stationId: `330500${'9'.repeat(27)}`, extra: 1 }).sort()).toEqual(['extra', 'stationId']);
  });

  it('refuses what is not a JSON object', () => {
    expect(parseGateDecision(Buffer.from('{"decisionId":'))).toMatchObject({ ok: false, code: 'INVALID_JSON' });
    expect(parseGateDecision(Buffer.from('[1]'))).toMatchObject({ ok: false, code: 'INVALID_JSON' });
    expect(parseGateDecision(null)).toMatchObject({ ok: false, code: 'INVALID_JSON' });
  });
});
