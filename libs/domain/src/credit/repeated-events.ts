/** What becomes of one arriving event given what is stored (SPEC §3 duplicates). */
export type RepeatAdmission<T> =
  /** The first of its eventId: stored. */
  | { kind: 'STORE' }
  /** Its eventId is stored with the same content: a redelivery, a no-op. */
  | { kind: 'REPEAT'; of: T }
  /** Its eventId is stored with other content: dead-lettered DUPLICATE_CONFLICT, the stored one stays. */
  | { kind: 'CONFLICT'; with: T };

/**
 * SPEC §3 and docs/rules.md "Repeated eventIds": of the events with one eventId, the first to arrive
 * is stored; a later one is compared with it, never with the others (so a third copy of the original
 * after a conflicting second is still a repeat, not a conflict). `stored` holds the events stored
 * before these arrivals (earlier batches, other partitions), by eventId; `arrivals` are in arrival
 * (offset) order. Splitting arrivals into batches, with what each batch stores added to `stored` for
 * the next, gives the same answers as one batch.
 */
export function admitRepeatedEvents<T>(
  arrivals: readonly T[],
  stored: ReadonlyMap<string, T>,
  eventIdOf: (event: T) => string,
  sameContent: (stored: T, arriving: T) => boolean,
): RepeatAdmission<T>[] {
  const first = new Map<string, T>();
  return arrivals.map((event) => {
    const id = eventIdOf(event);
    const reference = stored.get(id) ?? first.get(id);
    if (reference === undefined) {
      first.set(id, event);
      return { kind: 'STORE' };
    }
    return sameContent(reference, event) ? { kind: 'REPEAT', of: reference } : { kind: 'CONFLICT', with: reference };
  });
}
