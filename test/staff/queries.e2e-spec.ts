import { AppConfig, loadConfig } from '@oc/config';
import { CreditRecountService, issueStaffToken, ViolationActionsService } from '@oc/credit';
import {
  AuditLogRepository,
  createDataSource,
  CreditRepository,
  DatabaseConnection,
  OutboxRepository,
  RevocationRepository,
} from '@oc/persistence';
import { checkPermit, limitKgFor, type PermitRecord } from '@oc/domain';
import { generateTraffic, violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually, testAuditKeys } from '../harness/services';
import {
  classificationOf,
  publicationDueBy,
  type SentWeighing,
  shanghaiDate,
  StatsModel,
  WeighingFact,
} from './support/stats-model';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SECRET = 'staff-queries-e2e-secret-0123456789abcdef';
const ago = (ms: number): Date => new Date(Date.now() - ms);
/** 浙E50003 is registered to a transport company before its weighings arrive (运政登记, SPEC §4.9). */
const COMPANY = {
  ownerName: '湖州安吉某某物流有限公司',
  ownerType: 'COMPANY',
  ownerIdNo: '91330523MA2B3C4D5M',
  operatorId: '91330523MA2B3C4D5M',
  transportCertNo: '浙交运管湖字330523000123号',
  registrationRegion: '330523',
} as const;

interface ApiBody {
  error?: { code: string; message: string; details?: { field: string; message: string }[] };
  [key: string]: unknown;
}

describe('staff-api queries and public postings (running apps, real Kafka, Postgres)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let token: string;
  let clientNo = 0;
  const known: WeighingFact[] = [];
  /** The permits of the registry, as the oracle of §4.2 consults them. */
  const permits = new Map<string, PermitRecord>();
  const covers = (e: SentWeighing): boolean =>
    checkPermit(permits.get(e.permitNo!), {
      vehicleKey: `${e.plateColor}:${e.plate}`,
      at: new Date(e.measuredAt),
      grossWeightKg: e.grossWeightKg,
      axles: e.axles,
      stationId: e.stationId,
    }) === null;
  /** A sent weighing as the stats model needs it, classified by SPEC §4.2 (written out in the model). */
  const factOf = (m: { key: string; value: string }): WeighingFact => {
    const e = JSON.parse(m.value) as SentWeighing & { eventId: string };
    const kind = classificationOf(e, limitKgFor(e), { warningBandKg: 1000, entryTolerancePercent: 5 }, covers);
    return {
      eventId: e.eventId,
      vehicleKey: m.key,
      stationId: e.stationId,
      measuredAt: Date.parse(e.measuredAt),
      kind,
    };
  };

  const get = async (path: string, options: { token?: string | null; clientIp?: string } = {}) => {
    const headers: Record<string, string> = {};
    const bearer = options.token === undefined ? token : options.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    // Each public call gets its own client address unless a test shares one (rate limit per address).
    headers['x-forwarded-for'] = options.clientIp ?? `198.51.100.${(clientNo = (clientNo % 250) + 1)}`;
    const res = await fetch(`${staff.url}${path}`, { headers });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, read loosely
    return { status: res.status, headers: res.headers, body: (await res.json()) as ApiBody & Record<string, any> };
  };
  /** /audit/verification is ADMIN-only and answered from a cached walk: asked until it has seen `until`. */
  const verification = (until: (body: Record<string, unknown>) => boolean) =>
    eventually(
      async () => {
        const v = await get('/v1/audit/verification', {
          token: issueStaffToken(SECRET, { sub: 'admin-q', roles: ['ADMIN'] }, 600),
        });
        return v.status === 200 && until(v.body) ? v : undefined;
      },
      { what: 'a verification that has seen the change', timeoutMs: 30000, intervalMs: 250 },
    );
  const expect400 = async (path: string, field: string) => {
    const res = await get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 400 });
    expect(res.body.error!.code).toBe('VALIDATION_FAILED');
    expect(res.body.error!.details!.map((d) => d.field)).toContain(field);
  };

  beforeAll(async () => {
    s = await Scenario.create('staffq');
    await s.startIngest();
    // A verification at most a second old: the tests below change the log and ask again.
    staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET, AUDIT_VERIFICATION_CACHE_SECONDS: '1' });
    const issued = await runCli(
      ['token:issue', '--sub', 'officer-q', '--roles', 'OFFICER'],
      s.env({ STAFF_JWT_SECRET: SECRET }),
    );
    expect(issued.code).toBe(0);
    token = issued.stdout.trim();
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone,
         operator_id, transport_cert_no, registration_region)
       VALUES ('1:浙E50003', '浙E50003', 1, $1, $2, $3, '0572-5550003', $4, $5, $6)`,
      [
        COMPANY.ownerName,
        COMPANY.ownerType,
        COMPANY.ownerIdNo,
        COMPANY.operatorId,
        COMPANY.transportCertNo,
        COMPANY.registrationRegion,
      ],
    );
    const knownMessages = [
      // Listed 16 days ago: past the 7-working-day publication deadline.
      ...[20, 18, 16].map((d, i) =>
        violationEvent({
          eventId: `q-a-${i}`,
          plate: '浙E50001',
          measuredAt: ago(d * DAY),
          stationId: '330521001',
          evidence: { imageUrls: [`https://evidence.example/q-a-${i}.jpg`], deviceCertNo: 'JJG-330521001' },
        }),
      ),
      // One counted trip: WATCH; an entry reading within the 5 % tolerance (900 kg of 18,000: TOLERATED)
      // and one above it but within the 1,000 kg band (WARNING).
      violationEvent({ eventId: 'q-b-0', plate: '浙E50002', measuredAt: ago(10 * DAY), stationId: '330522001' }),
      violationEvent({
        eventId: 'q-b-1',
        plate: '浙E50002',
        measuredAt: ago(9 * DAY),
        overKg: 500,
        stationId: '330522001',
      }),
      violationEvent({ eventId: 'q-b-2', plate: '浙E50002', measuredAt: ago(8 * DAY), overKg: 950 }),
      // Listed for publication in the test below.
      ...[30, 25, 20].map((d, i) =>
        violationEvent({ eventId: `q-c-${i}`, plate: '浙E50003', measuredAt: ago(d * DAY), stationId: '330523001' }),
      ),
      // Listed an hour ago: not overdue.
      ...[5, 3, 1].map((h, i) => violationEvent({ eventId: `q-d-${i}`, plate: '浙E50004', measuredAt: ago(h * HOUR) })),
      // Listed, then revoked below (stats: revoked).
      ...[14, 13, 12].map((d, i) =>
        violationEvent({ eventId: `q-e-${i}`, plate: '浙E50005', measuredAt: ago(d * DAY), stationId: '330521001' }),
      ),
    ];
    // What was sent, for the stats expectations.
    for (const m of knownMessages) known.push(factOf(m));
    expect(known.filter((k) => k.kind !== 'VIOLATION').map((k) => [k.eventId, k.kind])).toEqual([
      ['q-b-1', 'TOLERATED'],
      ['q-b-2', 'WARNING'],
    ]);
    await s.produce(knownMessages);
    await eventually(
      async () =>
        Number((await s.query<{ n: string }>(`SELECT count(*) AS n FROM listings`))[0]!.n) === 4 &&
        Number((await s.query<{ n: string }>(`SELECT count(*) AS n FROM weighings`))[0]!.n) === 15,
      { what: 'four listings and every weighing', timeoutMs: 30000 },
    );
  });
  afterAll(() => s.close());

  it('answers 401 without a staff token on a staff endpoint', async () => {
    const res = await get('/v1/listings', { token: null });
    expect(res.status).toBe(401);
    expect(res.body.error!.code).toBe('UNAUTHORIZED');
    expect((await get('/v1/vehicles/1/浙E50001', { token: 'not.a.jwt' })).status).toBe(401);
  });

  it('names the staff member of a token (the console sign-in)', async () => {
    const me = await get('/v1/me');
    expect(me.status).toBe(200);
    // The token's own claims (its payload, read here without the API): token:issue's default is 8 hours.
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(8 * 3600);
    expect(me.body).toEqual({
      sub: 'officer-q',
      roles: ['OFFICER'],
      // No --regions: the whole city (SPEC §4.8).
      regions: null,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
    });
    expect((await get('/v1/me', { token: null })).status).toBe(401);
  });

  it('profiles a listed vehicle: LISTED, count 3, violations and listing newest first, overdue publication', async () => {
    const res = await get(`/v1/vehicles/YELLOW/${encodeURIComponent('浙e·50001')}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ plate: '浙E50001', plateColor: 1, state: 'LISTED', countInWindow: 3 });
    const violations = res.body.violations as Record<string, unknown>[];
    expect(violations.map((v) => v.eventId)).toEqual(['q-a-2', 'q-a-1', 'q-a-0']);
    expect(violations[0]).toMatchObject({
      stationId: '330521001',
      axles: 2,
      grossWeightKg: 20000,
      limitKg: 18000,
      overKg: 2000,
      suggestedFineYuan: 1000,
      status: 'OPEN',
      permitNo: null,
      permitCheck: null,
      evidence: { imageUrls: ['https://evidence.example/q-a-2.jpg'], deviceCertNo: 'JJG-330521001' },
    });
    // Not in the vehicle registry: no registration, and its listing names no party (未登记).
    expect(res.body.registration).toBeNull();
    expect(violations[0]!.tripId).toBe(violations[0]!.id);
    expect(violations[0]!.measuredAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/);
    const listings = res.body.listings as Record<string, unknown>[];
    expect(listings).toHaveLength(1);
    expect(listings[0]).toMatchObject({
      plate: '浙E50001',
      plateColor: 1,
      status: 'LISTED',
      violationCount: 3,
      overdue: true,
      party: null,
    });
    // Listed at the third violation; due by the end of the 7th working day after (§4.4).
    const listedAt = known.find((k) => k.eventId === 'q-a-2')!.measuredAt;
    expect(listings[0]!.listedAt).toBe(new Date(listedAt).toISOString());
    expect(listings[0]!.publicationDueBy).toBe(new Date(publicationDueBy(listedAt, 7)).toISOString());
    expect(listings[0]).not.toHaveProperty('publishedAt');
  });

  it("shows a vehicle's audit trail: its own violations and listing in chain order, no other vehicle's", async () => {
    const trail = await get(`/v1/vehicles/1/${encodeURIComponent('浙E50001')}/audit?pageSize=500`);
    expect(trail.status).toBe(200);
    const items = trail.body.items as { seq: string; action: string; entityType: string; entityId: string }[];
    expect(items.map((e) => e.action).sort()).toEqual([
      'LISTING_CREATED',
      'VIOLATION_RECORDED',
      'VIOLATION_RECORDED',
      'VIOLATION_RECORDED',
    ]);
    expect(trail.body.total).toBe(4);
    const seqs = items.map((e) => BigInt(e.seq));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    const own = await s.query<{ id: string }>(
      `SELECT id::text FROM violations WHERE vehicle_key = '1:浙E50001' UNION ALL
       SELECT id::text FROM listings WHERE vehicle_key = '1:浙E50001'`,
    );
    expect(new Set(items.map((e) => e.entityId))).toEqual(new Set(own.map((r) => r.id)));
    const paged = await get(`/v1/vehicles/1/${encodeURIComponent('浙E50001')}/audit?pageSize=3&page=2`);
    expect(paged.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(paged.body.items.map((e: { seq: string }) => e.seq)).toEqual([items[3]!.seq]);
    expect((await get('/v1/vehicles/1/浙E59999/audit')).body).toMatchObject({ items: [], total: 0 });
    await expect400('/v1/vehicles/1/XYZ/audit', 'plate');
  });

  it('profiles a WATCH vehicle, an unknown vehicle (CLEAR) and refuses a bad plate or colour', async () => {
    const watch = await get('/v1/vehicles/1/浙E50002');
    expect(watch.body).toMatchObject({ state: 'WATCH', countInWindow: 1, listings: [] });
    expect((watch.body.violations as unknown[]).length).toBe(1);
    expect((await get('/v1/vehicles/1/浙E59999')).body).toEqual({
      plate: '浙E59999',
      plateColor: 1,
      state: 'CLEAR',
      countInWindow: 0,
      violations: [],
      listings: [],
      registration: null,
    });
    await expect400('/v1/vehicles/PURPLE/浙E50001', 'plateColor');
    await expect400('/v1/vehicles/1/XYZ', 'plate');
    await expect400(`/v1/vehicles/1/${encodeURIComponent("浙E50001' OR 1=1 --")}`, 'plate');
  });

  it("names the party as registered when the vehicle was listed, and shows the vehicle's registration as it is now", async () => {
    const listed = await get('/v1/vehicles/1/浙E50003');
    expect(listed.body.registration).toEqual({
      plate: '浙E50003',
      plateColor: 1,
      // A company's credit code is public; its phone is masked for an officer (SPEC §4.8).
      owner: { name: COMPANY.ownerName, type: 'COMPANY', idNo: COMPANY.ownerIdNo, phone: '057*-***0003' },
      operatorId: COMPANY.operatorId,
      transportCertNo: COMPANY.transportCertNo,
      certIssuedAt: null,
      registrationRegion: '330523',
      updatedAt: expect.any(String),
    });
    const [listing] = listed.body.listings as { id: string; party: unknown }[];
    expect(listing!.party).toEqual(COMPANY);
    expect((await get(`/v1/listings/${listing!.id}`)).body.party).toEqual(COMPANY);
    // The vehicle changes hands: the registration follows, the decision already taken keeps its party.
    await s.query(
      `UPDATE registry_vehicles SET owner_name = '长兴某某运输有限公司', owner_id_no = '91330522MA2B3C4D6A',
         updated_at = now() WHERE vehicle_key = '1:浙E50003'`,
    );
    const after = await get('/v1/vehicles/1/浙E50003');
    expect(after.body.registration.owner).toMatchObject({ name: '长兴某某运输有限公司', idNo: '91330522MA2B3C4D6A' });
    expect(after.body.listings[0].party).toEqual(COMPANY);
    await s.query(`UPDATE registry_vehicles SET owner_name = $1, owner_id_no = $2 WHERE vehicle_key = '1:浙E50003'`, [
      COMPANY.ownerName,
      COMPANY.ownerIdNo,
    ]);
  });

  it('filters and pages weighings and violations', async () => {
    const all = await get('/v1/violations?plate=浙E50001&plateColor=1&pageSize=2');
    expect(all.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(all.body.items.map((v: { eventId: string }) => v.eventId)).toEqual(['q-a-2', 'q-a-1']);
    const second = await get('/v1/violations?plate=浙e50001&pageSize=2&page=2');
    expect(second.body.items.map((v: { eventId: string }) => v.eventId)).toEqual(['q-a-0']);
    expect((await get('/v1/violations?stationId=330523001&status=OPEN')).body.total).toBe(3);
    const from = ago(19 * DAY).toISOString();
    expect((await get(`/v1/violations?plate=浙E50001&from=${from}`)).body.total).toBe(2);
    expect((await get(`/v1/violations?plate=浙E50001&to=${from}`)).body.total).toBe(1);

    const warning = await get('/v1/weighings?plate=浙E50002&classification=WARNING');
    expect(warning.body.total).toBe(1);
    expect(warning.body.items[0]).toMatchObject({ eventId: 'q-b-2', classification: 'WARNING', overKg: 950 });
    const tolerated = await get('/v1/weighings?plate=浙E50002&classification=TOLERATED');
    expect(tolerated.body.total).toBe(1);
    expect(tolerated.body.items[0]).toMatchObject({
      eventId: 'q-b-1',
      source: 'TOLL_ENTRY',
      classification: 'TOLERATED',
      overKg: 500,
      permitCheck: null,
    });
    expect((await get('/v1/weighings?plateColor=YELLOW&classification=VIOLATION')).body.total).toBe(13);
    expect((await get('/v1/weighings?pageSize=500')).body).toMatchObject({ total: 15, pageSize: 500 });
  });

  it('lists the review queue with the overdue flag and shows one listing', async () => {
    const queue = await get('/v1/listings?status=LISTED');
    const plates = queue.body.items.map((l: { plate: string }) => l.plate);
    // Oldest first.
    expect(plates).toEqual(['浙E50003', '浙E50001', '浙E50005', '浙E50004']);
    const overdue = await get('/v1/listings?overdue=true');
    expect(overdue.body.items.map((l: { plate: string }) => l.plate)).toEqual(['浙E50003', '浙E50001', '浙E50005']);
    expect(overdue.body.items.every((l: { overdue: boolean }) => l.overdue)).toBe(true);
    const fresh = await get('/v1/listings?overdue=false');
    expect(fresh.body.items.map((l: { plate: string; overdue: boolean }) => [l.plate, l.overdue])).toEqual([
      ['浙E50004', false],
    ]);
    const id = (queue.body.items[1] as { id: string }).id;
    const one = await get(`/v1/listings/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, plate: '浙E50001', status: 'LISTED', overdue: true });
    expect((one.body.violations as unknown[]).length).toBe(3);
    const missing = await get('/v1/listings/6f1e7c1a-2b1c-4d1e-9a1b-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error!.code).toBe('NOT_FOUND');
    await expect400('/v1/listings/not-a-uuid', 'id');
    await expect400('/v1/listings?overdue=maybe', 'overdue');
    await expect400('/v1/listings?status=GONE', 'status');
  });

  it('reads the audit log of an entity and verifies the chain (API and CLI)', async () => {
    const [listing] = await s.query<{ id: string }>(`SELECT id FROM listings WHERE plate = '浙E50001'`);
    const entries = await get(`/v1/audit?entityType=listing&entityId=${listing!.id}`);
    expect(entries.status).toBe(200);
    // Nothing has happened to the listing but its creation.
    expect(entries.body.total).toBe(1);
    expect(entries.body.items).toEqual([
      expect.objectContaining({
        action: 'LISTING_CREATED',
        entityType: 'listing',
        entityId: listing!.id,
        actor: 'system',
        before: null,
      }),
    ]);
    // The listed truck is its company's whole registered fleet: ingest's scheduler makes the company a
    // candidate (docs/rules.md 13b) within seconds, adding entries; count the chain once that is done.
    await eventually(
      async () =>
        (await s.query(`SELECT 1 FROM company_listings WHERE operator_id = $1`, [COMPANY.operatorId])).length > 0 ||
        undefined,
      { what: 'the company candidate of the listed truck', timeoutMs: 30000 },
    );
    const [{ n }] = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
    expect((await get('/v1/audit/verification')).status).toBe(403); // an OFFICER's token
    const verified = await verification((body) => body.entries === n);
    expect(verified.body).toMatchObject({ ok: true, entries: n, unsealedEntries: 0 });
    const cli = await runCli(['audit:verify'], s.env());
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: true, entries: n, unsealedEntries: 0 });
  });

  it("shows a PUBLISHED listing in the public postings with the registry's party, never an applicant's, and nothing unpublished", async () => {
    const [listing] = await s.query<{ id: string }>(`SELECT id FROM listings WHERE plate = '浙E50003'`);
    // The publication workflow has its own tests; here the state it leaves is written directly.
    await s.query(
      `UPDATE listings SET status = 'PUBLISHED', published_at = now() - interval '1 day',
         publication_ends_at = now() + interval '729 days', posting_status = 'POSTED',
         proposal = '{"decisionNo":"湖交执罚〔2025〕0001号","legalBasis":"《公路安全保护条例》第六十六条","proposedBy":"officer-a"}'
       WHERE id = $1`,
      [listing!.id],
    );
    await s.query(
      `INSERT INTO credit_repairs (listing_id, status, applicant_name, applicant_type, applicant_contact, commitment,
         rectification, submitted_by, submitted_at)
       VALUES ($1, 'PENDING', '张三丰', 'PERSON', '13800000000', true, '已卸载超限货物', 'officer-a', now())`,
      [listing!.id],
    );
    const [row] = await s.query<{ listed_at: Date; published_at: Date; publication_ends_at: Date }>(
      `SELECT listed_at, published_at, publication_ends_at FROM listings WHERE id = $1`,
      [listing!.id],
    );
    expect(row!.listed_at.toISOString()).toBe(
      new Date(known.find((k) => k.eventId === 'q-c-2')!.measuredAt).toISOString(),
    );
    const posted = await get(`/v1/public/postings?plate=${encodeURIComponent('浙e 50003')}`, { token: null });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ total: 1, page: 1 });
    expect(posted.body.items[0]).toEqual({
      plate: '浙E50003',
      plateColor: 1,
      listedAt: row!.listed_at.toISOString(),
      publishedAt: row!.published_at.toISOString(),
      publicationEndsAt: row!.publication_ends_at.toISOString(),
      violationCount: 3,
      decisionNo: '湖交执罚〔2025〕0001号',
      legalBasis: '《公路安全保护条例》第六十六条',
      // A company in full; its id number, phone, operator and certificate stay in the office.
      party: { name: COMPANY.ownerName, type: 'COMPANY', registrationRegion: '330523' },
    });
    // Nothing of the credit-repair applicant (张三丰, 13800000000) and no staff or internal ids.
    expect(JSON.stringify(posted.body)).not.toMatch(
      new RegExp(`officer|13800000000|张三丰|0572-5550003|${COMPANY.ownerIdNo}|${COMPANY.transportCertNo}|"id"`),
    );
    // A listing whose vehicle the registry did not know says so: party null (未登记车辆).
    await s.query(`UPDATE listings SET party = NULL WHERE id = $1`, [listing!.id]);
    const unregistered = await get('/v1/public/postings?plate=浙E50003', { token: null });
    expect(unregistered.body.items[0]).toMatchObject({ plate: '浙E50003', party: null });
    expect(JSON.stringify(unregistered.body)).not.toContain('张三丰');
    await s.query(`UPDATE listings SET party = $2 WHERE id = $1`, [listing!.id, JSON.stringify(COMPANY)]);
    const everything = await get('/v1/public/postings', { token: null });
    expect(everything.body.items.map((p: { plate: string }) => p.plate)).toEqual(['浙E50003']);
    expect((await get('/v1/public/postings?plate=浙E50001', { token: null })).body.total).toBe(0);

    // An ended publication period is no longer posted.
    await s.query(`UPDATE listings SET publication_ends_at = now() - interval '1 second' WHERE id = $1`, [listing!.id]);
    expect((await get('/v1/public/postings', { token: null })).body.total).toBe(0);
    await s.query(`UPDATE listings SET publication_ends_at = now() + interval '729 days' WHERE id = $1`, [listing!.id]);

    const repairs = await get('/v1/credit-repairs?status=PENDING');
    expect(repairs.body.total).toBe(1);
    expect(repairs.body.items[0]).toMatchObject({
      listingId: listing!.id,
      plate: '浙E50003',
      applicant: { name: '张三丰', type: 'PERSON' },
    });
    expect((await get('/v1/credit-repairs?status=APPROVED')).body.total).toBe(0);
  });

  it('rate-limits the public postings per client address: requests 1–60 answered, the 61st 429 with Retry-After', async () => {
    // The limit is a bucket of 60 refilled at one per second (public-rate-limit.guard.ts), so request 61
    // is refused only if it reaches the server within 1 s of request 1. The server's span is shorter
    // than the client's (first send to last answer), so an attempt whose client span is under 1 s must
    // show the limit exactly; a slower attempt (a loaded machine) proves nothing and is tried again
    // from a fresh address. Requests 1–60 go out at once to keep the span short.
    const attempts: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const ip = `203.0.113.${10 + attempt}`;
      const started = performance.now();
      const first60 = await Promise.all(
        Array.from({ length: 60 }, () => get('/v1/public/postings', { token: null, clientIp: ip })),
      );
      const sixtyFirst = await get('/v1/public/postings', { token: null, clientIp: ip });
      const spanMs = performance.now() - started;
      if (spanMs >= 1000) {
        attempts.push(`${ip}: ${Math.round(spanMs)} ms`);
        continue;
      }
      expect(first60.map((r) => r.status)).toEqual(Array(60).fill(200));
      expect(sixtyFirst.status).toBe(429);
      expect(sixtyFirst.body.error!.code).toBe('TOO_MANY_REQUESTS');
      expect(sixtyFirst.headers.get('retry-after')).toBe('1');
      // Another address is served.
      expect((await get('/v1/public/postings', { token: null, clientIp: '203.0.113.200' })).status).toBe(200);
      return;
    }
    throw new Error(`no attempt sent 61 requests within 1 s (${attempts.join(', ')}): the machine is too loaded`);
  });

  it('answers hostile or malformed input with 400, never 500', async () => {
    await expect400('/v1/violations?pageSize=501', 'pageSize');
    await expect400('/v1/weighings?pageSize=99999999999999999999', 'pageSize');
    await expect400('/v1/weighings?page=0', 'page');
    await expect400('/v1/weighings?pageSize=ten', 'pageSize');
    await expect400(`/v1/violations?plate=${encodeURIComponent("浙E50001' OR '1'='1")}`, 'plate');
    await expect400(`/v1/weighings?stationId=${encodeURIComponent("330521'; DROP TABLE weighings; --")}`, 'stationId');
    await expect400('/v1/weighings?classification=ALL', 'classification');
    await expect400('/v1/violations?from=yesterday', 'from');
    await expect400(`/v1/violations?from=${ago(DAY).toISOString()}&to=${ago(2 * DAY).toISOString()}`, 'from');
    await expect400('/v1/stats?region=33%25', 'region');
    await expect400('/v1/audit?entityType=listing%27--', 'entityType');
    await expect400('/v1/public/postings?pageSize=100000', 'pageSize');
    await expect400(`/v1/public/postings?plate=${encodeURIComponent("x' UNION SELECT 1 --")}`, 'plate');
    const unknown = await get('/v1/listings?sort=id;DROP');
    expect(unknown.status).toBe(400);
    const repeated = await get('/v1/violations?plate=浙E50001&plate=浙E50002');
    expect(repeated.status).toBe(400);
    expect((await s.query(`SELECT count(*)::int AS n FROM weighings`))[0]).toEqual({ n: 15 });
  });

  it('/stats, /stats/regions and /stats/daily equal counts computed from what the test sent and did', async () => {
    const config: AppConfig = loadConfig(s.env());
    // A revocation (stats: revoked) through the application service, as staff would do it.
    const db = new DatabaseConnection(
      createDataSource({ databaseUrl: s.databaseUrl, applicationName: 'test', poolSize: 2 }),
    );
    const revokeStarted = Date.now();
    try {
      const credit = new CreditRepository();
      const audit = new AuditLogRepository(db, testAuditKeys());
      const actions = new ViolationActionsService(
        db,
        credit,
        new CreditRecountService(config, credit, audit, new OutboxRepository()),
        new RevocationRepository(),
      );
      const [v] = await s.query<{ id: string }>(`SELECT id FROM violations WHERE event_id = 'q-e-1'`);
      await actions.proposeRevocation(v!.id, { reason: 'device fault (设备故障)' }, 'officer-q');
      await actions.reviewRevocation(v!.id, { approve: true, opinion: '同意撤销' }, 'legal-reviewer');
    } finally {
      await db.onApplicationShutdown();
    }
    const revokeEnded = Date.now();
    // Processed cases and turn-backs, as the workflow and the gate leave them.
    const processedAt = ago(2 * DAY);
    await s.query(
      `UPDATE violations SET status = 'PROCESSED', case_no = 'HZ-' || event_id, fine_yuan = 800, processed_at = $1
       WHERE event_id IN ('q-a-0', 'q-a-1')`,
      [processedAt],
    );
    const turnBacks = [
      { id: 'q-tb-1', stationId: '330521001', at: ago(DAY) },
      { id: 'q-tb-2', stationId: '330522002', at: ago(3 * DAY) },
      { id: 'q-tb-3', stationId: '330521001', at: ago(40 * DAY) },
    ];
    for (const t of turnBacks) {
      await s.query(
        `INSERT INTO turn_backs (decision_id, station_id, plate, plate_color, vehicle_key, reasons, at)
         VALUES ($1, $2, '浙E50001', 1, '1:浙E50001', '{DISHONESTY_LIST}', $3)`,
        [t.id, t.stationId, t.at],
      );
    }

    // 30 days of simulated traffic (as `simulate --backfill-days 30` sends it: 12 weighings a vehicle),
    // produced here so that the test knows every weighing's kind, station and time.
    const simulated = [];
    const traffic = generateTraffic({
      seed: 5,
      vehicles: 100,
      start: ago(30 * DAY),
      spacingMs: Math.floor((30 * DAY) / 1200),
      lateShare: 0,
      eventIdPrefix: 'q-sim',
    });
    for (let i = 0; i < 1200; i++) simulated.push(traffic.next().value!);
    // The permits the simulated trucks carry were issued before the traffic (大件运输许可, SPEC §4.9):
    // each number to the vehicle that first carries it, for the whole period. Registered unless the
    // world already holds it; then the registry's own record is what the oracle consults.
    const sent = simulated
      .filter((m) => m.kind !== 'MALFORMED')
      .map((m) => ({ key: m.key, e: JSON.parse(m.value) as SentWeighing }));
    for (const { key, e } of sent.filter(({ e }) => e.permitNo)) {
      await s.query(
        `INSERT INTO registry_permits (permit_no, vehicle_key, plate, plate_color, valid_from, valid_to,
           max_gross_weight_kg, status)
         VALUES ($1, $2, $3, $4, $5, $6, 100000, 'ISSUED') ON CONFLICT (permit_no) DO NOTHING`,
        [e.permitNo, key, e.plate, Number(e.plateColor), ago(31 * DAY), ago(-DAY)],
      );
    }
    const registered = await s.query<{
      permit_no: string;
      vehicle_key: string;
      valid_from: Date;
      valid_to: Date;
      max_gross_weight_kg: number;
      axles: number | null;
      station_ids: string[] | null;
      status: 'ISSUED' | 'REVOKED';
    }>(`SELECT * FROM registry_permits`);
    for (const r of registered) {
      permits.set(r.permit_no, {
        permitNo: r.permit_no,
        vehicleKey: r.vehicle_key,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        maxGrossWeightKg: Number(r.max_gross_weight_kg),
        axles: r.axles,
        stationIds: r.station_ids,
        status: r.status,
      });
    }
    await s.produce(simulated.map(({ key, value }) => ({ key, value })));
    await s.waitUntilConsumed(120000);
    const weighings: WeighingFact[] = [
      ...known,
      ...simulated.flatMap((m) => (m.kind === 'MALFORMED' ? [] : [factOf(m)])),
    ];
    expect(simulated.some((m) => known.some((k) => k.vehicleKey === m.key))).toBe(false);
    // The data set holds every classification, the entry tolerance's included.
    expect(new Set(weighings.map((w) => w.kind))).toEqual(
      new Set(['COMPLIANT', 'TOLERATED', 'WARNING', 'VIOLATION', 'EXEMPT_PERMIT', 'UNIDENTIFIED']),
    );
    // The model's premise: ingest stored every weighing and classified it as SPEC §4.2 says.
    const stored = await s.query<{ event_id: string; classification: string }>(
      `SELECT event_id, classification FROM weighings`,
    );
    expect(new Map(stored.map((r) => [r.event_id, r.classification]))).toEqual(
      new Map(weighings.map((w) => [w.eventId, w.kind])),
    );

    const model = new StatsModel({
      weighings,
      revoked: new Set(['q-e-1']),
      listingStatus: new Map([
        // Published directly by the postings test above.
        ['1:浙E50003', { status: 'PUBLISHED' }],
        ['1:浙E50005', { status: 'REVOKED', endedBetween: [revokeStarted, revokeEnded] }],
      ]),
      processed: ['q-a-0', 'q-a-1'].map((eventId) => ({
        eventId,
        processedAt: processedAt.getTime(),
        fineYuan: 800,
      })),
      turnBacks: turnBacks.map((t) => ({ stationId: t.stationId, at: t.at.getTime() })),
      rules: {
        tripMergeMinutes: config.TRIP_MERGE_MINUTES,
        listingThreshold: config.LISTING_THRESHOLD,
        publicationDeadlineWorkingDays: config.PUBLICATION_DEADLINE_WORKING_DAYS,
      },
    });
    // The data set reaches every figure: simulated listings, vehicles on WATCH, overdue and fresh listings.
    expect(model.listings.length).toBeGreaterThan(5);

    // Default period: the last 30 days, as of the request.
    const whole = await get('/v1/stats');
    expect(whole.status).toBe(200);
    const { from, to } = whole.body.period as { from: string; to: string };
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * DAY);
    expect(Date.parse(whole.body.asOfNow.at)).toBe(Date.parse(to));
    const now = Date.parse(to);
    const expected = model.stats({ from: Date.parse(from), to: now, region: null, now });
    expect(whole.body).toEqual(expected);
    expect(expected.asOfNow.watch).toBeGreaterThan(1);
    expect(expected.asOfNow.overduePublications).toBeGreaterThan(0);
    expect(expected.asOfNow.overduePublications).toBeLessThan(expected.asOfNow.listed);
    expect(expected.period).toMatchObject({ casesProcessed: 2, finesYuan: 1600, turnBacks: 2, revoked: 1 });
    for (const region of ['330521', '330523']) {
      const regional = await get(`/v1/stats?region=${region}`);
      const now = Date.parse(regional.body.asOfNow.at);
      expect(regional.body).toEqual(model.stats({ from: Date.parse(regional.body.period.from), to: now, region, now }));
    }

    // An explicit period, each region and the city (the regions endpoint and each region alone).
    const pFrom = ago(20 * DAY).toISOString();
    const pTo = ago(DAY).toISOString();
    const period = { from: Date.parse(pFrom), to: Date.parse(pTo) };
    const regions = await get(`/v1/stats/regions?from=${pFrom}&to=${pTo}`);
    expect(regions.status).toBe(200);
    const names = [
      ['3305', '湖州市（全市）'],
      ['330500', '湖州市本级'],
      ['330521', '德清县'],
      ['330522', '长兴县'],
      ['330523', '安吉县'],
    ];
    expect(
      [regions.body.total, ...regions.body.items].map((r: { region: string; name: string }) => [r.region, r.name]),
    ).toEqual(names);
    for (const r of [regions.body.total, ...regions.body.items] as { region: string; asOfNow: { at: string } }[]) {
      const want = model.stats({ ...period, region: r.region, now: Date.parse(r.asOfNow.at) });
      expect(r).toEqual({ ...want, name: names.find(([code]) => code === r.region)![1] });
      const single = await get(`/v1/stats?region=${r.region}&from=${pFrom}&to=${pTo}`);
      expect(single.body).toEqual(
        model.stats({ ...period, region: r.region, now: Date.parse(single.body.asOfNow.at) }),
      );
    }
    const deqing = model.stats({ ...period, region: '330521', now: Date.now() });
    expect(deqing.period).toMatchObject({ casesProcessed: 2, finesYuan: 1600, turnBacks: 1, revoked: 0 });
    await expect400('/v1/stats/regions?region=330521', 'region');

    // Daily: one row per Asia/Shanghai day of the period, zeros included.
    for (const region of [null, '330521', '330522']) {
      const query = `from=${pFrom}&to=${pTo}${region === null ? '' : `&region=${region}`}`;
      const daily = await get(`/v1/stats/daily?${query}`);
      expect(daily.status).toBe(200);
      expect(daily.body).toEqual(model.daily({ ...period, region }));
    }
    // Default: the last 30 Shanghai days, today included.
    const asked = Date.now();
    const recent = await get('/v1/stats/daily');
    expect(recent.body.items).toHaveLength(30);
    // Today as of the request (either side of it, should it straddle midnight in Shanghai).
    expect([shanghaiDate(asked), shanghaiDate(Date.now())]).toContain(recent.body.items.at(-1).date);
    expect(recent.body).toEqual(
      model.daily({ from: Date.parse(recent.body.from), to: Date.parse(recent.body.to), region: null }),
    );
    await expect400(`/v1/stats/daily?from=${ago(400 * DAY).toISOString()}`, 'from');
    await expect400('/v1/stats/daily?region=33%25', 'region');
  });
  it('names the first audit entry changed behind the application’s back (API and CLI)', async () => {
    const [{ seq }] = await s.query<{ seq: string }>(`SELECT seq FROM audit_log ORDER BY seq OFFSET 2 LIMIT 1`);
    // As the database superuser, with the append-only trigger disabled for the moment.
    await s.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await s.query(`UPDATE audit_log SET reason = 'rewritten' WHERE seq = $1`, [seq]);
    await s.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    const broken = await verification((body) => body.ok === false);
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { seq: String(seq), code: 'HASH_MISMATCH' } });
    const cli = await runCli(['audit:verify'], s.env());
    expect(cli.code).toBe(1);
    expect(cli.stdout + cli.stderr).toContain(String(seq));
  });
});
