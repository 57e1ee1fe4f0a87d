import { readFileSync } from 'node:fs';
import chineseDays from 'chinese-days/dist/chinese-days.json';
import shippedOverrides from '../../../libs/domain/src/time/calendar-overrides.json';
import { testServices } from '../../harness/services';
/**
 * What GET /v1/stats, /v1/stats/regions and /v1/stats/daily must answer, computed in TypeScript from the
 * facts a test produced (every weighing it sent, what it revoked, processed, turned back and published),
 * straight from the definitions in SPEC §4.3, §4.4 and §6 — deliberately not from the product's SQL,
 * so that a wrong aggregate there cannot also be the expectation.
 *
 * Scope: facts within the last COUNT_WINDOW_DAYS and listings that never expire in the test, so the
 * window holds every trip and a vehicle has at most one listing.
 *
 * A weighing's kind is its classification (SPEC §4.2). Only VIOLATIONs are violations and only WARNINGs
 * are warnings: a TOLERATED entry reading (交办公路明电〔2019〕117号), an EXEMPT_PERMIT and an
 * UNIDENTIFIED weighing count as weighings of their day and nothing else.
 */
export type FactKind = 'COMPLIANT' | 'TOLERATED' | 'WARNING' | 'VIOLATION' | 'EXEMPT_PERMIT' | 'UNIDENTIFIED';

export interface WeighingFact {
  eventId: string;
  vehicleKey: string;
  stationId: string;
  measuredAt: number;
  kind: FactKind;
}

// Spelled out here on purpose: the model states what the test expects, not what the product defines.
export type ListingStatus = 'PENDING' | 'LISTED' | 'PUBLISHED' | 'REPAIRED' | 'EXPIRED' | 'REVOKED' | 'WITHDRAWN';

export interface StatsFacts {
  weighings: WeighingFact[];
  /** Violations revoked (their eventIds). */
  revoked: Set<string>;
  /** A listing's status set by the test, by vehicle key; REVOKED/REPAIRED with when it ended. */
  listingStatus: Map<string, { status: ListingStatus; endedBetween?: [number, number] }>;
  processed: { eventId: string; processedAt: number; fineYuan: number }[];
  turnBacks: { stationId: string; at: number }[];
  rules: { tripMergeMinutes: number; listingThreshold: number; publicationDeadlineWorkingDays: number };
}

const DAY = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;

interface ModelListing {
  vehicleKey: string;
  listedAt: number;
  /** The station of the violation that reached the listing: the listing's region. */
  stationId: string;
  status: ListingStatus;
  endedBetween?: [number, number];
}

/** §4.3: a violation opens a new trip when more than TRIP_MERGE_MINUTES after the current trip's first. */
function tripStarts(violations: WeighingFact[], mergeMinutes: number): WeighingFact[] {
  const starts: WeighingFact[] = [];
  for (const v of [...violations].sort((a, b) => a.measuredAt - b.measuredAt)) {
    if (starts.length === 0 || v.measuredAt - starts.at(-1)!.measuredAt > mergeMinutes * 60_000) starts.push(v);
  }
  return starts;
}

type YearLists = { holidays: readonly string[]; workdays: readonly string[] };

/**
 * The years the apps of this run know: the calendar package's, replaced by those of the shipped override
 * file and then of the run's OFFICIAL_CALENDAR_FILE (its SYNTHETIC years, test/harness/global-setup.ts),
 * read straight from the files (the product has its own reading of them).
 */
let calendarYears: Map<string, YearLists> | undefined;
function yearLists(year: string): YearLists {
  if (!calendarYears) {
    calendarYears = new Map();
    const fromPackage = (list: Record<string, string>, key: 'holidays' | 'workdays') => {
      for (const date of Object.keys(list)) {
        const entry = calendarYears!.get(date.slice(0, 4)) ?? { holidays: [], workdays: [] };
        calendarYears!.set(date.slice(0, 4), { ...entry, [key]: [...entry[key], date] });
      }
    };
    fromPackage(chineseDays.holidays, 'holidays');
    fromPackage(chineseDays.workdays, 'workdays');
    const runFile = JSON.parse(readFileSync(testServices().calendarFile, 'utf8')) as {
      years: Record<string, YearLists>;
    };
    for (const file of [shippedOverrides as { years: Record<string, YearLists> }, runFile]) {
      for (const [y, lists] of Object.entries(file.years)) calendarYears.set(y, lists);
    }
  }
  const lists = calendarYears.get(year);
  // Never guessed, here either: the apps would flag such a deadline "calendar missing".
  if (!lists) throw new Error(`the stats model's calendar does not know ${year}`);
  return lists;
}

/**
 * A working day of that calendar: its holidays are rest days, its 调休 workdays are working days,
 * Monday to Friday otherwise.
 */
function isWorkingDay(localDayOnUtcAxis: number): boolean {
  const date = new Date(localDayOnUtcAxis).toISOString().slice(0, 10);
  const { holidays, workdays } = yearLists(date.slice(0, 4));
  if (workdays.includes(date)) return true;
  if (holidays.includes(date)) return false;
  const weekday = new Date(localDayOnUtcAxis).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * §4.4, §4.10: publication is due by 24:00 Asia/Shanghai of the N-th working day after the day the
 * listing took effect (an effect at 24:00 belongs to the day it ends); returns that 24:00 instant.
 */
export function publicationDueBy(effectiveAt: number, workingDays: number): number {
  let day = Math.floor((effectiveAt - 1 + SHANGHAI_MS) / DAY) * DAY; // the local day, on the UTC axis
  for (let n = 0; n < workingDays;) {
    day += DAY;
    if (isWorkingDay(day)) n++;
  }
  return day + DAY - SHANGHAI_MS;
}

const overdueAt = (effectiveAt: number, now: number, workingDays: number): boolean =>
  now >= publicationDueBy(effectiveAt, workingDays);

export const shanghaiDate = (ms: number): string => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10);

export class StatsModel {
  readonly listings: ModelListing[];
  private readonly byVehicle = new Map<string, WeighingFact[]>();

  constructor(private readonly facts: StatsFacts) {
    for (const w of facts.weighings) {
      if (w.kind !== 'VIOLATION') continue;
      const list = this.byVehicle.get(w.vehicleKey) ?? [];
      list.push(w);
      this.byVehicle.set(w.vehicleKey, list);
    }
    // A listing as created (revoked violations still counted then), with the status the test gave it.
    this.listings = [];
    for (const [vehicleKey, violations] of this.byVehicle) {
      const reaching = tripStarts(violations, facts.rules.tripMergeMinutes)[facts.rules.listingThreshold - 1];
      if (!reaching) continue;
      const set = facts.listingStatus.get(vehicleKey);
      this.listings.push({
        vehicleKey,
        listedAt: reaching.measuredAt,
        stationId: reaching.stationId,
        status: set?.status ?? 'LISTED',
        endedBetween: set?.endedBetween,
      });
    }
  }

  stats(request: { from: number; to: number; region: string | null; now: number }) {
    const { from, to, now } = request;
    const region = request.region ?? '';
    const here = (stationId: string) => stationId.startsWith(region);
    const during = (t: number) => t >= from && t < to;
    const counted = this.facts.weighings.filter((w) => w.kind === 'VIOLATION' && !this.facts.revoked.has(w.eventId));
    const listings = this.listings.filter((l) => here(l.stationId));
    const byStatus = (status: ListingStatus) => listings.filter((l) => l.status === status).length;
    const endedDuring = (status: ListingStatus) =>
      listings.filter((l) => {
        if (l.status !== status) return false;
        const [first, last] = l.endedBetween!;
        if (during(first) !== during(last)) throw new Error(`a ${status} listing ended on the edge of the period`);
        return during(first);
      }).length;
    const processed = this.facts.processed.filter((p) => {
      const v = this.facts.weighings.find((w) => w.eventId === p.eventId)!;
      return during(p.processedAt) && here(v.stationId);
    });

    // §4.3 WATCH: no active listing, at least one counted trip in the window after the last listing's end
    // (a fresh start); with a region, such a trip started there.
    let watch = 0;
    for (const [vehicleKey, violations] of this.byVehicle) {
      const listing = this.listings.find((l) => l.vehicleKey === vehicleKey);
      if (listing && (listing.status === 'LISTED' || listing.status === 'PUBLISHED')) continue;
      const freshStart = listing?.endedBetween?.[0] ?? -Infinity;
      const trips = tripStarts(
        violations.filter((v) => !this.facts.revoked.has(v.eventId) && v.measuredAt > freshStart),
        this.facts.rules.tripMergeMinutes,
      );
      if (trips.some((t) => t.measuredAt <= now && here(t.stationId))) watch += 1;
    }

    return {
      region: request.region,
      asOfNow: {
        at: new Date(now).toISOString(),
        watch,
        // These suites run with NOTICE_PERIOD_WORKING_DAYS=0: a listing is in effect from listedAt.
        pending: byStatus('PENDING'),
        listed: byStatus('LISTED'),
        published: byStatus('PUBLISHED'),
        overduePublications: listings.filter(
          (l) => l.status === 'LISTED' && overdueAt(l.listedAt, now, this.facts.rules.publicationDeadlineWorkingDays),
        ).length,
        overdueObjections: 0,
        listingsByStatus: {
          PENDING: byStatus('PENDING'),
          WITHDRAWN: byStatus('WITHDRAWN'),
          LISTED: byStatus('LISTED'),
          PUBLISHED: byStatus('PUBLISHED'),
          REPAIRED: byStatus('REPAIRED'),
          EXPIRED: byStatus('EXPIRED'),
          REVOKED: byStatus('REVOKED'),
        },
      },
      period: {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        violations: counted.filter((v) => during(v.measuredAt) && here(v.stationId)).length,
        warnings: this.facts.weighings.filter((w) => w.kind === 'WARNING' && during(w.measuredAt) && here(w.stationId))
          .length,
        turnBacks: this.facts.turnBacks.filter((t) => during(t.at) && here(t.stationId)).length,
        casesProcessed: processed.length,
        finesYuan: processed.reduce((sum, p) => sum + p.fineYuan, 0),
        repaired: endedDuring('REPAIRED'),
        expired: endedDuring('EXPIRED'),
        revoked: endedDuring('REVOKED'),
      },
    };
  }

  /** One row per Asia/Shanghai day of [from, to), zeros included. */
  daily(request: { from: number; to: number; region: string | null }) {
    const { from, to } = request;
    const region = request.region ?? '';
    const days = new Map<
      string,
      { date: string; weighings: number; warnings: number; violations: number; turnBacks: number }
    >();
    for (let d = shanghaiDate(from); d <= shanghaiDate(to - 1);) {
      days.set(d, { date: d, weighings: 0, warnings: 0, violations: 0, turnBacks: 0 });
      d = new Date(Date.parse(d) + DAY).toISOString().slice(0, 10);
    }
    const at = (t: number, stationId: string) =>
      t >= from && t < to && stationId.startsWith(region) ? days.get(shanghaiDate(t))! : undefined;
    for (const w of this.facts.weighings) {
      const day = at(w.measuredAt, w.stationId);
      if (!day) continue;
      day.weighings += 1;
      if (w.kind === 'WARNING') day.warnings += 1;
      if (w.kind === 'VIOLATION' && !this.facts.revoked.has(w.eventId)) day.violations += 1;
    }
    for (const t of this.facts.turnBacks) {
      const day = at(t.at, t.stationId);
      if (day) day.turnBacks += 1;
    }
    return {
      region: request.region,
      timeZone: 'Asia/Shanghai',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      items: [...days.values()],
    };
  }
}

/** A weigh event as sent (SPEC §3), the fields §4.2 classifies on. */
export interface SentWeighing {
  source: string;
  stationId: string;
  measuredAt: string;
  plate: string;
  plateColor: number | string;
  axles: number;
  combination?: boolean;
  grossWeightKg: number;
  permitNo?: string;
}

/**
 * What SPEC §4.2 makes of a sent weighing, written out from the text, in its order: within the limit;
 * a TOLL_ENTRY reading not above limit × (100 + tolerance) / 100; the warning band; a permit that
 * covers it (`covers`, the registry's answer for this weighing); an unread plate; a violation.
 */
export function classificationOf(
  e: SentWeighing,
  limitKg: number,
  rules: { warningBandKg: number; entryTolerancePercent: number },
  covers: (e: SentWeighing) => boolean,
): FactKind {
  const overKg = e.grossWeightKg - limitKg;
  if (overKg <= 0) return 'COMPLIANT';
  if (e.source === 'TOLL_ENTRY' && overKg * 100 <= limitKg * rules.entryTolerancePercent) return 'TOLERATED';
  if (overKg <= rules.warningBandKg) return 'WARNING';
  if (e.permitNo && covers(e)) return 'EXEMPT_PERMIT';
  if (e.plate === 'UNKNOWN') return 'UNIDENTIFIED';
  return 'VIOLATION';
}
