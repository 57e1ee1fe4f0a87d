import { issueStaffToken } from '@oc/credit';
import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { TEST_STATIONS } from '../harness/registries';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

/**
 * Jurisdiction and personal data (SPEC §4.8, docs/rules.md "Jurisdiction", "Personal data"), through
 * the running ingest and staff-api: an officer of 德清县 (330521) cannot act on a listing weighed in
 * 长兴县 (330522) and does not see it in the lists; an ADMIN reads the owner's id number in full and
 * that read is in the audit log; an OFFICER reads it masked, and that is not audited.
 */
const DAY = 86_400_000;
const SECRET = 'jurisdiction-fault-secret-0123456789abcdef';
const OWNER_ID_NO = '330522198505124569';
const OWNER_PHONE = '13812345678';
const PLATE_22 = '浙E71022';
const PLATE_21 = '浙E71021';

describe('faults: jurisdiction (管辖) and personal data (running ingest and staff-api)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let listing22: string;
  let listing21: string;
  const officer21 = () =>
    issueStaffToken(SECRET, { sub: 'officer-deqing', roles: ['OFFICER'], regions: ['330521'] }, 3600);
  const admin = () => issueStaffToken(SECRET, { sub: 'admin-city', roles: ['ADMIN'] }, 3600);

  const call = async (method: 'GET' | 'POST', path: string, bearer: string, body?: unknown) => {
    const res = await fetch(`${staff.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    s = await Scenario.create('jurisdiction', {
      stations: [
        ...TEST_STATIONS,
        { stationId: '330521901', kind: 'TOLL_ENTRY' },
        { stationId: '330522901', kind: 'TOLL_ENTRY' },
      ],
    });
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone,
         registration_region)
       VALUES ($1, $2, 1, '欧阳娜娜', 'PERSON', $3, $4, '330522')`,
      [`1:${PLATE_22}`, PLATE_22, OWNER_ID_NO, OWNER_PHONE],
    );
    await s.startIngest();
    staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET });
    const t0 = Date.now() - 60 * DAY;
    await s.produce(
      [
        [PLATE_22, '330522901'],
        [PLATE_21, '330521901'],
      ].flatMap(([plate, stationId]) =>
        [0, 2, 4].map((d) =>
          violationEvent({
            eventId: `jur-${stationId}-${d}`,
            plate: plate!,
            stationId,
            measuredAt: new Date(t0 + d * DAY),
          }),
        ),
      ),
    );
    const listed = await eventually(
      async () => {
        const rows = await s.query<{ id: string; plate: string }>(`SELECT id::text, plate FROM listings`);
        return rows.length === 2 ? rows : undefined;
      },
      { what: 'both vehicles listed', timeoutMs: 30000 },
    );
    listing22 = listed.find((l) => l.plate === PLATE_22)!.id;
    listing21 = listed.find((l) => l.plate === PLATE_21)!.id;
  });
  afterAll(() => s?.close());

  it('an officer of 330521 gets 403 OUT_OF_JURISDICTION acting on a 330522 listing, and nothing changes', async () => {
    const before = await s.query(`SELECT count(*)::int AS n FROM audit_log`);
    const [notice] = await s.query<{ id: string }>(`SELECT id::text FROM notices WHERE listing_id = $1`, [listing22]);
    const [violation] = await s.query<{ id: string }>(`SELECT id::text FROM violations WHERE listing_id = $1 LIMIT 1`, [
      listing22,
    ]);
    const acts = [
      call('POST', `/v1/notices/${notice!.id}/service`, officer21(), {
        method: 'IN_PERSON',
        servedAt: new Date().toISOString(),
      }),
      call('POST', `/v1/listings/${listing22}/publication-proposal`, officer21(), {
        decisionNo: '湖交超决〔2026〕1号',
        legalBasis: '62号令',
      }),
      call('POST', `/v1/violations/${violation!.id}/processing`, officer21(), {
        caseNo: 'CX-1',
        fineYuan: 500,
        processedAt: new Date().toISOString(),
      }),
      call('POST', '/v1/objections', officer21(), {
        target: { type: 'LISTING', id: listing22 },
        grounds: '称重设备故障',
        channel: 'IN_PERSON',
        attachments: [],
      }),
    ];
    for (const answer of await Promise.all(acts)) {
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('OUT_OF_JURISDICTION');
      expect(answer.body.error.message).toContain('330522');
    }
    expect(await s.query(`SELECT count(*)::int AS n FROM audit_log`)).toEqual(before);
    // The same officer serves the notice of a listing of their own county.
    const [own] = await s.query<{ id: string }>(`SELECT id::text FROM notices WHERE listing_id = $1`, [listing21]);
    const served = await call('POST', `/v1/notices/${own!.id}/service`, officer21(), {
      method: 'IN_PERSON',
      servedAt: new Date().toISOString(),
    });
    expect(served.status).toBe(200);
  });

  it("the lists show the officer their regions' work only; the city-level ADMIN sees both", async () => {
    const mine = await call('GET', '/v1/listings', officer21());
    expect(mine.body.items.map((l: { plate: string }) => l.plate)).toEqual([PLATE_21]);
    expect(mine.body.total).toBe(1);
    const violations = await call('GET', '/v1/violations', officer21());
    expect(new Set(violations.body.items.map((v: { stationId: string }) => v.stationId))).toEqual(
      new Set(['330521901']),
    );
    const notices = await call('GET', '/v1/notices', officer21());
    expect(notices.body.items).toHaveLength(1);
    const all = await call('GET', '/v1/listings', admin());
    expect(all.body.total).toBe(2);
  });

  it('an ADMIN reads the owner’s id number and phone in full, and that read is in the audit log', async () => {
    const read = await call('GET', `/v1/vehicles/1/${encodeURIComponent(PLATE_22)}`, admin());
    expect(read.status).toBe(200);
    expect(read.body.registration.owner).toMatchObject({ idNo: OWNER_ID_NO, phone: OWNER_PHONE });
    expect(read.body.listings[0].party.ownerIdNo).toBe(OWNER_ID_NO);
    const [entry] = await s.query<{
      actor: string;
      after: { fields: string[]; subjects: string[] };
      entity_id: string;
    }>(`SELECT actor, after, entity_id FROM audit_log WHERE action = 'PERSONAL_DATA_READ' ORDER BY seq DESC LIMIT 1`);
    expect(entry).toMatchObject({ actor: 'admin-city', entity_id: expect.stringContaining('/v1/vehicles/1/') });
    expect(entry!.after.fields).toEqual(expect.arrayContaining(['idNo', 'ownerIdNo', 'phone']));
    expect(entry!.after.subjects).toContain(`1:${PLATE_22}`);
    // The audit entry names whose data and which fields, never the values themselves.
    expect(JSON.stringify(entry)).not.toContain(OWNER_ID_NO);
  });

  it('an OFFICER reads it masked (330522********4569, 138****5678), and that read is not audited', async () => {
    const audited = async () =>
      (await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'PERSONAL_DATA_READ'`))[0]!
        .n;
    const before = await audited();
    const read = await call('GET', `/v1/vehicles/1/${encodeURIComponent(PLATE_22)}`, officer21());
    expect(read.status).toBe(200);
    expect(read.body.registration.owner).toMatchObject({ idNo: '330522********4569', phone: '138****5678' });
    expect(read.body.listings[0].party.ownerIdNo).toBe('330522********4569');
    const listing = await call('GET', `/v1/listings/${listing22}`, officer21());
    expect(JSON.stringify(listing.body)).not.toContain(OWNER_ID_NO);
    const notice = await call('GET', `/v1/notices?status=ISSUED`, admin());
    expect(JSON.stringify(notice.body)).toContain(OWNER_ID_NO);
    expect(await audited()).toBe(before + 1);
  });

  it("the revocation review queue shows a reviewer their regions' proposals only; city-level staff see both", async () => {
    const legal21 = issueStaffToken(
      SECRET,
      { sub: 'legal-deqing', roles: ['LEGAL_REVIEWER'], regions: ['330521'] },
      3600,
    );
    const legalCity = issueStaffToken(SECRET, { sub: 'legal-city', roles: ['LEGAL_REVIEWER'] }, 3600);
    const officer22 = issueStaffToken(
      SECRET,
      { sub: 'officer-changxing', roles: ['OFFICER'], regions: ['330522'] },
      3600,
    );
    const violationOf = async (listingId: string) =>
      (
        await s.query<{ id: string }>(
          `SELECT id::text FROM violations WHERE listing_id = $1 ORDER BY measured_at LIMIT 1`,
          [listingId],
        )
      )[0]!.id;
    const [v21, v22] = [await violationOf(listing21), await violationOf(listing22)];
    for (const [violation, proposer] of [
      [v21, officer21()],
      [v22, officer22],
    ] as const) {
      const proposed = await call('POST', `/v1/violations/${violation}/revocation`, proposer, {
        reason: '复核：设备检定过期',
      });
      expect(proposed.status).toBe(200);
    }
    const queue = async (bearer: string) => {
      const res = await call('GET', '/v1/revocations?status=PENDING', bearer);
      expect(res.status).toBe(200);
      return { ids: res.body.items.map((r: { violationId: string }) => r.violationId).sort(), total: res.body.total };
    };
    expect(await queue(legal21)).toEqual({ ids: [v21], total: 1 });
    expect(await queue(officer21())).toEqual({ ids: [v21], total: 1 });
    expect(await queue(officer22)).toEqual({ ids: [v22], total: 1 });
    const both = { ids: [v21, v22].sort(), total: 2 };
    expect(await queue(legalCity)).toEqual(both);
    expect(await queue(admin())).toEqual(both);
  });

  it('a token whose regions claim is empty or garbled is refused (401), never read as the whole city', async () => {
    const bad = issueStaffToken(SECRET, { sub: 'officer-x', roles: ['OFFICER'], regions: [] }, 3600);
    expect((await call('GET', '/v1/listings', bad)).status).toBe(401);
    const issued = await runCli(
      ['token:issue', '--sub', 'officer-cx', '--roles', 'OFFICER', '--regions', '330521,330522'],
      s.env({ STAFF_JWT_SECRET: SECRET }),
    );
    expect(issued.code).toBe(0);
    const me = await call('GET', '/v1/me', issued.stdout.trim());
    expect(me.body.regions).toEqual(['330521', '330522']);
  });
});
