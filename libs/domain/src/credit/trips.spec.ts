import { DomainError } from '../errors/domain-error';
import { groupTrips, type ViolationFact } from './trips';

const T0 = Date.parse('2025-03-03T08:00:00+08:00');
const MIN = 60_000;
const v = (id: string, atMs: number, eventId = `e-${id}`): ViolationFact => ({
  id,
  eventId,
  measuredAt: new Date(atMs),
});

describe('groupTrips (§4.3 one act, one count)', () => {
  it('exactly TRIP_MERGE_MINUTES after the first violation joins the trip', () => {
    const trips = groupTrips([v('a', T0), v('b', T0 + 60 * MIN)], 60);
    expect(trips).toEqual([{ tripId: 'a', firstAt: new Date(T0), violationIds: ['a', 'b'] }]);
  });

  it('60 min + 1 ms opens a new trip', () => {
    const trips = groupTrips([v('a', T0), v('b', T0 + 60 * MIN + 1)], 60);
    expect(trips.map((t) => t.violationIds)).toEqual([['a'], ['b']]);
    expect(trips[1]).toEqual({ tripId: 'b', firstAt: new Date(T0 + 60 * MIN + 1), violationIds: ['b'] });
  });

  it('measures from the FIRST violation of the trip, not the previous one', () => {
    const trips = groupTrips([v('a', T0), v('b', T0 + 40 * MIN), v('c', T0 + 80 * MIN), v('d', T0 + 110 * MIN)], 60);
    expect(trips.map((t) => t.violationIds)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('sorts by measuredAt then eventId, whatever the input order', () => {
    const trips = groupTrips([v('z', T0 + 5 * MIN), v('y', T0, 'e-2'), v('x', T0, 'e-1')], 60);
    expect(trips).toEqual([{ tripId: 'x', firstAt: new Date(T0), violationIds: ['x', 'y', 'z'] }]);
  });

  it('ignores repeats of an id or an eventId', () => {
    const trips = groupTrips([v('a', T0), v('a', T0), v('b', T0 + 2 * 60 * MIN), v('c', T0 + 2 * 60 * MIN, 'e-b')], 60);
    expect(trips.map((t) => t.violationIds)).toEqual([['a'], ['b']]);
  });

  it('returns no trips for no violations', () => {
    expect(groupTrips([], 60)).toEqual([]);
  });

  it('rejects an invalid Date and a negative merge interval', () => {
    expect(() => groupTrips([v('a', NaN)], 60)).toThrow(DomainError);
    expect(() => groupTrips([], -1)).toThrow(DomainError);
  });

  it('does not alias the input Dates', () => {
    const input = v('a', T0);
    const [trip] = groupTrips([input], 60);
    input.measuredAt.setTime(0);
    expect(trip.firstAt.getTime()).toBe(T0);
  });
});
