import type { KafkaMessage, Producer } from 'kafkajs';
import { AppConfig, creditPlanRulesFrom, loadConfig } from '@oc/config';
import { REGISTRY_KINDS, topics, type RegistryKind, type RegistryRecordOf } from '@oc/contracts';
import {
  compareViolations,
  groupTrips,
  HUZHOU_REGIONS,
  HUZHOU_TOTAL,
  isPublicationOverdue,
  LISTING_STATUSES,
  parseVehicleKey,
  PERMIT_EXEMPTED,
  planCredit,
  workingDayDeadline,
  type ListingStatus,
  type PlateColorCode,
  type VehicleCreditFacts,
  type VehicleCreditState,
} from '@oc/domain';
import type { KafkaBatch } from '@oc/messaging';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  dropDatabase,
  migrate,
  OutboxRepository,
  RegistryReadRepository,
  RegistryRepository,
  RevocationRepository,
  StaffQueryRepository,
  StaffWorkflowRepository,
  StatsRepository,
  VehicleProfileRepository,
  WeighingRepository,
  type StatsView,
} from '@oc/persistence';
import {
  generateTraffic,
  registryMessages,
  SIMULATED_STATIONS,
  simulatedRegistry,
  violationEvent,
  type SimulatedMessage,
} from '@oc/simulation';
import { testAuditKeys, testServices } from '../../../test/harness/services';
import { CompanyCreditService } from './company/company-credit.service';
import { CreditRecountService } from './credit-recount.service';
import { CreditSchedulerService } from './credit-scheduler.service';
import { NoticeServiceService } from './due-process/notice-service.service';
import { ObjectionService } from './due-process/objection.service';
import { PermitReclassificationService } from './permit-reclassification.service';
import { RegistryIngestService } from './registry/registry-ingest.service';
import { RegistryUpdateService } from './registry/registry-update.service';
import { CreditRepairService } from './staff/workflow/credit-repair.service';
import { ListingPublicationService } from './staff/workflow/listing-publication.service';
import { ViolationActionsService } from './violation-actions.service';
import { IngestProducer, WeighingIngestService } from './weighing-ingest.service';

const sh = (local: string) => new Date(`${local}+08:00`);
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The world: simulated traffic from 1 June to 13 November 2026, read as of a Friday morning a week
 * later, so that every working-day deadline (notice periods, objection replies, publication) falls in
 * 2026, the last year the official calendar knows (docs/calendar.md). A 90-day count window and a
 * 60-day validity make trips slide out of the window and listings expire inside the data: the fresh
 * starts and the window of §4.3 are exercised, not only the threshold. Every fifth violation was
 * weighed half an hour earlier at a station of another region (one act, §4.3): trips span regions.
 */
const SEED = 1313;
const VEHICLES = 150;
const START = sh('2026-06-01T00:00:00');
const TRAFFIC_END = sh('2026-11-13T00:00:00');
const SPACING_MS = 40 * MINUTE;
const BATCH = 120;
const NOW = sh('2026-11-20T10:00:00');
const FIRST_ACTIONS = sh('2026-08-20T10:00:00');
const LATE_ACTIONS = sh('2026-11-16T10:00:00');
const RULES = { COUNT_WINDOW_DAYS: '90', LISTING_VALIDITY_DAYS: '60' };

/**
 * A vehicle outside the simulated fleet whose first three acts carried a permit number the registry
 * did not know yet; the permit record arrives at LATE_ACTIONS and exempts them (docs/rules.md, permits):
 * its listing ends PERMIT_EXEMPTED, stays on record, and is no fresh start, so its fourth act counts.
 */
const PERMIT_PLATE = '浙E90001';
const PERMIT_NO = '浙交超证RM0001';
const PERMIT_ACTS = [
  { at: sh('2026-10-01T10:00:00'), permitNo: PERMIT_NO, stationId: '330521001' },
  { at: sh('2026-10-05T10:00:00'), permitNo: PERMIT_NO, stationId: '330521001' },
  { at: sh('2026-10-09T10:00:00'), permitNo: PERMIT_NO, stationId: '330521001' },
  { at: sh('2026-10-15T10:00:00'), stationId: '330523001' },
];

/** Everything but Date stays real: only the ingest service's processing time is this test's. */
const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

const worldConfig = (noticeDays: number, overrides: Record<string, string> = {}): AppConfig =>
  loadConfig({ TOPIC_PREFIX: 'it.', NOTICE_PERIOD_WORKING_DAYS: String(noticeDays), ...RULES, ...overrides });

interface Vehicle {
  key: string;
  plate: string;
  plateColor: PlateColorCode;
}

interface World {
  config: AppConfig;
  db: DatabaseConnection;
  vehicles: Vehicle[];
  malformedSent: number;
  deadLettered: number;
}

/**
 * The product's write path in process, as apps/ingest wires it: registry records and weighings through
 * the ingest services (Kafka batches built here; the dead-letter producer is the one outside-world
 * stand-in), the scheduler after every batch (ingest runs it every 5 s), notices served and staff
 * actions through their services. Ingest reads the wall clock as its processing time; the clock is set
 * to the moment each batch arrives, so the world replays deterministically at its own dates.
 */
async function buildWorld(url: string, noticeDays: number): Promise<World> {
  const config = worldConfig(noticeDays);
  await migrate(url);
  const db = new DatabaseConnection(
    createDataSource({ databaseUrl: url, applicationName: 'read-models-it', poolSize: 4 }),
  );
  const credit = new CreditRepository();
  const audit = new AuditLogRepository(db, testAuditKeys());
  const outbox = new OutboxRepository();
  const recount = new CreditRecountService(config, credit, audit, outbox);
  let deadLettered = 0;
  const dlq = {
    producer: {
      send: async (record: { messages: unknown[] }) => {
        deadLettered += record.messages.length;
        return [];
      },
    } as unknown as Producer,
  } satisfies IngestProducer;
  const registryIngest = new RegistryIngestService(
    config,
    new RegistryUpdateService(
      db,
      new RegistryRepository(audit, outbox),
      new PermitReclassificationService(config, recount, audit),
      audit,
    ),
    dlq,
  );
  const ingest = new WeighingIngestService(config, db, new WeighingRepository(), recount, dlq);
  const companies = new CompanyCreditService(config, credit, audit, outbox);
  const scheduler = new CreditSchedulerService(db, recount, companies);
  const notices = new NoticeServiceService(db, credit, recount, companies);
  const objections = new ObjectionService(config, db, credit, recount);
  const violations = new ViolationActionsService(db, credit, recount, new RevocationRepository());
  const workflow = new StaffWorkflowRepository();
  const queries = new StaffQueryRepository(db, config);
  const publication = new ListingPublicationService(db, credit, recount, workflow, queries);
  const repairs = new CreditRepairService(config, db, credit, audit, recount, workflow, queries);
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await (await db.ready()).query(sql, params)) as T[];
  const names = topics(config.TOPIC_PREFIX);

  const registry = simulatedRegistry({ seed: SEED, vehicles: VEHICLES, at: START });
  const registryTopic: Record<RegistryKind, string> = {
    stations: names.registryStations,
    vehicles: names.registryVehicles,
    permits: names.registryPermits,
  };
  jest.setSystemTime(new Date(START.getTime() - DAY));
  for (const kind of REGISTRY_KINDS) {
    const messages = registryMessages(kind, registry[kind] as RegistryRecordOf[typeof kind][]);
    const outcome = await registryIngest.processBatch(kind, kafkaBatch(registryTopic[kind], messages, 0));
    expect(outcome.deadLettered).toBe(0);
  }

  /** What happens between batches: notices served a day after issue (one in four never), then the scheduler. */
  const tick = async (now: Date): Promise<void> => {
    jest.setSystemTime(now);
    if (noticeDays > 0) {
      const due = await query<{ id: string; issued_at: Date }>(
        `SELECT id, issued_at FROM notices
          WHERE status = 'ISSUED' AND seq % 4 <> 0 AND issued_at <= $1::timestamptz - interval '1 day' ORDER BY seq`,
        [now.toISOString()],
      );
      for (const n of due) {
        await notices.record(
          n.id,
          { method: 'POST', servedAt: new Date(n.issued_at.getTime() + DAY) },
          'officer-a',
          now,
        );
      }
    }
    while ((await scheduler.runDue(now)) > 0);
  };

  const used = new Set<string>([`1:${PERMIT_PLATE}`]);
  /** An open listing of a vehicle no earlier action touched, the first by plate: deterministic. */
  const pick = async (status: ListingStatus, extra = 'TRUE'): Promise<{ id: string; vehicle_key: string }> => {
    const rows = await query<{ id: string; vehicle_key: string }>(
      `SELECT l.id, l.vehicle_key FROM listings l
        WHERE l.status = $1 AND l.published_at IS NULL AND NOT (l.vehicle_key = ANY($2::text[])) AND ${extra}
        ORDER BY l.plate COLLATE "C" LIMIT 1`,
      [status, [...used]],
    );
    if (!rows[0]) throw new Error(`the simulated data set has no ${status} listing left for a staff action`);
    used.add(rows[0].vehicle_key);
    return rows[0];
  };
  const reachingViolation = async (listingId: string): Promise<string> =>
    (
      await query<{ id: string }>(
        `SELECT v.id FROM violations v JOIN listings l ON l.id = v.listing_id AND v.measured_at = l.listed_at
          WHERE l.id = $1 ORDER BY v.event_id LIMIT 1`,
        [listingId],
      )
    )[0]!.id;
  const open: ListingStatus = noticeDays > 0 ? 'PENDING' : 'LISTED';
  const objection = (targetType: 'LISTING' | 'VIOLATION', id: string, now: Date) =>
    objections.record(
      { target: { type: targetType, id }, grounds: '对称重数据有异议', channel: 'IN_PERSON', attachments: [] },
      'officer-a',
      now,
    );

  /** 信用修复 (§4.5): every case of the listing processed first, then the request and its approval. */
  let caseNo = 0;
  const repair = async (listingId: string, now: Date): Promise<void> => {
    const cases = await query<{ id: string }>(
      `SELECT id FROM violations WHERE listing_id = $1 AND status = 'OPEN' ORDER BY measured_at`,
      [listingId],
    );
    for (const c of cases) {
      await violations.process(
        c.id,
        { caseNo: `湖交罚〔2026〕${++caseNo}号`, fineYuan: 500, processedAt: now },
        'officer-a',
        now,
      );
    }
    const request = await repairs.request(
      {
        listingId,
        applicant: { name: '张三', type: 'PERSON', contact: '13800000000' },
        commitment: true,
        rectification: '已卸载超限货物并完成整改',
        attachments: [],
      },
      'officer-a',
      now,
    );
    await repairs.review(request.id, { approve: true, opinion: '同意修复' }, 'repair-b', now);
  };

  const staffActions: { at: Date; run: (now: Date) => Promise<void> }[] = [
    {
      at: FIRST_ACTIONS,
      run: async (now) => {
        // 失信公示 with 法制审核 (§4.4).
        const published = await pick('LISTED');
        await publication.propose(
          published.id,
          { decisionNo: '湖交超决〔2026〕1号', legalBasis: '《公路安全保护条例》' },
          'officer-a',
          now,
        );
        await publication.review(published.id, { approve: true, opinion: '同意公示' }, 'legal-b', now);
        await repair((await pick('LISTED')).id, now);
        // A revocation of the reaching act of a three-act listing (§4.4): the recount ends it.
        const revoked = await pick(
          'LISTED',
          `l.violation_count = 3 AND (SELECT count(*) FROM violations x WHERE x.listing_id = l.id) = 3`,
        );
        const act = await reachingViolation(revoked.id);
        await violations.proposeRevocation(act, { reason: '称重设备检定过期' }, 'officer-a', now);
        await violations.reviewRevocation(act, { approve: true, opinion: '同意撤销' }, 'legal-b', now);
        // Objections (§4.10): one upheld against its listing, two left unanswered past their deadline
        // (one about an open listing, one about the act of a vehicle under watch).
        const corrected = await pick(open);
        const upheld = await objection('LISTING', corrected.id, now);
        await objections.review(upheld.id, { uphold: true, reply: '经核实，撤销该决定' }, 'legal-b', now);
        await objection('LISTING', (await pick(open)).id, now);
        const [watched] = await query<{ id: string }>(
          `SELECT v.id FROM violations v JOIN vehicle_states s ON s.vehicle_key = v.vehicle_key
            WHERE s.state = 'WATCH' AND v.status = 'OPEN' ORDER BY v.vehicle_key COLLATE "C", v.measured_at LIMIT 1`,
        );
        await objection('VIOLATION', watched!.id, now);
        if (noticeDays > 0) {
          // Rejected within the period: the listing takes effect at the period's end all the same.
          const held = await objection('LISTING', (await pick('PENDING')).id, now);
          await objections.review(held.id, { uphold: false, reply: '称重数据准确' }, 'legal-b', now);
        }
      },
    },
    {
      at: LATE_ACTIONS,
      run: async (now) => {
        const permit: RegistryRecordOf['permits'] = {
          permitNo: PERMIT_NO,
          vehicleKey: `1:${PERMIT_PLATE}`,
          plate: PERMIT_PLATE,
          plateColor: 1,
          validFrom: sh('2026-09-30T00:00:00'),
          validTo: sh('2026-10-10T00:00:00'),
          maxGrossWeightKg: 30_000,
          axles: 2,
          stationIds: null,
          status: 'ISSUED',
        };
        const permits = registryMessages('permits', [permit]);
        const outcome = await registryIngest.processBatch(
          'permits',
          kafkaBatch(registryTopic.permits, permits, registry.permits.length),
        );
        expect(outcome.deadLettered).toBe(0);
        // An objection still within its reply deadline at NOW, and a publication of this week.
        await objection('LISTING', (await pick(open)).id, now);
        // A second fresh start after the traffic: the trips between the vehicle's two ends no longer count.
        await repair(
          (
            await pick(
              'LISTED',
              `EXISTS (SELECT 1 FROM listings e WHERE e.vehicle_key = l.vehicle_key AND e.status = 'EXPIRED')`,
            )
          ).id,
          now,
        );
        const published = await pick('LISTED');
        await publication.propose(
          published.id,
          { decisionNo: '湖交超决〔2026〕2号', legalBasis: '《公路安全保护条例》' },
          'officer-a',
          now,
        );
        await publication.review(published.id, { approve: true, opinion: '同意公示' }, 'legal-b', now);
      },
    },
  ];

  const traffic = generateTraffic({
    seed: SEED,
    vehicles: VEHICLES,
    start: START,
    spacingMs: SPACING_MS,
    registryAt: START,
    eventIdPrefix: `rm-${noticeDays}`,
  });
  const total = Math.floor((TRAFFIC_END.getTime() - START.getTime()) / SPACING_MS);
  const lateUploads = PERMIT_ACTS.map((act, i) => ({
    measuredAt: act.at,
    ...violationEvent({
      eventId: `rm-permit-${i}`,
      plate: PERMIT_PLATE,
      measuredAt: act.at,
      axles: 2,
      overKg: 3000,
      permitNo: act.permitNo,
      stationId: act.stationId,
    }),
  }));
  let malformedSent = 0;
  let violationsSent = 0;
  let offset = 0;
  for (let i = 0; i < total; i += BATCH) {
    const batch: { key: string; value: string }[] = [];
    for (let n = 0; n < BATCH && i + n < total; n++) {
      const m = traffic.next().value!;
      batch.push(m);
      if (m.kind === 'MALFORMED') malformedSent++;
      if (m.kind === 'VIOLATION' && ++violationsSent % 5 === 0) batch.push(upstreamWeighing(m, violationsSent));
    }
    // Delivered a minute after the nominal time of its last weighing (late uploads are older still).
    const receivedAt = new Date(START.getTime() + (Math.min(i + BATCH, total) - 1) * SPACING_MS + MINUTE);
    while (lateUploads[0] && lateUploads[0].measuredAt <= receivedAt) batch.push(lateUploads.shift()!);
    while (staffActions[0] && staffActions[0].at <= receivedAt) {
      const action = staffActions.shift()!;
      await tick(action.at);
      await action.run(action.at);
    }
    jest.setSystemTime(receivedAt);
    await ingest.processBatch(kafkaBatch(names.weighingEvents, batch, offset));
    offset += batch.length;
    await tick(receivedAt);
  }
  for (const action of staffActions) {
    await tick(action.at);
    await action.run(action.at);
  }
  await tick(NOW);

  const vehicles = new Map<string, Vehicle>(
    registry.vehicles.map((v) => [v.vehicleKey, { key: v.vehicleKey, plate: v.plate, plateColor: v.plateColor }]),
  );
  for (const r of await query<{ vehicle_key: string }>(`SELECT DISTINCT vehicle_key FROM violations`)) {
    vehicles.set(r.vehicle_key, { key: r.vehicle_key, ...parseVehicleKey(r.vehicle_key)! });
  }
  return { config, db, vehicles: [...vehicles.values()], malformedSent, deadLettered };
}

/**
 * The same journey weighed half an hour earlier at a station of another region (one act, §4.3): the
 * trip starts there, so a vehicle under watch belongs to that region, not to the later station's.
 */
function upstreamWeighing(later: SimulatedMessage, n: number): { key: string; value: string } {
  const event = JSON.parse(later.value) as Record<string, unknown>;
  const elsewhere = SIMULATED_STATIONS.filter((s) => s.divisionCode !== String(event.stationId).slice(0, 6));
  const station = elsewhere[n % elsewhere.length]!;
  // No permit: beyond both the warning band and the entry tolerance, it is a violation at any station.
  delete event.permitNo;
  const value = {
    ...event,
    eventId: `${String(event.eventId)}-upstream`,
    stationId: station.stationId,
    source: station.kind,
    measuredAt: new Date(Date.parse(String(event.measuredAt)) - 30 * MINUTE).toISOString(),
  };
  return { key: later.key, value: JSON.stringify(value) };
}

function kafkaBatch(topic: string, messages: { key: string; value: string }[], firstOffset: number): KafkaBatch {
  return {
    topic,
    partition: 0,
    messages: messages.map(
      (m, i) =>
        ({
          key: Buffer.from(m.key),
          value: Buffer.from(m.value),
          offset: String(firstOffset + i),
          timestamp: String(Date.now()),
          attributes: 0,
          headers: {},
        }) as KafkaMessage,
    ),
    heartbeat: async () => undefined,
    isActive: () => true,
  };
}

/** One vehicle as libs/domain `planCredit` sees it at NOW, from the facts the write path loads. */
interface DomainVehicle {
  vehicle: Vehicle;
  /** vehicle_states as of the vehicle's last change (no recount runs when trips leave the window). */
  stored: VehicleCreditState | null;
  state: VehicleCreditState;
  countInWindow: number;
  /** Stations of the first violation of each counted trip (the trips countInWindow counts). */
  countedTripStations: string[];
  listings: {
    id: string;
    status: ListingStatus;
    /** The station of its reaching violation (first of the trip that reached the threshold, §4.4). */
    station: string | null;
    effectiveAt: Date | null;
    publishedAt: Date | null;
    endedAt: Date | null;
    /** Ended PERMIT_EXEMPTED: on record, not among the facts the plan reads. */
    onRecordOnly: boolean;
  }[];
  objections: { listingId: string | null; overdue: boolean }[];
  /** Listing rows the plan at NOW would still write: none, once the scheduler has committed. */
  listingsToWrite: number;
}

async function domainView(world: World): Promise<DomainVehicle[]> {
  const { config, db } = world;
  const ds = await db.ready();
  const rules = creditPlanRulesFrom(config);
  const facts = await new CreditRepository().loadFacts(
    ds.manager,
    world.vehicles.map((v) => v.key),
  );
  const stationOf = new Map(
    ((await ds.query(`SELECT id, station_id FROM violations`)) as { id: string; station_id: string }[]).map((r) => [
      r.id,
      r.station_id,
    ]),
  );
  // Listings a permit exempted stay on record with their status, outside the facts of counting
  // (docs/rules.md, permits); their acts are weighings no longer violations, weighed where they were.
  const onRecordOnly = (await ds.query(
    `SELECT l.id, l.vehicle_key, l.status, l.effective_at, l.published_at, l.ended_at,
            (SELECT w.station_id FROM weighings w WHERE w.vehicle_key = l.vehicle_key AND w.measured_at = l.listed_at
              ORDER BY w.event_id LIMIT 1) AS station
       FROM listings l WHERE l.end_reason = $1`,
    [PERMIT_EXEMPTED],
  )) as {
    id: string;
    vehicle_key: string;
    status: ListingStatus;
    effective_at: Date | null;
    published_at: Date | null;
    ended_at: Date | null;
    station: string | null;
  }[];
  return world.vehicles.map((vehicle) => {
    const f = facts.get(vehicle.key)!;
    // Without the stored state, the plan states the credit afresh (it never falls back on the row).
    const stateless: VehicleCreditFacts = { ...f, state: null };
    const plan = planCredit({
      facts: stateless,
      rules,
      deadline: (trigger, days) => workingDayDeadline(trigger, days),
      now: NOW,
      actor: 'system',
      newId: () => 'never-written',
    });
    const credit = plan.state!;
    // countInWindow counts the trips with firstAt after max(fresh start, now − window): a suffix of the trips.
    const trips = groupTrips(
      f.violations.filter((v) => v.status !== 'REVOKED' && v.measuredAt.getTime() <= NOW.getTime()),
      rules.tripMergeMinutes,
    );
    const counted = credit.countInWindow > 0 ? trips.slice(-credit.countInWindow) : [];
    const changed = new Map(plan.changedListings.map((l) => [l.id, l]));
    const listings = [...f.listings.map((l) => changed.get(l.id) ?? l), ...plan.createdListings].map((l) => {
      const reaching = f.violations
        .filter((v) => v.listingId === l.id && v.measuredAt.getTime() === l.listedAt.getTime())
        .sort(compareViolations)[0];
      return {
        id: l.id,
        status: l.status,
        station: reaching ? stationOf.get(reaching.id)! : null,
        effectiveAt: l.effectiveAt,
        publishedAt: l.publishedAt,
        endedAt: l.endedAt,
        onRecordOnly: false,
      };
    });
    for (const l of onRecordOnly.filter((r) => r.vehicle_key === vehicle.key)) {
      listings.push({
        id: l.id,
        status: l.status,
        station: l.station,
        effectiveAt: l.effective_at,
        publishedAt: l.published_at,
        endedAt: l.ended_at,
        onRecordOnly: true,
      });
    }
    const objections = f.objections.map((o) => {
      const due = workingDayDeadline(o.receivedAt, config.OBJECTION_REPLY_WORKING_DAYS);
      return {
        listingId: o.listingId,
        overdue: o.status === 'PENDING' && due.ok && due.dueBy.getTime() <= NOW.getTime(),
      };
    });
    return {
      vehicle,
      stored: f.state?.state ?? null,
      state: credit.state,
      countInWindow: credit.countInWindow,
      countedTripStations: counted.map((t) => stationOf.get(t.tripId)!),
      listings,
      objections,
      listingsToWrite: plan.createdListings.length + plan.changedListings.length,
    };
  });
}

/** /v1/stats as the domain states it (the definitions of StatsRepository's comment, SPEC §6). */
function domainStats(
  vehicles: DomainVehicle[],
  config: AppConfig,
  region?: string,
): { asOfNow: Omit<StatsView['asOfNow'], 'at'>; ended: Pick<StatsView['period'], 'repaired' | 'expired' | 'revoked'> } {
  const inRegion = (station: string | null) => region === undefined || (station !== null && station.startsWith(region));
  const listings = vehicles.flatMap((v) => v.listings).filter((l) => inRegion(l.station));
  const regionOfListing = new Map(listings.map((l) => [l.id, l]));
  const byStatus = Object.fromEntries(
    LISTING_STATUSES.map((s) => [s, listings.filter((l) => l.status === s).length]),
  ) as Record<ListingStatus, number>;
  const endedInPeriod = (status: ListingStatus) =>
    listings.filter(
      (l) =>
        l.status === status &&
        l.endedAt &&
        l.endedAt.getTime() >= START.getTime() &&
        l.endedAt.getTime() < NOW.getTime(),
    ).length;
  return {
    asOfNow: {
      watch: vehicles.filter((v) => v.state === 'WATCH' && v.countedTripStations.some((s) => inRegion(s))).length,
      pending: byStatus.PENDING,
      listed: byStatus.LISTED,
      published: byStatus.PUBLISHED,
      overduePublications: listings.filter(
        (l) =>
          l.status === 'LISTED' &&
          l.publishedAt === null &&
          l.effectiveAt !== null &&
          isPublicationOverdue(l.effectiveAt, NOW, config.PUBLICATION_DEADLINE_WORKING_DAYS),
      ).length,
      overdueObjections: vehicles
        .flatMap((v) => v.objections)
        .filter(
          (o) => o.overdue && (region === undefined || (o.listingId !== null && regionOfListing.has(o.listingId))),
        ).length,
      listingsByStatus: byStatus,
    },
    ended: {
      repaired: endedInPeriod('REPAIRED'),
      expired: endedInPeriod('EXPIRED'),
      revoked: endedInPeriod('REVOKED'),
    },
  };
}

describe.each([
  { noticeDays: 0, what: 'listings in effect at once (NOTICE_PERIOD_WORKING_DAYS=0)' },
  { noticeDays: 5, what: 'a notice period of 5 working days (the default)' },
])('the vehicle profile and the stats equal the credit plan over simulated traffic: $what', ({ noticeDays }) => {
  const url = testServices().databaseUrlFor(`oc_it_read_models_${noticeDays}_${process.pid}`);
  let world: World;
  let domain: DomainVehicle[];

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS] });
    try {
      world = await buildWorld(url, noticeDays);
    } finally {
      jest.useRealTimers();
    }
    domain = await domainView(world);
  });
  afterAll(async () => {
    await world?.db.onApplicationShutdown();
    await dropDatabase(url);
  });

  it('builds a data set that reaches every state, stored with no weighing lost', () => {
    // Only the malformed messages are dead-lettered: every station was registered before its traffic.
    expect(world.deadLettered).toBe(world.malformedSent);
    const states = (s: VehicleCreditState) => domain.filter((v) => v.state === s).length;
    const statuses = (s: ListingStatus) => domain.flatMap((v) => v.listings).filter((l) => l.status === s).length;
    expect(states('WATCH')).toBeGreaterThanOrEqual(10);
    expect(states('LISTED')).toBeGreaterThanOrEqual(5);
    expect(states('PUBLISHED')).toBeGreaterThanOrEqual(1);
    expect(states('CLEAR')).toBeGreaterThanOrEqual(5);
    for (const status of ['EXPIRED', 'REPAIRED', 'REVOKED'] as const)
      expect(statuses(status)).toBeGreaterThanOrEqual(1);
    // Trips left the window since the last recount of some vehicles: "as of now" is more than the rows.
    expect(domain.filter((v) => v.stored === 'WATCH' && v.state === 'CLEAR').length).toBeGreaterThanOrEqual(1);
    const city = domainStats(domain, world.config).asOfNow;
    expect(city.overdueObjections).toBeGreaterThanOrEqual(2);
    expect(city.overduePublications).toBeGreaterThanOrEqual(1);
    expect(city.overduePublications).toBeLessThan(city.listed);
    // The permit that came after its acts: the listing stays on record, the fourth act counts on.
    const exempted = domain.find((v) => v.vehicle.key === `1:${PERMIT_PLATE}`)!;
    expect(exempted.listings.map((l) => l.onRecordOnly)).toEqual([true]);
    expect({ state: exempted.state, countInWindow: exempted.countInWindow }).toEqual({
      state: 'WATCH',
      countInWindow: 1,
    });
    if (noticeDays > 0) {
      expect(states('PENDING')).toBeGreaterThanOrEqual(5);
      expect(statuses('WITHDRAWN')).toBeGreaterThanOrEqual(1);
    }
  });

  // The premise of "as of now" in SQL: every listing's stored status is the plan's at NOW.
  it('has committed everything due at now: no listing of any vehicle is left to write', () => {
    expect(domain.filter((v) => v.listingsToWrite > 0).map((v) => v.vehicle.key)).toEqual([]);
  });

  it("shows every vehicle's state, count and listings as the plan states them", async () => {
    const profiles = new VehicleProfileRepository(world.db, world.config, new RegistryReadRepository(world.db));
    const mismatches: unknown[] = [];
    for (const v of domain) {
      const profile = await profiles.profile(v.vehicle.plateColor, v.vehicle.plate, NOW);
      const shown = {
        state: profile.state,
        countInWindow: profile.countInWindow,
        listings: profile.listings.map((l) => `${l.id} ${l.status}`).sort(),
      };
      const planned = {
        state: v.state,
        countInWindow: v.countInWindow,
        listings: v.listings.map((l) => `${l.id} ${l.status}`).sort(),
      };
      if (JSON.stringify(shown) !== JSON.stringify(planned))
        mismatches.push({ vehicle: v.vehicle.key, shown, planned });
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    { region: undefined, name: 'city-wide' },
    { region: HUZHOU_TOTAL.code, name: HUZHOU_TOTAL.name },
    ...HUZHOU_REGIONS.map((r) => ({ region: r.code, name: r.name })),
  ])('counts as the plan states, $name', async ({ region }) => {
    const stats = await new StatsRepository(world.db, world.config).stats({ from: START, to: NOW, region, now: NOW });
    const expected = domainStats(domain, world.config, region);
    expect(stats.asOfNow).toEqual({ at: NOW.toISOString(), ...expected.asOfNow });
    expect(stats.period).toMatchObject(expected.ended);
  });

  // The SQL filters by the instant its deadline inverts to (publication-deadline.ts); the domain dates
  // each listing's deadline forward. Fifteen deadlines put the boundary on fifteen different days.
  it('flags overdue publications as the domain dates each deadline, for deadlines of 1 to 15 working days', async () => {
    const shown: number[] = [];
    const planned: number[] = [];
    for (let days = 1; days <= 15; days++) {
      const config = worldConfig(noticeDays, { PUBLICATION_DEADLINE_WORKING_DAYS: String(days) });
      shown.push(
        (await new StatsRepository(world.db, config).stats({ from: START, to: NOW, now: NOW })).asOfNow
          .overduePublications,
      );
      planned.push(domainStats(domain, config).asOfNow.overduePublications);
    }
    expect(shown).toEqual(planned);
    expect(new Set(planned).size).toBeGreaterThanOrEqual(5);
  });

  it('attributes every listing to exactly one region, and the regions add up to the city', () => {
    const listings = domain.flatMap((v) => v.listings);
    expect(listings.filter((l) => l.station === null).map((l) => l.id)).toEqual([]);
    const perRegion = HUZHOU_REGIONS.map((r) => domainStats(domain, world.config, r.code).asOfNow.listingsByStatus);
    const city = domainStats(domain, world.config).asOfNow.listingsByStatus;
    for (const status of LISTING_STATUSES) {
      expect(perRegion.reduce((n, r) => n + r[status], 0)).toBe(city[status]);
    }
  });
});
