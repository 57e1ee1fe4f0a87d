/** A registered station's active period (SPEC §4.9 activeFrom/activeTo); null bounds are open. */
export interface StationActivity {
  activeFrom: Date | null;
  activeTo: Date | null;
}

/**
 * Whether a weighing measured at `at` comes from a station that may report: registered, and active at
 * that moment (both bounds inclusive). Anything else is dead-lettered UNKNOWN_STATION (docs/rules.md).
 */
export function stationActiveAt(station: StationActivity | undefined, at: Date): boolean {
  if (!station) return false;
  const t = at.getTime();
  return (
    (!station.activeFrom || station.activeFrom.getTime() <= t) && (!station.activeTo || t <= station.activeTo.getTime())
  );
}
