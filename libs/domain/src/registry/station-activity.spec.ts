import { stationActiveAt } from './station-activity';

const FROM = new Date('2026-01-01T00:00:00+08:00');
const TO = new Date('2026-12-31T23:59:59+08:00');
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

describe('stationActiveAt (SPEC §3 stationId, §4.9 activeFrom/activeTo)', () => {
  it('an unregistered station never reports', () => {
    expect(stationActiveAt(undefined, FROM)).toBe(false);
  });

  it('both bounds inclusive, to the millisecond', () => {
    const station = { activeFrom: FROM, activeTo: TO };
    expect(stationActiveAt(station, FROM)).toBe(true);
    expect(stationActiveAt(station, TO)).toBe(true);
    expect(stationActiveAt(station, ms(FROM, -1))).toBe(false);
    expect(stationActiveAt(station, ms(TO, 1))).toBe(false);
    expect(stationActiveAt({ activeFrom: FROM, activeTo: FROM }, FROM)).toBe(true);
  });

  it('a null bound is open on its side', () => {
    const early = new Date('1990-01-01T00:00:00Z');
    const late = new Date('2100-01-01T00:00:00Z');
    expect(stationActiveAt({ activeFrom: null, activeTo: null }, early)).toBe(true);
    expect(stationActiveAt({ activeFrom: null, activeTo: null }, late)).toBe(true);
    expect(stationActiveAt({ activeFrom: null, activeTo: TO }, early)).toBe(true);
    expect(stationActiveAt({ activeFrom: null, activeTo: TO }, ms(TO, 1))).toBe(false);
    expect(stationActiveAt({ activeFrom: FROM, activeTo: null }, late)).toBe(true);
    expect(stationActiveAt({ activeFrom: FROM, activeTo: null }, ms(FROM, -1))).toBe(false);
  });

  it('the instant is compared, not the written offset', () => {
    // 2026-01-01T00:00+08:00 is 2025-12-31T16:00Z.
    const station = { activeFrom: FROM, activeTo: null };
    expect(stationActiveAt(station, new Date('2025-12-31T16:00:00Z'))).toBe(true);
    expect(stationActiveAt(station, new Date('2025-12-31T15:59:59.999Z'))).toBe(false);
  });
});
