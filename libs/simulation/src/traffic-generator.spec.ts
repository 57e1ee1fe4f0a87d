import { isDeepStrictEqual } from 'node:util';
import { parseWeighEvent } from '@oc/contracts';
import { classifyWeighing, PERMIT_CHECKS, WEIGHING_CLASSIFICATIONS, type WeighingClassification } from '@oc/domain';
import { simulatedRegistry } from './simulated-registry';
import {
  generateTraffic,
  SIMULATION_RULES,
  violationEvent,
  type SimulatedMessage,
  type TrafficOptions,
} from './traffic-generator';

const AT = new Date('2026-12-01T10:00:00+08:00');
const DAY = 86_400_000;

const take = (options: TrafficOptions, n: number): SimulatedMessage[] => {
  const out: SimulatedMessage[] = [];
  for (const m of generateTraffic(options)) {
    out.push(m);
    if (out.length === n) break;
  }
  return out;
};

/** What each kind the generator means must be classified as (SPEC §4.2). */
const CLASSIFICATION_OF: Record<Exclude<SimulatedMessage['kind'], 'MALFORMED'>, WeighingClassification> = {
  COMPLIANT: 'COMPLIANT',
  EMPTY: 'COMPLIANT',
  TOLERATED: 'TOLERATED',
  WARNING: 'WARNING',
  VIOLATION: 'VIOLATION',
  PERMIT: 'EXEMPT_PERMIT',
  UNKNOWN_PLATE: 'UNIDENTIFIED',
};

describe('generateTraffic', () => {
  it('keeps event time with the rate above 1,000 events/s (fractional spacing)', () => {
    const start = new Date('2026-11-27T00:00:00Z');
    const times = take(
      { seed: 3, vehicles: 100, start, spacingMs: 1000 / 5000, lateShare: 0, malformedShare: 0 },
      5000,
    ).map((m) => Date.parse((JSON.parse(m.value) as { measuredAt: string }).measuredAt));
    // 5,000 events at 5,000/s span one second of event time, not five.
    expect(Math.max(...times) - start.getTime()).toBe(999);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  describe('against its registries (30 days of history before the simulated time)', () => {
    const N = 50_000;
    const options: TrafficOptions = {
      seed: 9,
      vehicles: 5000,
      start: new Date(AT.getTime() - 30 * DAY),
      spacingMs: (30 * DAY) / N,
      registryAt: AT,
    };
    const registry = simulatedRegistry({ seed: 9, vehicles: 5000, at: AT });
    const stations = new Map(registry.stations.map((s) => [s.stationId, s]));
    const vehicles = new Set(registry.vehicles.map((v) => v.vehicleKey));
    const permits = new Map(registry.permits.map((p) => [p.permitNo, p]));
    const messages = take(options, N);
    const receivedAt = new Date(AT.getTime() + DAY);
    const parsed = messages.map((m) => ({ m, result: parseWeighEvent(Buffer.from(m.value), receivedAt) }));

    it('sends valid weigh events from registered stations and vehicles, and malformed ones only as meant', () => {
      const wrong = parsed.filter(({ m, result }) => {
        if (m.kind === 'MALFORMED') return result.ok || m.expected !== null;
        if (!result.ok) return true;
        const e = result.event;
        const station = stations.get(e.stationId);
        return (
          !station ||
          station.kind !== e.source ||
          e.vehicleKey !== m.key ||
          (m.kind === 'UNKNOWN_PLATE' ? e.plate !== 'UNKNOWN' : !vehicles.has(e.vehicleKey))
        );
      });
      expect(wrong.map(({ m }) => m.value)).toEqual([]);
    });

    it('is classified by libs/domain, with the registry permit it names, as the generator expects and means', () => {
      const wrong = parsed.flatMap(({ m, result }) => {
        if (!result.ok) return [];
        const e = result.event;
        const permit = e.permitNo ? (permits.get(e.permitNo) ?? null) : null;
        const got = classifyWeighing(e, SIMULATION_RULES, permit);
        const meant = m.kind === 'MALFORMED' ? null : CLASSIFICATION_OF[m.kind];
        return got.classification === m.expected && got.classification === meant && got.permitCheck === m.permitCheck
          ? []
          : [`${m.kind} ${m.value}: ${got.classification} ${got.permitCheck}, expected ${m.expected}`];
      });
      expect(wrong).toEqual([]);
    });

    it('has every classification, TOLERATED at toll entrances only, warnings at the other stations only', () => {
      const count = (c: WeighingClassification) => messages.filter((m) => m.expected === c).length;
      for (const c of WEIGHING_CLASSIFICATIONS) expect(count(c)).toBeGreaterThan(0);
      expect(count('VIOLATION') / N).toBeGreaterThan(0.08);
      expect(count('VIOLATION') / N).toBeLessThan(0.12);
      expect(count('TOLERATED') / N).toBeGreaterThan(0.02);
      const sourceOf = (m: SimulatedMessage) => (JSON.parse(m.value) as { source: string }).source;
      expect(new Set(messages.filter((m) => m.kind === 'TOLERATED').map(sourceOf))).toEqual(new Set(['TOLL_ENTRY']));
      expect(messages.filter((m) => m.kind === 'WARNING').some((m) => sourceOf(m) === 'TOLL_ENTRY')).toBe(false);
      expect(messages.filter((m) => m.kind === 'MALFORMED').length).toBeGreaterThan(0);
    });

    it('uses permits that exempt, and invalid uses of every kind that are violations with their permit check', () => {
      const misuse = take({ ...options, permitMisuseShare: 0.05 }, 20_000).filter((m) => m.permitCheck !== null);
      expect(new Set(misuse.map((m) => m.permitCheck))).toEqual(new Set(PERMIT_CHECKS));
      expect(misuse.every((m) => m.kind === 'VIOLATION' && m.expected === 'VIOLATION')).toBe(true);
      const exempt = messages.filter((m) => m.expected === 'EXEMPT_PERMIT');
      expect(exempt.length).toBeGreaterThan(N * 0.005);
      // Routed permits exempt at their stations.
      const routed = exempt.filter((m) => permits.get(JSON.parse(m.value).permitNo)!.stationIds !== null);
      expect(routed.length).toBeGreaterThan(0);
    });
  });

  it('is deterministic, and two streams of one seed (history, then live) share their vehicles and permits', () => {
    const base = {
      seed: 4,
      vehicles: 300,
      start: new Date(AT.getTime() - 30 * DAY),
      spacingMs: 60_000,
      registryAt: AT,
    };
    expect(isDeepStrictEqual(take(base, 3000), take(base, 3000))).toBe(true);
    expect(take({ ...base, seed: 5 }, 100).map((m) => m.value)).not.toEqual(take(base, 100).map((m) => m.value));
    const registry = simulatedRegistry({ seed: 4, vehicles: 300, at: AT });
    const live = take({ ...base, start: AT, eventIdPrefix: 'live' }, 20_000);
    const permitNos = new Set(registry.permits.map((p) => p.permitNo));
    const keys = new Set(registry.vehicles.map((v) => v.vehicleKey));
    const used = live.filter((m) => m.kind === 'PERMIT').map((m) => JSON.parse(m.value).permitNo as string);
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((p) => permitNos.has(p))).toBe(true);
    expect(live.every((m) => m.kind === 'UNKNOWN_PLATE' || keys.has(m.key))).toBe(true);
  });
});

describe('violationEvent', () => {
  it('weighs with the source of its station in the catalogue, so a weigh station gives no entry tolerance', () => {
    const at = new Date('2026-11-27T00:00:00Z');
    const at330500001 = JSON.parse(violationEvent({ eventId: 'a', plate: '浙E12345', measuredAt: at }).value);
    expect(at330500001).toMatchObject({ stationId: '330500001', source: 'WEIGH_STATION', grossWeightKg: 20000 });
    const entry = JSON.parse(
      violationEvent({ eventId: 'b', plate: '浙E12345', measuredAt: at, stationId: '330522001' }).value,
    );
    expect(entry.source).toBe('TOLL_ENTRY');
  });
});
