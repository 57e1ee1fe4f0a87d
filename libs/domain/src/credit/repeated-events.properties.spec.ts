import fc from 'fast-check';
import { admitRepeatedEvents } from './repeated-events';
import { groupTrips, type ViolationFact } from './trips';

const T0 = Date.parse('2026-01-01T00:00:00+08:00');
const MIN = 60_000;
const RUNS = { numRuns: 300 };

/** A weigh event as far as repeats are concerned: its eventId, its content and when it was measured. */
interface Arrival {
  eventId: string;
  content: string;
  measuredAt: Date;
}

/**
 * Distinct facts (eventId → minutes after T0, close enough that trips merge and split), each arriving
 * 1-3 times unchanged; `conflicting` adds, for some eventIds, copies with other content.
 */
const factsArb = (conflicting: boolean) =>
  fc
    .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 600 })), {
      minLength: 1,
      maxLength: 12,
      selector: ([id]) => id,
    })
    .chain((facts) =>
      fc.tuple(
        fc.constant(facts),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: facts.length, maxLength: facts.length }),
        conflicting
          ? fc.array(fc.integer({ min: 0, max: 2 }), { minLength: facts.length, maxLength: facts.length })
          : fc.constant(facts.map(() => 0)),
      ),
    )
    .map(([facts, copies, variants]) => {
      const arrivals: Arrival[] = [];
      facts.forEach(([id, minutes], i) => {
        const eventId = `e-${id}`;
        const at = (m: number) => new Date(T0 + m * MIN);
        for (let c = 0; c < copies[i]!; c++) arrivals.push({ eventId, content: `${minutes}`, measuredAt: at(minutes) });
        // Other content: another time (so other trips, were it stored).
        for (let v = 1; v <= variants[i]!; v++)
          arrivals.push({ eventId, content: `${minutes + 37 * v}`, measuredAt: at(minutes + 37 * v) });
      });
      return arrivals;
    });

/** An arrival order (a permutation) and the batches it is cut into. */
const orderArb = (n: number) =>
  fc.tuple(
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: 4 }),
  );

function arrange(arrivals: Arrival[], [keys, cuts]: [number[], number[]]): Arrival[][] {
  const ordered = arrivals
    .map((a, i) => ({ a, k: keys[i]! }))
    .sort((x, y) => x.k - y.k)
    .map((x) => x.a);
  const bounds = [0, ...[...cuts].sort((x, y) => x - y).filter((c) => c < ordered.length), ordered.length];
  return bounds.slice(1).map((end, i) => ordered.slice(bounds[i], end));
}

/** Ingest in batches: what each batch stores is the stored state of the next. */
function ingest(batches: Arrival[][]) {
  const stored = new Map<string, Arrival>();
  const conflicts: Arrival[] = [];
  let repeats = 0;
  for (const batch of batches) {
    const admissions = admitRepeatedEvents(
      batch,
      stored,
      (a) => a.eventId,
      (s, a) => s.content === a.content,
    );
    admissions.forEach((admission, i) => {
      const arrival = batch[i]!;
      if (admission.kind === 'STORE') stored.set(arrival.eventId, arrival);
      else if (admission.kind === 'REPEAT') repeats++;
      else conflicts.push(arrival);
    });
  }
  return { stored, conflicts, repeats };
}

const tripsOf = (stored: Iterable<Arrival>, only: (eventId: string) => boolean = () => true) =>
  groupTrips(
    [...stored]
      .filter((a) => only(a.eventId))
      .map((a): ViolationFact => ({ id: a.eventId, eventId: a.eventId, measuredAt: a.measuredAt })),
    60,
  );
const contents = (stored: Map<string, Arrival>) => [...stored.values()].map((a) => `${a.eventId}=${a.content}`).sort();

describe('repeated eventIds: order independence (SPEC §3, docs/rules.md "Repeated eventIds")', () => {
  it('without conflicts, every arrival order and batching stores the same facts and gives the same trips', () => {
    fc.assert(
      fc.property(
        factsArb(false).chain((arrivals) =>
          fc.tuple(fc.constant(arrivals), orderArb(arrivals.length), orderArb(arrivals.length)),
        ),
        ([arrivals, one, other]) => {
          const a = ingest(arrange(arrivals, one));
          const b = ingest(arrange(arrivals, other));
          expect(a.conflicts).toEqual([]);
          expect(b.conflicts).toEqual([]);
          expect(contents(a.stored)).toEqual(contents(b.stored));
          expect(a.repeats).toBe(arrivals.length - a.stored.size);
          expect(tripsOf(a.stored.values())).toEqual(tripsOf(b.stored.values()));
        },
      ),
      RUNS,
    );
  });

  it('with conflicts, the first arrival of an eventId is stored, every other content is a conflict, and the conflict-free facts give the same trips in every order', () => {
    fc.assert(
      fc.property(
        factsArb(true).chain((arrivals) =>
          fc.tuple(fc.constant(arrivals), orderArb(arrivals.length), orderArb(arrivals.length)),
        ),
        ([arrivals, one, other]) => {
          const conflicted = new Set(
            arrivals
              .filter((x) => arrivals.some((y) => y.eventId === x.eventId && y.content !== x.content))
              .map((x) => x.eventId),
          );
          const runs = [one, other].map((order) => {
            const batches = arrange(arrivals, order);
            const result = ingest(batches);
            const firstOf = new Map<string, Arrival>();
            for (const a of batches.flat()) if (!firstOf.has(a.eventId)) firstOf.set(a.eventId, a);
            // Whichever came first stays; each arrival differing from it is dead-lettered, each equal one ignored.
            expect(contents(result.stored)).toEqual(contents(firstOf));
            const differing = batches.flat().filter((a) => a.content !== firstOf.get(a.eventId)!.content);
            expect(result.conflicts.length).toBe(differing.length);
            expect(result.repeats + result.conflicts.length + result.stored.size).toBe(arrivals.length);
            return result;
          });
          const clean = (id: string) => !conflicted.has(id);
          expect(tripsOf(runs[0]!.stored.values(), clean)).toEqual(tripsOf(runs[1]!.stored.values(), clean));
        },
      ),
      RUNS,
    );
  });

  it('compares a later copy with the stored event, not with a conflicting one before it', () => {
    const at = new Date(T0);
    const original = { eventId: 'e', content: 'a', measuredAt: at };
    const admissions = admitRepeatedEvents(
      [original, { ...original, content: 'b' }, { ...original }],
      new Map(),
      (x) => x.eventId,
      (s, x) => s.content === x.content,
    );
    expect(admissions.map((a) => a.kind)).toEqual(['STORE', 'CONFLICT', 'REPEAT']);
  });
});
