import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Admin, Partitioners, Producer } from 'kafkajs';
import { Client, Notification } from 'pg';
import { readOfficialCalendarFile } from '@oc/config';
import { workingDayDeadline, type OfficialCalendar } from '@oc/domain';
import { violationEvent, writeSyntheticCalendarFile } from '@oc/simulation';
import { Check, checkEqual, checkThat } from '../lib/checks';
import { BenchContext } from '../lib/context';
import { CpuAccount } from '../lib/cpu-accounting';
import { committed, topicEnd } from '../lib/kafka';
import { sleep } from '../lib/log';
import {
  ENTRY,
  freePort,
  isRunning,
  logProblems,
  LogProblems,
  NodeProcess,
  spawnNode,
  stopProcess,
  waitForHttp,
} from '../lib/processes';
import { seededPlate } from '../lib/seed';
import { Distribution, distribution } from '../lib/stats';
import { World } from '../lib/world';

export type FreshnessPart = 'immediate' | 'notice';
export const FRESHNESS_PARTS: readonly FreshnessPart[] = ['immediate', 'notice'];

export interface FreshnessParameters {
  /** immediate: NOTICE_PERIOD_WORKING_DAYS=0, from the third trip; notice: the default period, from the commit. */
  parts: FreshnessPart[];
  /** Vehicles measured in each part. */
  vehicles: number;
  /** Background traffic, events/s. */
  rate: number;
  fleet: number;
  partitions: number;
  warmupS: number;
  /** Between two third trips (immediate), between two notice periods moved back (notice). */
  spacingMs: number;
  /**
   * Each pending plate is asked again max(minPollMs, 5 % of the time since its clock started) after its
   * previous answer: fine resolution while it is fresh, bounded relative error and bounded load on
   * the gate when ingest lags.
   */
  minPollMs: number;
  /** At most this many probe requests in flight at once. */
  maxInFlight: number;
  /** A plate not turned back this long after its clock started counts as a miss. */
  timeoutMs: number;
  /** The notice part's NOTICE_PERIOD_WORKING_DAYS (the product's default, SPEC §7). */
  noticePeriodWorkingDays: number;
  seed: number;
  stationId: string;
}

/** What both parts report besides their latencies. */
interface PartRun {
  /** Sending → receipt of the request answered TURN_BACK, ms: how much of the figure is the gate's answer. */
  turnBackRoundTripMs: Distribution;
  turnedBack: number;
  missed: number;
  probeRequests: number;
  probeErrors: number;
  background: Record<string, number> | null;
  /** Ingest's consumer lag (events produced, not yet committed), sampled every second while probing. */
  ingestLag: { max: number; mean: number; samples: number };
  /** The probe's answers by decision and source (a fail-open ALLOW is a 2xx answer, SPEC §4.6). */
  probeAnswers: Record<string, number>;
  /** Machine CPU while probing. */
  cpu: CpuAccount;
  ingest: { exit: number | string; log: LogProblems & { file: string } };
  gate: { exit: number | string; log: LogProblems & { file: string } };
}

/** NOTICE_PERIOD_WORKING_DAYS=0: the listing is in effect in the transaction that stores the third trip. */
export interface ImmediateFreshnessResult extends PartRun {
  /** Produce → first TURN_BACK answer received (upper bound of the true latency), ms. */
  latencyMs: Distribution;
  /** Produce → sending of the last answer that was still ALLOW (lower bound), ms. */
  lowerBoundMs: Distribution;
  /** Upper − lower bound per plate: the probe's resolution, ms. */
  resolutionMs: Distribution;
  produceAckMs: Distribution;
}

/**
 * The default notice period: PENDING listings whose period has ended are made effective by ingest's
 * scheduler; latency from that commit to the gate's TURN_BACK.
 */
export interface NoticeFreshnessResult extends PartRun {
  noticePeriodWorkingDays: number;
  /** The SYNTHETIC calendar years the part's apps counted with (OFFICIAL_CALENDAR_FILE); [] when none. */
  syntheticCalendarYears: number[];
  /** The times every vehicle's facts carry (the same for all): trips, notice issued, served, period end. */
  timeline: { trips: string[]; issuedAt: string; servedAt: string; periodEndsAt: string };
  /**
   * Commit → first TURN_BACK received, ms, the commit taken as the last clock read in the committing
   * transaction just before its commit record (a deferred trigger of the bench): the true commit is at
   * or after it, so this is an upper bound of the true latency.
   */
  latencyMs: Distribution;
  /** From the bench's first receipt of that commit's notifications (after the commit) → TURN_BACK, ms. */
  fromNotificationMs: Distribution;
  /** max(0, last ALLOW sent − first notification received): lower bound of the true latency, ms. */
  lowerBoundMs: Distribution;
  /** Upper − lower bound per plate, ms. */
  resolutionMs: Distribution;
  /** First notification received − pre-commit clock: how well the commit instant is known, ms. */
  commitWindowMs: Distribution;
  /**
   * From the committing transaction's start (its outbox row's created_at, now() — what the product
   * records) → TURN_BACK, ms: more conservative still, it includes the transaction itself.
   */
  fromTransactionStartMs: Distribution;
  /** Transaction start → pre-commit clock, ms (the scheduler's transaction, its lock waits included). */
  transactionMs: Distribution;
  /** Period moved back → pre-commit clock, ms: when the 5 s scheduler got to it (not part of the figure). */
  dueToCommitMs: Distribution;
  /** The scheduler transactions that made the listings effective, and how many each. */
  commits: { count: number; listingsPerCommit: number[] };
  /** Listings whose effect the bench saw committed. */
  committed: number;
  /** The gate's answers about the warm-up vehicles, by decision and source. */
  warmUpAnswers: Record<string, number>;
  /**
   * Per vehicle, ms after the first period was moved back: moved back, transaction start, pre-commit
   * clock, notification received, last ALLOW sent, TURN_BACK received (null: not seen); gate requests.
   */
  vehicles: { columns: string[]; rows: (number | string | null)[][] };
  staff: { exit: number | string; log: LogProblems & { file: string } };
}

export interface FreshnessResult {
  parameters: FreshnessParameters;
  immediate: ImmediateFreshnessResult | null;
  notice: NoticeFreshnessResult | null;
  checks: Check[];
}

/** A plate the probe asks about until it is turned back. */
interface Watched {
  plate: string;
  requests?: number;
  /** The request that was answered TURN_BACK: when it was sent, and the answer's source. */
  turnBackSentAt?: number;
  turnBackSource?: string;
  /** The clock the latency runs from: the probe asks often while it is recent and gives up timeoutMs after it. */
  origin: number;
  lastAllowSentAt: number;
  turnedBackAt: number | null;
}

interface ProbeCounters {
  n: number;
  requests: number;
  errors: number;
  /** Answers by decision and source, e.g. "TURN_BACK cache", "ALLOW fail-open" (SPEC §4.6). */
  answers: Record<string, number>;
}

const newCounters = (): ProbeCounters => ({ n: 0, requests: 0, errors: 0, answers: {} });

/** The gate's decision and where it came from (cache, database, fail-open). */
type Ask = (plate: string) => Promise<{ decision: string; source: string }>;

/** Runs the parts one after the other, each in its own world with its own apps and background traffic. */
export async function runFreshnessScenario(ctx: BenchContext, params: FreshnessParameters): Promise<FreshnessResult> {
  const immediate = params.parts.includes('immediate') ? await runImmediatePart(ctx, params) : null;
  const notice = params.parts.includes('notice') ? await runNoticePart(ctx, params) : null;
  return {
    parameters: params,
    immediate: immediate?.result ?? null,
    notice: notice?.result ?? null,
    checks: [...(immediate?.checks ?? []), ...(notice?.checks ?? [])],
  };
}

/**
 * NOTICE_PERIOD_WORKING_DAYS=0 (the world's default): ingest and gate-api (dist/) against a fresh
 * world; the vehicles get two illegal trips each (stored before the clock starts); background traffic
 * runs; then every `spacingMs` one of them gets its third trip, and the gate is asked about its plate
 * (see minPollMs) until it answers TURN_BACK. The figure is produce → TURN_BACK received.
 */
async function runImmediatePart(
  ctx: BenchContext,
  params: FreshnessParameters,
): Promise<{ result: ImmediateFreshnessResult; checks: Check[] }> {
  const log = (m: string): void => ctx.log(`freshness (immediate effect): ${m}`);
  const world = ctx.world('freshness');
  const apps = await startApps(ctx, world, 'freshness', params, {});
  const key = apps.stationKey;
  const { producer, admin } = await connectKafka(ctx);
  let background: NodeProcess | undefined;
  try {
    // Plates 京A00000…: the traffic generator never uses 京, so only the probe touches these vehicles.
    const plates = Array.from({ length: params.vehicles }, (_, i) => seededPlate(i, '京'));
    const now = Date.now();
    const prior = plates.flatMap((plate, i) => [
      violationEvent({ eventId: `fresh-${i}-1`, plate, measuredAt: new Date(now - 150 * 60_000) }),
      violationEvent({ eventId: `fresh-${i}-2`, plate, measuredAt: new Date(now - 80 * 60_000) }),
    ]);
    await producer.send({ topic: world.names.weighingEvents, acks: -1, messages: prior });
    await waitCaughtUp(admin, apps.groupId, world.names.weighingEvents, apps.ingest, 120_000);
    const ask = gateAsker(apps.gateUrl, key);
    const before = (await ask(plates[0]!)).decision;
    if (before !== 'ALLOW') throw new Error(`a vehicle with two trips is already ${before} at the gate`);
    log(`${params.vehicles} vehicles have 2 trips stored; background traffic ${params.rate} events/s …`);

    background = startBackground(ctx, world, 'freshness', 'fresh-bg', params);
    await sleep(params.warmupS * 1000);

    const lag = sampleLag(admin, apps.groupId, world.names.weighingEvents);
    const account = ctx.cpuAccounting();
    const probes: (Watched & { producedAt: number; ackMs: number })[] = [];
    const counters = newCounters();
    const watchers: Promise<void>[] = [];
    const began = Date.now();
    for (let i = 0; i < plates.length; i++) {
      const due = began + i * params.spacingMs;
      if (due > Date.now()) await sleep(due - Date.now());
      if (!isRunning(apps.ingest) || !isRunning(apps.gate))
        throw new Error('ingest or gate-api exited during the probe');
      const plate = plates[i]!;
      const producedAt = Date.now();
      const probe = {
        plate,
        producedAt,
        origin: producedAt,
        ackMs: 0,
        lastAllowSentAt: producedAt,
        turnedBackAt: null,
      };
      await producer.send({
        topic: world.names.weighingEvents,
        acks: -1,
        messages: [violationEvent({ eventId: `fresh-${i}-3`, plate, measuredAt: new Date(producedAt) })],
      });
      probe.ackMs = Date.now() - producedAt;
      probes.push(probe);
      watchers.push(watch(probe, ask, params, counters));
    }
    await Promise.all(watchers);
    const ingestLag = lag.stop();
    const cpu = account.stop({ ingest: apps.ingest.pid, gateApi: apps.gate.pid, backgroundTraffic: background.pid });

    const done = probes.filter((p) => p.turnedBackAt !== null);
    const upper = done.map((p) => p.turnedBackAt! - p.producedAt);
    const lower = done.map((p) => Math.max(0, p.lastAllowSentAt - p.producedAt));
    const backgroundStats = await stopBackground(background);
    const stopped = await stopApps(apps);
    const result: ImmediateFreshnessResult = {
      latencyMs: distribution(upper, 1),
      turnBackRoundTripMs: roundTrips(done),
      lowerBoundMs: distribution(lower, 1),
      resolutionMs: distribution(
        upper.map((u, i) => u - lower[i]!),
        1,
      ),
      produceAckMs: distribution(
        probes.map((p) => p.ackMs),
        1,
      ),
      turnedBack: done.length,
      missed: probes.length - done.length,
      probeRequests: counters.requests,
      probeErrors: counters.errors,
      probeAnswers: counters.answers,
      background: backgroundStats,
      ingestLag,
      cpu,
      ingest: stopped.ingest,
      gate: stopped.gate,
    };
    const checks = [
      // A listing that never reaches the gate is a wrong answer, not a slow one.
      checkEqual(
        `immediate effect: vehicles turned back within ${params.timeoutMs / 1000} s of the third trip`,
        probes.length,
        done.length,
      ),
      checkEqual('immediate effect: probe requests without a 2xx answer', 0, counters.errors),
    ];
    log(
      `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms (${done.length}/${probes.length} turned back, ` +
        `background ${backgroundStats?.ratePerS ?? '?'} events/s, max lag ${ingestLag.max})`,
    );
    return { result, checks };
  } finally {
    if (background && isRunning(background)) await stopProcess(background);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Channel of the bench's commit probe (below). */
const COMMIT_CHANNEL = 'bench_listing_effective';

/**
 * The bench's probe of the commit instant, installed in this world's database only: a deferred
 * constraint trigger fires while its transaction commits, after every statement and just before the
 * commit record is written, and reads the clock there; its NOTIFY reaches the bench only once the
 * transaction has committed (PostgreSQL delivers notifications at commit). The commit lies between the
 * two. It adds one NOTIFY per listing that takes effect to the transaction that does it; it decides
 * nothing and changes no row. Both clocks are this machine's (Postgres runs on it).
 */
const COMMIT_PROBE_SQL = `
  CREATE FUNCTION bench_listing_effective() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${COMMIT_CHANNEL}',
      NEW.vehicle_key || ' ' || (extract(epoch FROM clock_timestamp()) * 1000)::text || ' ' || txid_current()::text);
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER bench_listing_effective AFTER UPDATE ON listings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status = 'PENDING' AND NEW.status IN ('LISTED', 'PUBLISHED'))
    EXECUTE FUNCTION bench_listing_effective();`;

interface NoticeProbe extends Watched {
  vehicleKey: string;
  listingId: string;
  noticeId: string;
  /** When the bench asked to move this notice's period into the past (the listing became due). */
  shiftedAt: number | null;
  /** The clock read in the committing transaction just before its commit record. */
  commitClock: number | null;
  /** When the bench received this listing's notification of that commit. */
  notifiedAt: number | null;
  /** The last clock read in that transaction: the commit was at or after it. */
  commitFrom?: number;
  /** When the bench received the first notification of that commit: the commit was at or before it. */
  committedBy?: number;
  txid: string | null;
}

/**
 * NOTICE_PERIOD_WORKING_DAYS=5 (SPEC §4.4, §4.10): ingest, gate-api and staff-api against a fresh world.
 * Every vehicle gets three illegal trips 20 days ago; ingest makes the listing PENDING and issues its
 * notice (dated back by SQL to the third trip, as it would have been issued had the uploads been on
 * time). The gate must still ALLOW them. An officer records each notice's service through the staff
 * API (`POST /v1/notices/:id/service`, by announcement: these vehicles are not in the registry) as of
 * now, so the period is running and the listing stays PENDING. Recording a service whose period has
 * already ended would make the listing effective in the service's own transaction; so that the
 * scheduler's commit is the one measured — the usual case, a period ending at 24:00 with no one acting —
 * the bench then moves each notice's issue and service back to the trips' day and its period end to
 * what the official calendar gives for that service, one notice every `spacingMs` under background
 * traffic: dates only, no status. Ingest's scheduler (every 5 s) then finds the period ended and its
 * plan makes the listing LISTED; the gate is asked about the plate from that commit until TURN_BACK.
 */
async function runNoticePart(
  ctx: BenchContext,
  params: FreshnessParameters,
): Promise<{ result: NoticeFreshnessResult; checks: Check[] }> {
  const log = (m: string): void => ctx.log(`freshness (notice period): ${m}`);
  // The part serves notices now and needs their period running: past the known calendar years the
  // product flags "calendar missing" and never guesses (SPEC §4.10). What it measures is the scheduler's
  // commit, not the calendar, so its apps (and the timeline below) count on the built-in calendar plus
  // SYNTHETIC years for what it does not know yet (OFFICIAL_CALENDAR_FILE, docs/calendar.md).
  const calendarFile = join(ctx.logDir, 'freshness-notice-calendar.json');
  const synthetic = writeSyntheticCalendarFile(calendarFile);
  const calendar = readOfficialCalendarFile(calendarFile);
  if (synthetic.length > 0) log(`synthetic calendar years ${synthetic.join(', ')} (${calendarFile})`);
  const periodNow = workingDayDeadline(new Date(), params.noticePeriodWorkingDays, calendar);
  if (!periodNow.ok) throw new Error(`the calendar of ${calendarFile} does not know ${periodNow.year}`);
  const world = ctx.world('freshness-notice');
  const secret = randomBytes(24).toString('hex');
  const env = {
    NOTICE_PERIOD_WORKING_DAYS: String(params.noticePeriodWorkingDays),
    OFFICIAL_CALENDAR_FILE: calendarFile,
  };
  const apps = await startApps(ctx, world, 'freshness-notice', params, env, secret);
  const officer = (
    await ctx.cli(
      world,
      'freshness-notice-token',
      ['token:issue', '--sub', 'bench-officer', '--roles', 'OFFICER'],
      60_000,
      {
        ...env,
        STAFF_JWT_SECRET: secret,
      },
    )
  ).stdout.trim();
  const { producer, admin } = await connectKafka(ctx);
  const sql = new Client({ connectionString: world.databaseUrl, application_name: 'bench-freshness' });
  const listener = new Client({ connectionString: world.databaseUrl, application_name: 'bench-freshness-listen' });
  let background: NodeProcess | undefined;
  try {
    await sql.connect();
    await listener.connect();
    await sql.query(COMMIT_PROBE_SQL);
    await listener.query(`LISTEN ${COMMIT_CHANNEL}`);

    const timeline = noticeTimeline(Date.now(), params.noticePeriodWorkingDays, calendar);
    const plates = Array.from({ length: params.vehicles }, (_, i) => seededPlate(i, '京'));
    // 京B…: vehicles listed before the clock starts, so that the gate has answered TURN_BACK before.
    const warmPlates = Array.from({ length: WARM_UP_VEHICLES }, (_, i) => seededPlate(100_000 + i, '京'));
    const trips = [
      ...plates.map((plate, i) => ({ plate, id: `fresh-notice-${i}` })),
      ...warmPlates.map((plate, i) => ({ plate, id: `fresh-notice-warm-${i}` })),
    ].flatMap(({ plate, id }) =>
      timeline.trips.map((measuredAt, t) => violationEvent({ eventId: `${id}-${t + 1}`, plate, measuredAt })),
    );
    await producer.send({ topic: world.names.weighingEvents, acks: -1, messages: trips });
    await waitCaughtUp(admin, apps.groupId, world.names.weighingEvents, apps.ingest, 120_000);
    const keys = plates.map((plate) => `1:${plate}`);
    const warmKeys = new Set(warmPlates.map((plate) => `1:${plate}`));
    const all = await waitPending(sql, [...keys, ...warmKeys], apps.ingest, 60_000);
    // The notice as it would have been issued at the third trip (the service must not precede it).
    await sql.query(`UPDATE notices SET issued_at = $2 WHERE id = ANY($1::uuid[])`, [
      all.map((p) => p.noticeId),
      timeline.issuedAt,
    ]);
    const warm = all.filter((p) => warmKeys.has(p.vehicleKey));
    const pending = all.filter((p) => !warmKeys.has(p.vehicleKey));
    if (warm.length !== WARM_UP_VEHICLES)
      throw new Error(`${warm.length}/${WARM_UP_VEHICLES} warm-up vehicles PENDING`);
    const probes: NoticeProbe[] = pending.map((p) => ({
      plate: p.vehicleKey.slice(2),
      vehicleKey: p.vehicleKey,
      listingId: p.listingId,
      noticeId: p.noticeId,
      origin: 0,
      lastAllowSentAt: 0,
      turnedBackAt: null,
      shiftedAt: null,
      commitClock: null,
      notifiedAt: null,
      txid: null,
    }));
    const byKey = new Map(probes.map((p) => [p.vehicleKey, p]));

    const ask = gateAsker(apps.gateUrl, apps.stationKey);
    const counters = newCounters();
    // From here on, any listing of these vehicles that takes effect is seen, also one that should not yet.
    const early: string[] = [];
    const watchers: Promise<void>[] = [];
    const onCommit = (message: Notification): void => {
      const notifiedAt = Date.now();
      const [vehicleKey, clock, txid] = (message.payload ?? '').split(' ');
      const probe = byKey.get(vehicleKey ?? '');
      if (!probe || probe.commitClock !== null) return;
      if (probe.shiftedAt === null) early.push(probe.vehicleKey);
      probe.commitClock = Number(clock);
      probe.notifiedAt = notifiedAt;
      probe.txid = txid ?? null;
      probe.origin = probe.commitClock;
      probe.lastAllowSentAt = probe.commitClock;
      watchers.push(watch(probe, ask, params, counters));
    };
    listener.on('notification', onCommit);
    const whilePending = await inPool(probes, 8, async (p) => {
      counters.requests += 1;
      return ask(p.plate).then(
        (a) => a.decision,
        () => {
          counters.errors += 1;
          return 'error';
        },
      );
    });
    const served = await inPool(probes, 4, (p) => serve(apps.staffUrl!, officer, p.noticeId));
    const stillPending = Number(
      (
        await sql.query<{ n: string }>(
          `SELECT count(*) AS n FROM listings l JOIN notices n ON n.listing_id = l.id
            WHERE l.vehicle_key = ANY($1) AND l.status = 'PENDING' AND n.status = 'SERVED' AND n.period_ends_at > now()`,
          [keys],
        )
      ).rows[0]!.n,
    );
    const warmUpAnswers = await warmUpTurnBack(sql, ask, params, warm, timeline, officer, apps.staffUrl!);
    log(
      `${probes.length} listings PENDING, notices served through the staff API (period running); ` +
        `background traffic ${params.rate} events/s …`,
    );

    background = startBackground(ctx, world, 'freshness-notice', 'fresh-notice-bg', params);
    await sleep(params.warmupS * 1000);

    const lag = sampleLag(admin, apps.groupId, world.names.weighingEvents);
    const account = ctx.cpuAccounting();
    const began = Date.now();
    let shifted = 0;
    for (let i = 0; i < probes.length; i++) {
      const due = began + i * params.spacingMs;
      if (due > Date.now()) await sleep(due - Date.now());
      if (!isRunning(apps.ingest) || !isRunning(apps.gate))
        throw new Error('ingest or gate-api exited during the probe');
      const probe = probes[i]!;
      probe.shiftedAt = Date.now();
      const moved = await sql.query(
        `UPDATE notices SET issued_at = $2, served_at = $3, period_ends_at = $4 WHERE id = $1 AND status = 'SERVED'`,
        [probe.noticeId, timeline.issuedAt, timeline.servedAt, timeline.periodEndsAt],
      );
      shifted += moved.rowCount ?? 0;
    }
    const lastShift = Date.now();
    while (probes.some((p) => p.commitClock === null) && Date.now() - lastShift < params.timeoutMs) {
      if (!isRunning(apps.ingest)) throw new Error(`ingest exited (log: ${apps.ingest.logFile})`);
      await sleep(50);
    }
    listener.removeListener('notification', onCommit);
    await Promise.all(watchers);
    const ingestLag = lag.stop();
    const cpu = account.stop({
      ingest: apps.ingest.pid,
      gateApi: apps.gate.pid,
      staffApi: apps.staff!.pid,
      backgroundTraffic: background.pid,
    });

    const seen = probes.filter((p) => p.commitClock !== null);
    // One commit for all listings of a transaction: it follows the last clock its trigger read and precedes
    // the first of its notifications the bench received (the others waited on the bench's event loop).
    const commitOf = new Map<string, { from: number; by: number }>();
    for (const p of seen) {
      const w = commitOf.get(p.txid!) ?? { from: -Infinity, by: Infinity };
      commitOf.set(p.txid!, { from: Math.max(w.from, p.commitClock!), by: Math.min(w.by, p.notifiedAt!) });
    }
    for (const p of seen) {
      p.commitFrom = commitOf.get(p.txid!)!.from;
      p.committedBy = commitOf.get(p.txid!)!.by;
    }
    const done = seen.filter((p) => p.turnedBackAt !== null);
    const txStart = await transactionStarts(sql, keys);
    const effective = await effectiveListings(
      sql,
      probes.map((p) => p.listingId),
    );
    const periodEnd = new Date(timeline.periodEndsAt).getTime();
    const bySystem = effective.filter(
      (l) => l.status === 'LISTED' && l.effectiveAt === periodEnd && l.actor === 'system',
    );
    const upper = done.map((p) => p.turnedBackAt! - p.commitFrom!);
    const lower = done.map((p) => Math.max(0, p.lastAllowSentAt - p.committedBy!));
    const perCommit = new Map<string, number>();
    for (const p of seen) perCommit.set(p.txid ?? '?', (perCommit.get(p.txid ?? '?') ?? 0) + 1);
    const withStart = done.filter((p) => txStart.has(p.vehicleKey));

    const backgroundStats = await stopBackground(background);
    const stopped = await stopApps(apps);
    const result: NoticeFreshnessResult = {
      noticePeriodWorkingDays: params.noticePeriodWorkingDays,
      syntheticCalendarYears: synthetic,
      timeline: {
        trips: timeline.trips.map((t) => t.toISOString()),
        issuedAt: timeline.issuedAt,
        servedAt: timeline.servedAt,
        periodEndsAt: timeline.periodEndsAt,
      },
      latencyMs: distribution(upper, 1),
      turnBackRoundTripMs: roundTrips(done),
      fromNotificationMs: distribution(
        done.map((p) => p.turnedBackAt! - p.committedBy!),
        1,
      ),
      lowerBoundMs: distribution(lower, 1),
      resolutionMs: distribution(
        upper.map((u, i) => u - lower[i]!),
        1,
      ),
      commitWindowMs: distribution(
        seen.map((p) => p.committedBy! - p.commitFrom!),
        1,
      ),
      fromTransactionStartMs: distribution(
        withStart.map((p) => p.turnedBackAt! - txStart.get(p.vehicleKey)!),
        1,
      ),
      transactionMs: distribution(
        seen.filter((p) => txStart.has(p.vehicleKey)).map((p) => p.commitFrom! - txStart.get(p.vehicleKey)!),
        1,
      ),
      dueToCommitMs: distribution(
        seen.filter((p) => p.shiftedAt !== null).map((p) => p.commitFrom! - p.shiftedAt!),
        1,
      ),
      commits: { count: perCommit.size, listingsPerCommit: [...perCommit.values()] },
      committed: seen.length,
      warmUpAnswers,
      vehicles: {
        columns: [
          'vehicle',
          'movedBack',
          'txStart',
          'preCommit',
          'notified',
          'lastAllowSent',
          'turnBackSent',
          'turnBack',
          'requests',
          'source',
        ],
        rows: probes.map((p) => {
          const at = (t: number | null | undefined): number | null =>
            t === null || t === undefined ? null : Math.round((t - began) * 10) / 10;
          return [
            p.vehicleKey,
            at(p.shiftedAt),
            at(txStart.get(p.vehicleKey)),
            at(p.commitClock),
            at(p.notifiedAt),
            at(p.notifiedAt === null ? null : p.lastAllowSentAt),
            at(p.turnBackSentAt),
            at(p.turnedBackAt),
            p.requests ?? 0,
            p.turnBackSource ?? null,
          ];
        }),
      },
      turnedBack: done.length,
      missed: probes.length - done.length,
      probeRequests: counters.requests,
      probeErrors: counters.errors,
      probeAnswers: counters.answers,
      background: backgroundStats,
      ingestLag,
      cpu,
      ingest: stopped.ingest,
      gate: stopped.gate,
      staff: stopped.staff!,
    };
    const n = probes.length;
    const checks = [
      checkEqual('notice period: listings PENDING with their notice issued after three trips', params.vehicles, n),
      // §4.6: a PENDING listing never turns back.
      checkEqual(
        'notice period: PENDING vehicles the gate answered ALLOW',
        n,
        whilePending.filter((d) => d === 'ALLOW').length,
      ),
      checkEqual(
        'notice period: services recorded through the staff API (200, SERVED, period end after now)',
        n,
        served.filter(Boolean).length,
      ),
      checkEqual('notice period: listings still PENDING after their service, period running', n, stillPending),
      checkEqual('notice period: notices whose period the bench moved back', n, shifted),
      checkEqual('notice period: listings that took effect before their period was moved back', 0, early.length),
      checkEqual(
        `notice period: listings made effective within ${params.timeoutMs / 1000} s of being due (commit seen)`,
        n,
        seen.length,
      ),
      checkEqual(
        'notice period: listings LISTED by the scheduler (audit actor system), effective at the period end',
        n,
        bySystem.length,
      ),
      checkThat(
        // Date.now() counts whole milliseconds; Postgres's clock, microseconds.
        "notice period: each commit's last pre-commit clock < the first receipt of its notifications + 1 ms (one clock)",
        `${n} listings`,
        seen.filter((p) => p.commitFrom! < p.committedBy! + 1).length,
        seen.length === n && seen.every((p) => p.commitFrom! < p.committedBy! + 1),
      ),
      checkEqual(
        `notice period: vehicles turned back within ${params.timeoutMs / 1000} s of the commit`,
        n,
        done.length,
      ),
      checkEqual('notice period: probe requests without a 2xx answer', 0, counters.errors),
    ];
    log(
      `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms from the commit (${done.length}/${n} turned back, ` +
        `${perCommit.size} commits, background ${backgroundStats?.ratePerS ?? '?'} events/s, max lag ${ingestLag.max})`,
    );
    return { result, checks };
  } finally {
    if (background && isRunning(background)) await stopProcess(background);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await listener.end().catch(() => undefined);
    await sql.end().catch(() => undefined);
  }
}

/** Listed before the clock starts; not measured. */
const WARM_UP_VEHICLES = 5;
/** Gate requests about them before the clock starts. */
const WARM_UP_ASKS = 500;

/**
 * A gate in service has answered TURN_BACK many times; a fresh gate-api has not, and its first ones
 * run cold code (the answer with its listing, the decision sent to gate.decisions.v1). The notice part
 * makes all its listings effective within a few scheduler commits, so every one of them would pay for
 * that. The warm-up vehicles go the same way first — service, period moved back, the scheduler's commit
 * — and the gate is asked about them until it has answered TURN_BACK `WARM_UP_ASKS` times.
 */
async function warmUpTurnBack(
  sql: Client,
  ask: Ask,
  params: FreshnessParameters,
  warm: { vehicleKey: string; noticeId: string }[],
  timeline: { issuedAt: string; servedAt: string; periodEndsAt: string },
  officer: string,
  staffUrl: string,
): Promise<Record<string, number>> {
  for (const w of warm) {
    if (!(await serve(staffUrl, officer, w.noticeId))) throw new Error(`warm-up: the service of ${w.noticeId} failed`);
  }
  await sql.query(`UPDATE notices SET issued_at = $2, served_at = $3, period_ends_at = $4 WHERE id = ANY($1::uuid[])`, [
    warm.map((w) => w.noticeId),
    timeline.issuedAt,
    timeline.servedAt,
    timeline.periodEndsAt,
  ]);
  const plates = warm.map((w) => w.vehicleKey.slice(2));
  const deadline = Date.now() + params.timeoutMs;
  for (const plate of plates) {
    while ((await ask(plate).catch(() => null))?.decision !== 'TURN_BACK') {
      if (Date.now() > deadline)
        throw new Error(`warm-up: ${plate} not turned back within ${params.timeoutMs / 1000} s`);
      await sleep(100);
    }
  }
  // Not checked: a busy machine may make the gate fail open (ALLOW, source fail-open) now and then.
  const answers: Record<string, number> = {};
  await inPool(
    Array.from({ length: WARM_UP_ASKS }, (_, i) => plates[i % plates.length]!),
    params.maxInFlight,
    async (plate) => {
      const a = await ask(plate).then(
        (r) => `${r.decision} ${r.source}`,
        () => 'error',
      );
      answers[a] = (answers[a] ?? 0) + 1;
    },
  );
  return answers;
}

/**
 * The facts' times for the notice part: three trips a day apart ending 20 days ago (further back if the
 * period would not yet have ended), the notice issued 5 minutes after the third, served an hour after
 * it, and the period end the apps' calendar gives for that service (SPEC §4.10).
 */
function noticeTimeline(
  now: number,
  workingDays: number,
  calendar: OfficialCalendar,
): { trips: Date[]; issuedAt: string; servedAt: string; periodEndsAt: string } {
  const day = 86_400_000;
  for (let back = 20; back <= 60; back += 5) {
    const third = now - back * day;
    const served = new Date(third + 60 * 60_000);
    const end = workingDayDeadline(served, workingDays, calendar);
    if (!end.ok) throw new Error(`the calendar does not know ${end.year} (${served.toISOString()})`);
    if (end.dueBy.getTime() > now - 60_000) continue;
    return {
      trips: [third - 2 * day, third - day, third].map((t) => new Date(t)),
      issuedAt: new Date(third + 5 * 60_000).toISOString(),
      servedAt: served.toISOString(),
      periodEndsAt: end.dueBy.toISOString(),
    };
  }
  throw new Error('no notice period of the last 60 days has ended');
}

/** Waits until every vehicle has a PENDING listing with an issued notice; their ids. */
async function waitPending(
  sql: Client,
  keys: string[],
  ingest: NodeProcess,
  timeoutMs: number,
): Promise<{ vehicleKey: string; listingId: string; noticeId: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql.query<{ vehicle_key: string; listing_id: string; notice_id: string }>(
      `SELECT l.vehicle_key, l.id AS listing_id, n.id AS notice_id FROM listings l JOIN notices n ON n.listing_id = l.id
        WHERE l.vehicle_key = ANY($1) AND l.status = 'PENDING' AND n.status = 'ISSUED' ORDER BY l.vehicle_key`,
      [keys],
    );
    if (rows.length === keys.length || Date.now() > deadline)
      return rows.map((r) => ({ vehicleKey: r.vehicle_key, listingId: r.listing_id, noticeId: r.notice_id }));
    if (!isRunning(ingest)) throw new Error(`ingest exited (log: ${ingest.logFile})`);
    await sleep(200);
  }
}

/** POST /v1/notices/:id/service as of now, by announcement (公告送达); true when the period is running. */
async function serve(staffUrl: string, token: string, noticeId: string): Promise<boolean> {
  const response = await fetch(`${staffUrl}/v1/notices/${noticeId}/service`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'ANNOUNCEMENT', servedAt: new Date().toISOString() }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200) return false;
  const body = (await response.json()) as { status?: string; periodEndsAt?: string | null };
  return body.status === 'SERVED' && !!body.periodEndsAt && new Date(body.periodEndsAt).getTime() > Date.now();
}

/**
 * The start of the transaction that made each vehicle's listing effective, as the product records it:
 * the created_at (now()) of its LISTED outbox row.
 */
async function transactionStarts(sql: Client, keys: string[]): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ message_key: string; at: string }>(
    `SELECT message_key, (extract(epoch FROM min(created_at)) * 1000)::text AS at FROM outbox
      WHERE message_key = ANY($1) AND payload->'event'->>'type' = 'LISTED' GROUP BY message_key`,
    [keys],
  );
  return new Map(rows.map((r) => [r.message_key, Number(r.at)]));
}

/** Each listing's status and effect, with the actor of its LISTING_EFFECTIVE audit entry. */
async function effectiveListings(
  sql: Client,
  ids: string[],
): Promise<{ id: string; status: string; effectiveAt: number | null; actor: string | null }[]> {
  const { rows } = await sql.query<{ id: string; status: string; effective_at: Date | null; actor: string | null }>(
    `SELECT l.id, l.status, l.effective_at,
            (SELECT a.actor FROM audit_log a WHERE a.action = 'LISTING_EFFECTIVE' AND a.entity_id = l.id::text LIMIT 1) AS actor
       FROM listings l WHERE l.id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    effectiveAt: r.effective_at?.getTime() ?? null,
    actor: r.actor,
  }));
}

interface Apps {
  ingest: NodeProcess;
  gate: NodeProcess;
  staff: NodeProcess | null;
  gateUrl: string;
  staffUrl: string | null;
  groupId: string;
  stationKey: string;
}

/** Creates the world and starts ingest and gate-api (and staff-api when given a JWT secret) in it. */
async function startApps(
  ctx: BenchContext,
  world: World,
  name: string,
  params: FreshnessParameters,
  env: Record<string, string>,
  staffSecret?: string,
): Promise<Apps> {
  await world.createDatabase();
  await world.createTopics(params.partitions);
  const stationKey = (await ctx.cli(world, `${name}-station-add`, ['station:add', params.stationId])).stdout.trim();
  const groupId = world.groupId('ingest');
  const ingestPort = await freePort();
  const ingest = world.track(
    spawnNode(`${name}-ingest`, ENTRY.ingest, {
      env: world.appEnv({
        ...env,
        KAFKA_GROUP_ID: groupId,
        INGEST_PORT: String(ingestPort),
        KAFKA_TOPIC_PARTITIONS: String(params.partitions),
      }),
      nodeArgs: ctx.nodeArgs(`${name}-ingest`, true),
      logFile: ctx.logFile(`${name}-ingest`),
    }),
  );
  const gatePort = await freePort();
  const gate = world.track(
    spawnNode(`${name}-gate-api`, ENTRY.gateApi, {
      env: world.appEnv({ ...env, GATE_PORT: String(gatePort) }),
      nodeArgs: ctx.nodeArgs(`${name}-gate-api`, true),
      logFile: ctx.logFile(`${name}-gate-api`),
    }),
  );
  let staff: NodeProcess | null = null;
  let staffUrl: string | null = null;
  if (staffSecret) {
    const staffPort = await freePort();
    staffUrl = `http://127.0.0.1:${staffPort}`;
    staff = world.track(
      spawnNode(`${name}-staff-api`, ENTRY.staffApi, {
        env: world.appEnv({ ...env, STAFF_PORT: String(staffPort), STAFF_JWT_SECRET: staffSecret }),
        nodeArgs: ctx.nodeArgs(`${name}-staff-api`),
        logFile: ctx.logFile(`${name}-staff-api`),
      }),
    );
  }
  const gateUrl = `http://127.0.0.1:${gatePort}`;
  await waitForHttp(`http://127.0.0.1:${ingestPort}/health/ready`, ingest);
  await waitForHttp(`${gateUrl}/health/ready`, gate);
  if (staff) await waitForHttp(`${staffUrl}/health/ready`, staff);
  return { ingest, gate, staff, gateUrl, staffUrl, groupId, stationKey };
}

type Stopped = { exit: number | string; log: LogProblems & { file: string } };

async function stopApps(apps: Apps): Promise<{ ingest: Stopped; gate: Stopped; staff: Stopped | null }> {
  const stop = async (p: NodeProcess): Promise<Stopped> => {
    const { exit } = await stopProcess(p);
    return { exit, log: { file: p.logFile, ...logProblems(p.logFile) } };
  };
  return {
    ingest: await stop(apps.ingest),
    gate: await stop(apps.gate),
    staff: apps.staff ? await stop(apps.staff) : null,
  };
}

async function connectKafka(ctx: BenchContext): Promise<{ producer: Producer; admin: Admin }> {
  const producer = ctx.kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const admin = ctx.kafka.admin();
  await producer.connect();
  await admin.connect();
  return { producer, admin };
}

/** The simulated traffic mix at `params.rate`, event times at the wall clock, its own process. */
function startBackground(
  ctx: BenchContext,
  world: World,
  name: string,
  eventIdPrefix: string,
  params: FreshnessParameters,
): NodeProcess {
  return world.track(
    spawnNode(`${name}-traffic`, ENTRY.backgroundTraffic, {
      env: {
        KAFKA_BROKERS: ctx.services.kafkaBrokers,
        ...ctx.services.kafkaLogin,
        TRAFFIC_TOPIC: world.names.weighingEvents,
        TRAFFIC_RATE: String(params.rate),
        TRAFFIC_VEHICLES: String(params.fleet),
        TRAFFIC_SEED: String(params.seed),
        TRAFFIC_EVENT_ID_PREFIX: `${eventIdPrefix}-${params.seed}`,
      },
      logFile: ctx.logFile(`${name}-traffic`),
      captureStdout: true,
    }),
  );
}

/** Stops the background traffic; what it says it sent. */
async function stopBackground(background: NodeProcess): Promise<Record<string, number> | null> {
  const stop = await stopProcess(background);
  let stats: Record<string, number> | null = null;
  try {
    stats = JSON.parse(background.stdout().trim().split('\n').pop() ?? '') as Record<string, number>;
  } catch {
    stats = null;
  }
  if (stop.exit !== 0) throw new Error(`background traffic exited with ${stop.exit}`);
  return stats;
}

/** Samples ingest's consumer lag every second until stopped. */
function sampleLag(
  admin: Admin,
  groupId: string,
  topic: string,
): { stop(): { max: number; mean: number; samples: number } } {
  const lag = { max: 0, sum: 0, samples: 0 };
  const timer = setInterval(() => {
    void (async () => {
      const ends = await topicEnd(admin, topic);
      const total = [...ends.values()].reduce((a, b) => a + b, 0);
      const behind = total - (await committed(admin, groupId, topic, ends));
      lag.max = Math.max(lag.max, behind);
      lag.sum += behind;
      lag.samples += 1;
    })().catch(() => undefined);
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return { max: lag.max, mean: lag.samples ? Math.round(lag.sum / lag.samples) : 0, samples: lag.samples };
    },
  };
}

const roundTrips = (done: Watched[]): Distribution =>
  distribution(
    done.map((p) => p.turnedBackAt! - p.turnBackSentAt!),
    1,
  );

/** Runs `task` over `items` with at most `width` at once; the results in order. */
async function inPool<T, R>(items: T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

/** Asks the gate about a laden truck with this plate; the decision. */
function gateAsker(url: string, key: string): Ask {
  const headers = { authorization: `Bearer ${key}` };
  return async (plate) => {
    const response = await fetch(
      `${url}/v1/gate/decision?plate=${encodeURIComponent(plate)}&plateColor=1&cargo=LADEN`,
      {
        headers,
        signal: AbortSignal.timeout(2000),
      },
    );
    if (!response.ok) throw new Error(`gate answered ${response.status}`);
    const body = (await response.json()) as { decision: string; source: string };
    return { decision: body.decision, source: body.source };
  };
}

/**
 * Polls one plate until TURN_BACK. The true moment the listing became visible lies after the sending
 * of the last ALLOW answer and before the receipt of the first TURN_BACK: both are kept.
 */
async function watch(probe: Watched, ask: Ask, params: FreshnessParameters, counters: ProbeCounters): Promise<void> {
  while (Date.now() - probe.origin < params.timeoutMs) {
    while (counters.n >= params.maxInFlight) await sleep(1);
    counters.n += 1;
    counters.requests += 1;
    probe.requests = (probe.requests ?? 0) + 1;
    const sentAt = Date.now();
    let decision: string | null = null;
    let source = '';
    try {
      ({ decision, source } = await ask(probe.plate));
      const answer = `${decision} ${source}`;
      counters.answers[answer] = (counters.answers[answer] ?? 0) + 1;
    } catch {
      counters.errors += 1;
    } finally {
      counters.n -= 1;
    }
    if (decision === 'TURN_BACK') {
      probe.turnedBackAt = Date.now();
      probe.turnBackSentAt = sentAt;
      probe.turnBackSource = source;
      return;
    }
    if (decision === 'ALLOW') probe.lastAllowSentAt = sentAt;
    await sleep(Math.max(params.minPollMs, (Date.now() - probe.origin) / 20));
  }
}

/** Waits until the group has committed everything produced to the topic so far. */
async function waitCaughtUp(
  admin: Admin,
  groupId: string,
  topic: string,
  ingest: NodeProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ends = await topicEnd(admin, topic);
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  while (Date.now() < deadline) {
    if (!isRunning(ingest)) throw new Error(`ingest exited (log: ${ingest.logFile})`);
    if ((await committed(admin, groupId, topic, ends).catch(() => 0)) >= total) return;
    await sleep(100);
  }
  throw new Error(`ingest did not consume the prior trips within ${timeoutMs / 1000} s`);
}
