import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';

const SECRET = 'due-process-e2e-secret-0123456789abcdef';
const sh = (local: string) => new Date(`${local}+08:00`);
/** The story's trips (SPEC §4.4): three journeys in September 2026, before the National Day holiday. */
const TRIP_DAYS = ['2026-09-01', '2026-09-10', '2026-09-20'];

interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, read loosely
  body: any;
}

/**
 * Due process through the running apps (SPEC §4.4, §4.10) with NOTICE_PERIOD_WORKING_DAYS=5 on the
 * 2026 official calendar: a listing is PENDING and turns no one back until its notice period has ended
 * (or an objection was rejected); revocations take two people; postings follow their own life.
 */
describe('due process: notice, objection, two-person revocation (running apps)', () => {
  let s: Scenario;
  let gate: RunningApp;
  let staff: RunningApp;
  let stationKey: string;
  const token = { officerA: '', legalB: '', repairC: '' };

  const issue = async (sub: string, roles: string): Promise<string> => {
    const r = await runCli(['token:issue', '--sub', sub, '--roles', roles], s.env({ STAFF_JWT_SECRET: SECRET }));
    expect(r).toMatchObject({ code: 0 });
    return r.stdout.trim();
  };

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    bearer: string | null,
    body?: unknown,
  ): Promise<ApiAnswer> => {
    const headers: Record<string, string> = {};
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${staff.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  const decide = async (plate: string) => {
    const res = await fetch(
      `${gate.url}/v1/gate/decision?plate=${encodeURIComponent(plate)}&plateColor=1&cargo=LADEN`,
      {
        headers: { authorization: `Bearer ${stationKey}` },
      },
    );
    return (await res.json()) as {
      decision: string;
      reasons: string[];
      source: string;
      listing: { status: string } | null;
    };
  };

  /** The gate answers from a cache entry that carries the vehicle's current state version. */
  const gateSays = (plate: string, decision: 'ALLOW' | 'TURN_BACK') =>
    eventually(
      async () => {
        const [state] = await s.query<{ version: string }>(
          `SELECT version::text FROM vehicle_states WHERE vehicle_key = $1`,
          [`1:${plate}`],
        );
        const entry = await s.redis.hgetall(`${s.redisKeyPrefix}vehicle:1:${plate}`);
        if (!state || entry.v !== state.version) return undefined;
        const answer = await decide(plate);
        return answer.decision === decision && answer.source === 'cache' ? answer : undefined;
      },
      { what: `the gate to answer ${decision} for ${plate} from the current cache entry`, timeoutMs: 15000 },
    );

  const listingOf = async (plate: string) => {
    const [row] = await s.query<{ id: string; status: string; effective_at: Date | null; end_reason: string | null }>(
      `SELECT id, status, effective_at, end_reason FROM listings WHERE vehicle_key = $1 ORDER BY listed_at DESC LIMIT 1`,
      [`1:${plate}`],
    );
    return row;
  };

  const noticeOf = async (listingId: string) => {
    const [row] = await s.query<{ id: string }>(`SELECT id FROM notices WHERE listing_id = $1`, [listingId]);
    return row!.id;
  };

  /**
   * Three trips → a PENDING listing with its notice; the gate allows the truck all the while. The trips
   * are of September 2026 and arrive today: the notice is issued now. The story needs it issued when the
   * third trip happened, as it would have been had the upload been on time, so the test dates it back
   * (a notice is never served before it is issued: the API refuses that).
   */
  const pendingListing = async (plate: string, prefix: string) => {
    await s.produce(
      TRIP_DAYS.map((day, i) =>
        violationEvent({ eventId: `${prefix}-${i}`, plate, measuredAt: sh(`${day}T10:00:00`) }),
      ),
    );
    const listing = await eventually(
      async () => {
        const l = await listingOf(plate);
        return l?.status === 'PENDING' ? l : undefined;
      },
      { what: `${plate} PENDING`, timeoutMs: 30000 },
    );
    expect((await decide(plate)).decision).toBe('ALLOW');
    const noticeId = await noticeOf(listing.id);
    await s.query(`UPDATE notices SET issued_at = $2 WHERE id = $1`, [noticeId, sh('2026-09-20T10:05:00')]);
    return { listing, noticeId };
  };

  beforeAll(async () => {
    s = await Scenario.create('due');
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone,
         transport_cert_no, registration_region)
       VALUES ('1:浙E90001', '浙E90001', 1, '湖州顺达物流有限公司', 'COMPANY', '91330500MA2B12345X', '0572-1234567',
               '浙交运管湖字330500000777号', '330502')`,
    );
    const issued = await runCli(['station:add', '330500001'], s.env());
    expect(issued.code).toBe(0);
    stationKey = issued.stdout.trim();
    const duePeriod = { NOTICE_PERIOD_WORKING_DAYS: '5' };
    await s.startIngest(duePeriod);
    gate = await s.startApp('gate-api', duePeriod);
    staff = await s.startApp('staff-api', { ...duePeriod, STAFF_JWT_SECRET: SECRET });
    token.officerA = await issue('officer-a', 'OFFICER');
    token.legalB = await issue('legal-b', 'LEGAL_REVIEWER');
    token.repairC = await issue('repair-c', 'REPAIR_REVIEWER');
  });
  afterAll(() => s.close());

  it('three trips → PENDING (ALLOW); the notice names the registered owner; service on 28 Sep → in effect at 24:00 of 10 Oct → TURN_BACK', async () => {
    const plate = '浙E90001';
    // Ingest numbers the notice in the year it issues it (Asia/Shanghai): today, before the story dates it back.
    const issuedIn = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    const { listing, noticeId } = await pendingListing(plate, 'story');

    const notice = await call('GET', `/v1/notices/${noticeId}`, token.officerA);
    expect(notice).toMatchObject({
      status: 200,
      body: { status: 'ISSUED', listingId: listing.id, listingStatus: 'PENDING' },
    });
    expect(notice.body.noticeNo).toMatch(new RegExp(`^湖交超告〔${issuedIn}〕\\d+号$`));
    expect(notice.body.document.party).toMatchObject({ ownerName: '湖州顺达物流有限公司', ownerType: 'COMPANY' });
    expect(notice.body.document.trips).toHaveLength(3);
    expect(notice.body.document.period.workingDays).toBe(5);
    const onTopic = await s.readTopic(s.topics.notices, 1);
    expect(JSON.parse(onTopic[0]!.value!.toString())).toMatchObject({ noticeId, contactPhone: '0572-1234567' });

    const served = await call('POST', `/v1/notices/${noticeId}/service`, token.officerA, {
      method: 'IN_PERSON',
      servedAt: '2026-09-28T15:30:00+08:00',
    });
    expect(served).toMatchObject({
      status: 200,
      body: { status: 'SERVED', serviceMethod: 'IN_PERSON', periodEndsAt: sh('2026-10-11T00:00:00').toISOString() },
    });
    // The period ended long ago: the listing takes effect at its end, in the same commit.
    expect(await listingOf(plate)).toMatchObject({ status: 'LISTED', effective_at: sh('2026-10-11T00:00:00') });
    const answer = await gateSays(plate, 'TURN_BACK');
    expect(answer.reasons).toEqual(['DISHONESTY_LIST']);

    const view = await call('GET', `/v1/listings/${listing.id}`, token.officerA);
    expect(view.body).toMatchObject({
      status: 'LISTED',
      effectiveAt: sh('2026-10-11T00:00:00').toISOString(),
      noticeId,
      publicationDueBy: sh('2026-10-21T00:00:00').toISOString(),
      overdue: true,
    });
    const profile = await call('GET', `/v1/vehicles/1/${encodeURIComponent(plate)}`, token.officerA);
    expect(profile.body).toMatchObject({ state: 'LISTED', countInWindow: 3 });
  });

  it('a notice served back then: the scheduler commits the effect at the period end, and the gate turns the truck back', async () => {
    const plate = '浙E90007';
    const { listing, noticeId } = await pendingListing(plate, 'scheduled');
    // Service recorded on 28 Sep (by a receipt, back then); only the clock is left to act. The row is
    // what recording it leaves (see the story above).
    await s.query(
      `UPDATE notices SET status = 'SERVED', served_at = $2, service_method = 'POST', period_ends_at = $3 WHERE id = $1`,
      [noticeId, sh('2026-09-28T10:00:00'), sh('2026-10-11T00:00:00')],
    );
    await gateSays(plate, 'TURN_BACK');
    expect(await listingOf(plate)).toMatchObject({
      id: listing.id,
      status: 'LISTED',
      effective_at: sh('2026-10-11T00:00:00'),
    });
    const [entry] = await s.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'LISTING_EFFECTIVE' AND entity_id = $1`,
      [listing.id],
    );
    expect(entry).toEqual({ actor: 'system' });
  });

  it('an objection recorded before the period ends holds the listing past it; its handler cannot decide it; rejected, it takes effect', async () => {
    const plate = '浙E90002';
    const { listing, noticeId } = await pendingListing(plate, 'held');
    const recorded = await call('POST', '/v1/objections', token.officerA, {
      target: { type: 'LISTING', id: listing.id },
      grounds: '当事人称车辆当日停运，申请复核称重记录',
      channel: 'POST',
      attachments: ['https://evidence.example/objection/1.pdf'],
      receivedAt: '2026-10-09T09:00:00+08:00',
    });
    expect(recorded).toMatchObject({
      status: 201,
      body: { status: 'PENDING', handler: 'officer-a', listingId: listing.id },
    });

    await call('POST', `/v1/notices/${noticeId}/service`, token.officerA, {
      method: 'POST',
      servedAt: '2026-09-28T10:00:00+08:00',
    });
    expect(await listingOf(plate)).toMatchObject({ status: 'PENDING' });
    await gateSays(plate, 'ALLOW');

    const byHandler = await call('POST', `/v1/objections/${recorded.body.id}/review`, token.officerA, {
      uphold: false,
      reply: '不成立',
    });
    expect(byHandler.status).toBe(403);
    const handlerReviewer = await issue('officer-a', 'OFFICER,LEGAL_REVIEWER');
    expect(
      await call('POST', `/v1/objections/${recorded.body.id}/review`, handlerReviewer, {
        uphold: false,
        reply: '不成立',
      }),
    ).toMatchObject({ status: 403, body: { error: { code: 'TWO_PERSON_RULE' } } });
    expect(await listingOf(plate)).toMatchObject({ status: 'PENDING' });

    const rejected = await call('POST', `/v1/objections/${recorded.body.id}/review`, token.legalB, {
      uphold: false,
      reply: '经核实，称重设备检定有效，数据准确',
    });
    expect(rejected).toMatchObject({ status: 200, body: { status: 'REJECTED', decidedBy: 'legal-b' } });
    expect((await listingOf(plate))!.status).toBe('LISTED');
    await gateSays(plate, 'TURN_BACK');
  });

  it('an upheld objection withdraws the listing and the truck was never turned back', async () => {
    const plate = '浙E90003';
    const { listing, noticeId } = await pendingListing(plate, 'upheld');
    const recorded = await call('POST', '/v1/objections', token.officerA, {
      target: { type: 'LISTING', id: listing.id },
      grounds: '车辆已于九月初过户',
      channel: 'IN_PERSON',
      attachments: [],
      receivedAt: '2026-10-09T09:00:00+08:00',
    });
    await call('POST', `/v1/notices/${noticeId}/service`, token.officerA, {
      method: 'POST',
      servedAt: '2026-09-28T10:00:00+08:00',
    });
    const upheld = await call('POST', `/v1/objections/${recorded.body.id}/review`, token.legalB, {
      uphold: true,
      reply: '异议成立',
    });
    expect(upheld).toMatchObject({ status: 200, body: { status: 'UPHELD' } });
    expect(await listingOf(plate)).toMatchObject({
      status: 'WITHDRAWN',
      end_reason: 'OBJECTION_UPHELD',
      effective_at: null,
    });
    await gateSays(plate, 'ALLOW');
    // Never turned back: no cache entry this vehicle ever had named a listing.
    const entries = await s.query<{ listing: unknown }>(
      `SELECT payload->'cache'->'listing' AS listing FROM outbox WHERE message_key = $1 AND payload ? 'cache'`,
      [`1:${plate}`],
    );
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.listing !== null)).toEqual([]);
  });

  it('a revocation proposal changes nothing; the proposer cannot approve it; approved by another, the truck is free', async () => {
    const plate = '浙E90004';
    const { noticeId } = await pendingListing(plate, 'revoke');
    await call('POST', `/v1/notices/${noticeId}/service`, token.officerA, {
      method: 'IN_PERSON',
      servedAt: '2026-09-21T10:00:00+08:00',
    });
    await gateSays(plate, 'TURN_BACK');
    const [v] = await s.query<{ id: string }>(`SELECT id FROM violations WHERE event_id = 'revoke-1'`);

    const proposed = await call('POST', `/v1/violations/${v!.id}/revocation`, token.officerA, {
      reason: '称重设备检定过期（复核）',
    });
    expect(proposed).toMatchObject({
      status: 200,
      body: { status: 'OPEN', revocation: { status: 'PENDING', proposedBy: 'officer-a' } },
    });
    expect(await listingOf(plate)).toMatchObject({ status: 'LISTED' });
    expect((await decide(plate)).decision).toBe('TURN_BACK');
    const queue = await call('GET', '/v1/revocations?status=PENDING', token.legalB);
    expect(queue.body.items).toEqual([expect.objectContaining({ violationId: v!.id, plate })]);

    const selfApproval = await issue('officer-a', 'OFFICER,LEGAL_REVIEWER');
    expect(
      await call('POST', `/v1/violations/${v!.id}/revocation-review`, selfApproval, { approve: true, opinion: '同意' }),
    ).toMatchObject({ status: 403, body: { error: { code: 'TWO_PERSON_RULE' } } });
    expect(await listingOf(plate)).toMatchObject({ status: 'LISTED' });

    const approved = await call('POST', `/v1/violations/${v!.id}/revocation-review`, token.legalB, {
      approve: true,
      opinion: '同意撤销',
    });
    expect(approved).toMatchObject({
      status: 200,
      body: { status: 'REVOKED', revocation: { status: 'APPROVED', reviewedBy: 'legal-b' } },
    });
    expect(await listingOf(plate)).toMatchObject({ status: 'REVOKED' });
    await gateSays(plate, 'ALLOW');
  });

  it('a repair withdraws the posting at once, with the reason; the public page no longer shows it', async () => {
    const plate = '浙E90005';
    const { listing, noticeId } = await pendingListing(plate, 'posted');
    await call('POST', `/v1/notices/${noticeId}/service`, token.officerA, {
      method: 'IN_PERSON',
      servedAt: '2026-09-21T10:00:00+08:00',
    });
    await call('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officerA, {
      decisionNo: '湖交超决〔2026〕901号',
      legalBasis: '《湖州市高速公路超限超载“违法失信清单”管理办法(暂行)》',
    });
    const published = await call('POST', `/v1/listings/${listing.id}/publication-review`, token.legalB, {
      approve: true,
      opinion: '同意公示',
    });
    expect(published.body).toMatchObject({ status: 'PUBLISHED', posting: { status: 'POSTED' } });
    const postings = async () =>
      (await call('GET', `/v1/public/postings?plate=${encodeURIComponent(plate)}`, null)).body.items;
    expect(await postings()).toEqual([expect.objectContaining({ plate, decisionNo: '湖交超决〔2026〕901号' })]);
    expect((await postings())[0].decision.remedies).toMatch(/行政复议/);

    const held = await s.query<{ id: string }>(`SELECT id FROM violations WHERE listing_id = $1`, [listing.id]);
    for (const [i, v] of held.entries()) {
      const processed = await call('POST', `/v1/violations/${v.id}/processing`, token.officerA, {
        caseNo: `湖交执罚〔2026〕9${i}号`,
        fineYuan: 1500,
        processedAt: '2026-11-02T10:00:00+08:00',
      });
      expect(processed.status).toBe(200);
    }
    // Every violation of the effective listing processed: the case is referred (抄告) to the 车籍地.
    const referral = await s.readTopic(s.topics.caseReferrals, 1);
    expect(JSON.parse(referral[0]!.value!.toString())).toMatchObject({
      listingId: listing.id,
      plate,
      cases: expect.any(Array),
    });

    const repair = await call('POST', '/v1/credit-repairs', token.officerA, {
      listingId: listing.id,
      applicant: { name: '王五', type: 'PERSON', contact: '13900000000' },
      commitment: true,
      rectification: '已卸载超限货物并完成整改',
      attachments: [],
    });
    expect(repair.status).toBe(201);
    const approved = await call('POST', `/v1/credit-repairs/${repair.body.id}/review`, token.repairC, {
      approve: true,
      opinion: '同意修复',
    });
    expect(approved.status).toBe(200);
    const after = await call('GET', `/v1/listings/${listing.id}`, token.officerA);
    expect(after.body).toMatchObject({ status: 'REPAIRED', posting: { status: 'WITHDRAWN', reason: 'REPAIRED' } });
    expect(await postings()).toEqual([]);
    await gateSays(plate, 'ALLOW');
  });

  it('a delivery receipt on credit.notice-receipts.v1 records service; a receipt for no notice is dead-lettered with the reason', async () => {
    const plate = '浙E90006';
    const { noticeId } = await pendingListing(plate, 'receipt');
    const unknown = '00000000-0000-4000-8000-000000000000';
    await s.produceTo(s.topics.noticeReceipts, [
      {
        key: noticeId,
        value: JSON.stringify({
          receiptId: 'sms-1',
          noticeId,
          channel: 'SMS',
          deliveredAt: '2026-09-28T15:30:00+08:00',
        }),
      },
      {
        key: unknown,
        value: JSON.stringify({
          receiptId: 'sms-2',
          noticeId: unknown,
          channel: 'SMS',
          deliveredAt: '2026-09-28T15:30:00+08:00',
        }),
      },
      { key: noticeId, value: '{"receiptId": "sms-3"' },
    ]);
    await s.waitUntilConsumed(30000, s.topics.noticeReceipts);
    const notice = await call('GET', `/v1/notices/${noticeId}`, token.officerA);
    expect(notice.body).toMatchObject({
      status: 'SERVED',
      serviceMethod: 'RECEIPT',
      periodEndsAt: sh('2026-10-11T00:00:00').toISOString(),
    });
    const dead = await s.readTopic(s.topics.noticeReceiptsDlq, 2);
    expect(dead.map((m) => m.headers?.['error-code']?.toString()).sort()).toEqual(['BAD_JSON', 'RECEIPT_NOT_FOUND']);
    await gateSays(plate, 'TURN_BACK');
  });
});
