import { issueStaffToken } from '@oc/credit';
import { AuditLogRepository, createDataSource, DatabaseConnection } from '@oc/persistence';
import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually, testAuditKeys } from '../harness/services';
import { publicationDueBy } from './support/stats-model';

const DAY = 86_400_000;
const t0 = new Date(Date.now() - 100 * DAY);
const at = (days: number): Date => new Date(t0.getTime() + days * DAY);
const SECRET = 'staff-workflow-e2e-secret-0123456789abcdef';
/** 公民身份号码 of the story truck's registered owner (a valid check character; never public). */
const OWNER_ID_NO = '330521199003071231';

interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

describe('staff-api workflow: publication, case processing, credit repair, revocation (running apps)', () => {
  let s: Scenario;
  let gate: RunningApp;
  let staff: RunningApp;
  let stationKey: string;
  const storyPlate = '浙E50001';
  const revokedPlate = '浙E50002';
  const personPlate = '浙E50003';
  const token: Record<'officerA' | 'legalB' | 'repairC' | 'allRolesA', string> = {
    officerA: '',
    legalB: '',
    repairC: '',
    allRolesA: '',
  };

  const issue = async (sub: string, roles: string, extra: string[] = []): Promise<string> => {
    const r = await runCli(
      ['token:issue', '--sub', sub, '--roles', roles, ...extra],
      s.env({ STAFF_JWT_SECRET: SECRET }),
    );
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
      source: string;
      listing: { id: string; status: string } | null;
    };
  };

  /**
   * Polls (generous deadline) until the vehicle's Redis entry carries the vehicle's current state
   * version from Postgres with the given status, and the gate answers from that entry (source cache).
   * How fast that happens is the benchmark's figure (bench/), not a test's on this shared machine.
   */
  const cacheShows = async (plate: string, status: 'LISTED' | 'PUBLISHED' | 'NONE') =>
    eventually(
      async () => {
        const [state] = await s.query<{ version: string; active_listing_id: string | null }>(
          `SELECT version::text, active_listing_id::text FROM vehicle_states WHERE vehicle_key = $1`,
          [`1:${plate}`],
        );
        const entry = await s.redis.hgetall(`${s.redisKeyPrefix}vehicle:1:${plate}`);
        if (entry.v !== state!.version || entry.s !== status) return undefined;
        if (status !== 'NONE' && entry.id !== state!.active_listing_id) return undefined;
        const answer = await decide(plate);
        return answer.source === 'cache' ? { entry, answer } : undefined;
      },
      { what: `the cache and the gate to show ${plate} ${status}`, timeoutMs: 15000 },
    );

  const listingOf = async (plate: string) => {
    const [row] = await s.query<{ id: string; status: string; end_reason: string | null; ended_at: Date | null }>(
      `SELECT id, status, end_reason, ended_at FROM listings WHERE vehicle_key = $1 ORDER BY listed_at DESC LIMIT 1`,
      [`1:${plate}`],
    );
    return row!;
  };

  const violationsOf = async (plate: string) =>
    s.query<{ id: string; event_id: string; status: string }>(
      `SELECT id, event_id, status FROM violations WHERE vehicle_key = $1 ORDER BY measured_at`,
      [`1:${plate}`],
    );

  beforeAll(async () => {
    s = await Scenario.create('workflow');
    // The story's truck is registered to a natural person (运政登记, SPEC §4.9) before it is weighed;
    // the revoked one is not registered at all.
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, owner_phone,
         transport_cert_no, registration_region)
       VALUES ($1, $2, 1, '张三', 'PERSON', $3, '13700000000', '浙交运管湖字330521000456号', '330521')`,
      [`1:${storyPlate}`, storyPlate, OWNER_ID_NO],
    );
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no, registration_region)
       VALUES ($1, $2, 1, '欧阳娜娜', 'PERSON', '330522198505124569', '330522')`,
      [`1:${personPlate}`, personPlate],
    );
    const issued = await runCli(['station:add', '330500001'], s.env());
    expect(issued.code).toBe(0);
    stationKey = issued.stdout.trim();
    await s.startIngest();
    gate = await s.startApp('gate-api');
    staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET });
    token.officerA = await issue('officer-a', 'OFFICER');
    token.legalB = await issue('legal-b', 'LEGAL_REVIEWER');
    token.repairC = await issue('repair-c', 'REPAIR_REVIEWER');
    token.allRolesA = await issue('officer-a', 'OFFICER,LEGAL_REVIEWER,REPAIR_REVIEWER');
    await s.produce(
      [storyPlate, revokedPlate, personPlate].flatMap((plate, p) =>
        [0, 2, 4].map((d, i) => violationEvent({ eventId: `wf-${p}-${i}`, plate, measuredAt: at(d) })),
      ),
    );
    for (const plate of [storyPlate, revokedPlate, personPlate]) {
      await eventually(async () => (await decide(plate)).decision === 'TURN_BACK', {
        what: `${plate} listed at the gate`,
        timeoutMs: 30000,
      });
    }
  });
  afterAll(() => s.close());

  it('answers 401 without a token or with an expired one, 403 for a role the endpoint does not allow', async () => {
    const listing = await listingOf(storyPlate);
    const review = `/v1/listings/${listing.id}/publication-review`;
    const decision = { approve: true, opinion: '同意' };

    const missing = await call('POST', review, null, decision);
    expect(missing).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });

    const now = Math.floor(Date.now() / 1000);
    const handMade = issueStaffToken(SECRET, { sub: 'legal-b', roles: ['LEGAL_REVIEWER'] }, 60, now - 3600);
    expect(await call('POST', review, handMade, decision)).toMatchObject({ status: 401 });

    // Expired 31 s ago: beyond the 30 s clock leeway (SPEC §4.8).
    const justExpired = issueStaffToken(SECRET, { sub: 'legal-b', roles: ['LEGAL_REVIEWER'] }, 60, now - 91);
    expect(await call('POST', review, justExpired, decision)).toMatchObject({ status: 401 });

    const wrongRole = await call('POST', review, token.officerA, decision);
    expect(wrongRole).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(
      await call('POST', '/v1/credit-repairs/00000000-0000-4000-8000-000000000000/review', token.legalB, decision),
    ).toMatchObject({ status: 403 });
    // Nothing above reached the listing.
    expect((await listingOf(storyPlate)).status).toBe('LISTED');
  });

  it('validates ids and bodies with field-level details', async () => {
    const listing = await listingOf(storyPlate);
    const badId = await call('POST', '/v1/listings/not-a-uuid/publication-proposal', token.officerA, {
      decisionNo: 'x',
      legalBasis: 'y',
    });
    expect(badId).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'id' }] } },
    });
    const unknown = await call(
      'POST',
      '/v1/listings/00000000-0000-4000-8000-000000000000/publication-proposal',
      token.officerA,
      { decisionNo: '湖交超决〔2026〕1号', legalBasis: '《公路超限检测站管理办法》' },
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const noBasis = await call('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officerA, {
      decisionNo: '湖交超决〔2026〕1号',
    });
    expect(noBasis.status).toBe(400);
    expect(noBasis.body.error.details.map((d: { field: string }) => d.field)).toEqual(['legalBasis']);
    const noCommitment = await call('POST', '/v1/credit-repairs', token.officerA, {
      listingId: listing.id,
      applicant: { name: '张三', type: 'PERSON', contact: '13800000000' },
      commitment: false,
      rectification: '已卸载超限货物',
      attachments: ['https://files.example/commitment.pdf'],
    });
    expect(noCommitment.status).toBe(400);
    expect(noCommitment.body.error.details.map((d: { field: string }) => d.field)).toEqual(['commitment']);
    const badApplicant = await call('POST', '/v1/credit-repairs', token.officerA, {
      listingId: listing.id,
      applicant: { name: '张三', type: 'ROBOT', contact: '13800000000' },
      commitment: true,
      rectification: '已卸载超限货物',
      attachments: ['not a url'],
    });
    expect(badApplicant.status).toBe(400);
    expect(badApplicant.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'applicant.type',
      'attachments',
    ]);
    const badFine = await call(
      'POST',
      `/v1/violations/${(await violationsOf(storyPlate))[0]!.id}/processing`,
      token.officerA,
      {
        caseNo: '湖交罚〔2026〕1号',
        fineYuan: -1,
        processedAt: new Date().toISOString(),
      },
    );
    expect(badFine.body.error.details.map((d: { field: string }) => d.field)).toEqual(['fineYuan']);
  });

  it('runs the whole story: LISTED → proposal → legal review → PUBLISHED → cases processed → repair → REPAIRED, then ALLOW from the cache', async () => {
    const listing = await listingOf(storyPlate);
    const violations = await violationsOf(storyPlate);
    expect(violations).toHaveLength(3);
    const propose = (decisionNo: string) =>
      call('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officerA, {
        decisionNo,
        legalBasis: '《浙江省公路路政管理条例》；交通运输部令2016年第62号',
      });
    const review = (bearer: string, approve: boolean, opinion: string) =>
      call('POST', `/v1/listings/${listing.id}/publication-review`, bearer, { approve, opinion });

    // The party is the registry's, as of the listing: a proposal cannot name another one.
    const typedParty = await call('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officerA, {
      decisionNo: '湖交超决〔2026〕6号',
      legalBasis: '交通运输部令2016年第62号',
      party: { name: '李四', type: 'PERSON' },
    });
    expect(typedParty).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(typedParty.body.error.details.map((d: { field: string }) => d.field)).toEqual(['party']);

    // Publication: proposal by A, rejected by B, proposed again, A may not approve it, B approves.
    const first = await propose('湖交超决〔2026〕7号');
    expect(first).toMatchObject({
      status: 200,
      body: {
        id: listing.id,
        plate: storyPlate,
        plateColor: 1,
        status: 'LISTED',
        violationCount: 3,
        listedAt: at(4).toISOString(),
        overdue: true,
        proposal: { decisionNo: '湖交超决〔2026〕7号', proposedBy: 'officer-a' },
        party: {
          ownerName: '张三',
          ownerType: 'PERSON',
          // SPEC §4.8: an officer reads a person's id number masked (docs/rules.md "Personal data").
          ownerIdNo: '330521********1231',
          operatorId: null,
          transportCertNo: '浙交运管湖字330521000456号',
          registrationRegion: '330521',
        },
      },
    });
    // Due by the end of the 7th working day after the listing's Shanghai day (§4.4).
    expect(first.body.publicationDueBy).toBe(new Date(publicationDueBy(at(4).getTime(), 7)).toISOString());
    expect(await propose('again')).toMatchObject({ status: 409, body: { error: { code: 'STATE_CONFLICT' } } });
    // The legal reviewer's queue: proposed listings only.
    const awaiting = async (proposed: boolean) =>
      (await call('GET', `/v1/listings?status=LISTED&proposed=${proposed}`, token.legalB, undefined)).body.items.map(
        (l: { id: string }) => l.id,
      );
    expect(await awaiting(true)).toEqual([listing.id]);
    expect(await awaiting(false)).not.toContain(listing.id);
    const rejected = await review(token.legalB, false, '文号格式有误，请更正');
    expect(rejected).toMatchObject({ status: 200, body: { status: 'LISTED' } });
    expect(rejected.body.proposal).toBeUndefined();
    expect(await review(token.legalB, true, '无待审核的公示')).toMatchObject({ status: 409 });
    expect((await propose('湖交超决〔2026〕8号')).status).toBe(200);
    expect(await review(token.allRolesA, true, '自审')).toMatchObject({
      status: 403,
      body: { error: { code: 'TWO_PERSON_RULE' } },
    });
    const reviewSent = Date.now();
    const published = await review(token.legalB, true, '事实清楚，依据充分，同意公示');
    const reviewAnswered = Date.now();
    expect(published).toMatchObject({
      status: 200,
      body: { status: 'PUBLISHED', overdue: false, proposal: { decisionNo: '湖交超决〔2026〕8号' } },
    });
    // Published at the approval (the machines share one clock).
    expect(Date.parse(published.body.publishedAt)).toBeGreaterThanOrEqual(reviewSent);
    expect(Date.parse(published.body.publishedAt)).toBeLessThanOrEqual(reviewAnswered);
    const [publication] = await s.query<{ days: number }>(
      `SELECT extract(day FROM publication_ends_at - published_at)::int AS days FROM listings WHERE id = $1`,
      [listing.id],
    );
    expect(publication!.days).toBe(730);
    expect(await s.query(`SELECT state FROM vehicle_states WHERE vehicle_key = $1`, [`1:${storyPlate}`])).toEqual([
      { state: 'PUBLISHED' },
    ]);
    // Still turned back; the cache and the gate now show the publication.
    const publishedAtGate = await cacheShows(storyPlate, 'PUBLISHED');
    expect(publishedAtGate.answer).toMatchObject({
      decision: 'TURN_BACK',
      listing: { id: listing.id, status: 'PUBLISHED' },
    });
    // 失信公示: the public sees the posting with the registered owner, a natural person's name masked;
    // no id number, phone or certificate, no staff or internal ids.
    const postings = async () => {
      const res = await fetch(`${staff.url}/v1/public/postings?plate=${encodeURIComponent(storyPlate)}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: Record<string, unknown>[] }).items;
    };
    const posted = await postings();
    expect(posted).toEqual([
      expect.objectContaining({
        plate: storyPlate,
        party: { name: '张*', type: 'PERSON', registrationRegion: '330521' },
        decisionNo: '湖交超决〔2026〕8号',
        violationCount: 3,
      }),
    ]);
    const hidden = /officer-a|legal-b|张三|13700000000|浙交运管|"id"/;
    expect(JSON.stringify(posted)).not.toMatch(hidden);
    expect(JSON.stringify(posted)).not.toContain(OWNER_ID_NO);

    // Credit repair is refused while cases are open, naming each open violation.
    const repairRequest = {
      listingId: listing.id,
      applicant: { name: '湖州某某物流有限公司', type: 'COMPANY', contact: '0572-0000000' },
      commitment: true,
      rectification: '已卸载超限货物，车辆恢复出厂状态，驾驶员完成培训',
      attachments: ['https://files.example/commitment.pdf', 'https://files.example/rectification.jpg'],
    };
    const eligibility = async () =>
      (await call('GET', `/v1/listings/${listing.id}/repair-eligibility`, token.officerA)).body;
    const before = await eligibility();
    expect(before).toMatchObject({ listingId: listing.id, eligible: false });
    expect(before.unmet.map((u: { code: string; violationId?: string }) => [u.code, u.violationId]).sort()).toEqual(
      violations.map((v) => ['VIOLATIONS_NOT_PROCESSED', v.id]).sort(),
    );
    const refused = await call('POST', '/v1/credit-repairs', token.officerA, repairRequest);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'REPAIR_REFUSED' } } });
    const reasons = (refused.body.error.details as { field: string; message: string }[])
      .map((d) => d.message)
      .join('\n');
    for (const v of violations) expect(reasons).toContain(v.id);

    // Case processing (已处理), one violation at a time.
    for (const [i, v] of violations.entries()) {
      const processedAt = new Date(Date.now() - 3600_000).toISOString();
      const processed = await call('POST', `/v1/violations/${v.id}/processing`, token.officerA, {
        caseNo: `湖交罚〔2026〕${100 + i}号`,
        fineYuan: 2000,
        processedAt,
      });
      expect(processed).toMatchObject({
        status: 200,
        body: {
          id: v.id,
          eventId: v.event_id,
          status: 'PROCESSED',
          caseNo: `湖交罚〔2026〕${100 + i}号`,
          fineYuan: 2000,
          processedAt,
        },
      });
    }
    expect(
      await call('POST', `/v1/violations/${violations[0]!.id}/processing`, token.officerA, {
        caseNo: 'twice',
        fineYuan: 1,
        processedAt: new Date().toISOString(),
      }),
    ).toMatchObject({ status: 409 });

    expect(await eligibility()).toEqual({ listingId: listing.id, eligible: true, unmet: [] });

    // Repair submitted by A, not approvable by A, approved by C.
    const submitted = await call('POST', '/v1/credit-repairs', token.officerA, repairRequest);
    expect(submitted).toMatchObject({
      status: 201,
      body: {
        listingId: listing.id,
        status: 'PENDING',
        submittedBy: 'officer-a',
        commitment: true,
        // SPEC §4.8: the officer reads the applicant's contact masked (docs/rules.md "Personal data").
        applicant: { ...repairRequest.applicant, contact: '057*-***0000' },
      },
    });
    const repairId = submitted.body.id as string;
    // The applicant (a company acting for the owner) is not the party of the decision: the posting
    // still names the registered owner, masked, and nothing the applicant gave.
    const whileRepairing = await postings();
    expect(whileRepairing).toEqual([
      expect.objectContaining({ party: { name: '张*', type: 'PERSON', registrationRegion: '330521' } }),
    ]);
    expect(JSON.stringify(whileRepairing)).not.toMatch(/湖州某某物流有限公司|0572-0000000/);
    expect(await call('GET', `/v1/credit-repairs/${repairId}`, token.repairC)).toEqual({
      status: 200,
      body: submitted.body,
    });
    expect((await eligibility()).unmet).toEqual([
      { code: 'REPAIR_PENDING', message: expect.stringContaining(repairId) },
    ]);
    const duplicate = await call('POST', '/v1/credit-repairs', token.officerA, repairRequest);
    expect(duplicate).toMatchObject({ status: 409, body: { error: { details: [{ field: 'REPAIR_PENDING' }] } } });
    expect(
      await call('POST', `/v1/credit-repairs/${repairId}/review`, token.allRolesA, { approve: true, opinion: '自审' }),
    ).toMatchObject({ status: 403, body: { error: { code: 'TWO_PERSON_RULE' } } });
    const approved = await call('POST', `/v1/credit-repairs/${repairId}/review`, token.repairC, {
      approve: true,
      opinion: '整改到位，同意修复',
    });
    expect(approved).toMatchObject({ status: 200, body: { id: repairId, status: 'APPROVED', reviewedBy: 'repair-c' } });
    expect((await call('GET', `/v1/credit-repairs/${repairId}`, token.officerA)).body).toEqual(approved.body);
    expect((await eligibility()).unmet.map((u: { code: string }) => u.code)).toEqual(['LISTING_NOT_ACTIVE']);
    const unknownRepair = '/v1/credit-repairs/00000000-0000-4000-8000-000000000000';
    expect(await call('GET', unknownRepair, token.officerA)).toMatchObject({ status: 404 });
    expect(
      await call('GET', '/v1/listings/00000000-0000-4000-8000-000000000000/repair-eligibility', token.officerA),
    ).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const allowed = (await cacheShows(storyPlate, 'NONE')).answer;
    expect(allowed).toMatchObject({ decision: 'ALLOW', listing: null });
    expect(await postings()).toEqual([]); // the posting is removed with the repair
    expect(await listingOf(storyPlate)).toMatchObject({ id: listing.id, status: 'REPAIRED', end_reason: 'REPAIRED' });
    expect(
      await call('POST', `/v1/credit-repairs/${repairId}/review`, token.repairC, { approve: false, opinion: '再审' }),
    ).toMatchObject({ status: 409 });

    // 执法全过程记录: every step, in order, by whom, and the chain verifies.
    const entries = await s.query<{ action: string; actor: string; entity_id: string; reason: string | null }>(
      `SELECT action, actor, entity_id, reason FROM audit_log WHERE entity_id = ANY($1::text[]) ORDER BY seq`,
      [[listing.id, repairId, ...violations.map((v) => v.id)]],
    );
    const actions = entries.map((e) => e.action);
    const staffStart = actions.indexOf('LISTING_PROPOSED');
    expect(actions.slice(0, staffStart).sort()).toEqual([
      'LISTING_CREATED',
      'VIOLATION_RECORDED',
      'VIOLATION_RECORDED',
      'VIOLATION_RECORDED',
    ]);
    expect(entries.slice(staffStart).map((e) => [e.action, e.actor])).toEqual([
      ['LISTING_PROPOSED', 'officer-a'],
      ['LISTING_PUBLICATION_REJECTED', 'legal-b'],
      ['LISTING_PROPOSED', 'officer-a'],
      ['LISTING_PUBLISHED', 'legal-b'],
      ['VIOLATION_PROCESSED', 'officer-a'],
      ['VIOLATION_PROCESSED', 'officer-a'],
      ['VIOLATION_PROCESSED', 'officer-a'],
      // Every violation of the listing processed: referred to the 车籍地 (抄告, SPEC §4.10).
      ['CASE_REFERRED', 'officer-a'],
      ['REPAIR_REQUESTED', 'officer-a'],
      ['REPAIR_APPROVED', 'repair-c'],
      ['LISTING_REPAIRED', 'repair-c'],
      ['POSTING_WITHDRAWN', 'repair-c'],
    ]);
    expect(entries.find((e) => e.action === 'LISTING_PUBLICATION_REJECTED')!.reason).toBe('文号格式有误，请更正');
    const db = new DatabaseConnection(
      createDataSource({ databaseUrl: s.databaseUrl, applicationName: 'test', poolSize: 1 }),
    );
    try {
      const [{ n }] = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
      // Pages of 7 entries: the walk must carry the chain across page boundaries.
      expect(await new AuditLogRepository(db, testAuditKeys()).verify([], undefined, 7)).toMatchObject({
        ok: true,
        entries: n,
        unsealedEntries: 0,
      });
    } finally {
      await db.onApplicationShutdown();
    }
  });

  it('revokes one of three violations: the listing is REVOKED and the gate answers ALLOW from the cache', async () => {
    const listing = await listingOf(revokedPlate);
    // Never registered: the listing names no party (未登记).
    expect((await call('GET', `/v1/listings/${listing.id}`, token.officerA)).body.party).toBeNull();
    const [, middle] = await violationsOf(revokedPlate);
    // §4.4: a two-person act — the officer proposes (nothing changes), a legal reviewer approves.
    const proposed = await call('POST', `/v1/violations/${middle!.id}/revocation`, token.officerA, {
      reason: '称重设备故障 (device fault)',
    });
    expect(proposed).toMatchObject({
      status: 200,
      body: { id: middle!.id, status: 'OPEN', revocation: { status: 'PENDING' } },
    });
    const revoked = await call('POST', `/v1/violations/${middle!.id}/revocation-review`, token.legalB, {
      approve: true,
      opinion: '同意撤销',
    });
    expect(revoked).toMatchObject({
      status: 200,
      body: { id: middle!.id, status: 'REVOKED', revokedReason: '称重设备故障 (device fault)' },
    });
    expect((await cacheShows(revokedPlate, 'NONE')).answer).toMatchObject({ decision: 'ALLOW', listing: null });
    expect(await listingOf(revokedPlate)).toMatchObject({
      id: listing.id,
      status: 'REVOKED',
      end_reason: 'RECOUNT_BELOW_THRESHOLD',
    });
    expect(
      await call('POST', `/v1/violations/${middle!.id}/revocation`, token.officerA, { reason: 'twice' }),
    ).toMatchObject({ status: 409, body: { error: { code: 'STATE_CONFLICT' } } });
    expect(
      await call('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officerA, {
        decisionNo: 'x',
        legalBasis: 'y',
      }),
    ).toMatchObject({ status: 409 });
    const refused = await call('POST', '/v1/credit-repairs', token.officerA, {
      listingId: listing.id,
      applicant: { name: '李四', type: 'PERSON', contact: '13900000000' },
      commitment: true,
      rectification: '—',
      attachments: [],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toContain('LISTING_NOT_ACTIVE');
  });

  it("shows the masked owner from the registry on the public posting of a registered person's vehicle", async () => {
    // Registered to 欧阳娜娜 before its three violations came in through ingest; published by the workflow.
    const listing = await listingOf(personPlate);
    const proposed = await call('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officerA, {
      decisionNo: '湖交超决〔2026〕21号',
      legalBasis: '交通运输部令2016年第62号 第四十三条',
    });
    expect(proposed).toMatchObject({
      status: 200,
      body: { party: { ownerName: '欧阳娜娜', ownerType: 'PERSON', ownerIdNo: '330522********4569' } },
    });
    const approved = await call('POST', `/v1/listings/${listing.id}/publication-review`, token.legalB, {
      approve: true,
      opinion: '同意公示',
    });
    expect(approved).toMatchObject({ status: 200, body: { status: 'PUBLISHED' } });

    const res = await fetch(`${staff.url}/v1/public/postings?plate=${encodeURIComponent(personPlate)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Record<string, unknown>[]; total: number };
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({
      plate: personPlate,
      decisionNo: '湖交超决〔2026〕21号',
      party: { name: '欧***', type: 'PERSON', registrationRegion: '330522' },
    });
    expect(JSON.stringify(body)).not.toMatch(/欧阳娜娜|330522198505124569/);
  });

  it('publishes LISTED then PUBLISHED and REPAIRED (story) or REVOKED (revoked vehicle) on credit.listing-events.v1', async () => {
    // Story: LISTED, PUBLISHED, REPAIRED (its posting withdrawn with it); revoked vehicle: LISTED, REVOKED;
    // the person's: LISTED, PUBLISHED.
    const messages = await s.readTopic(s.topics.listingEvents, 8);
    const story = messages
      .filter((m) => m.key?.toString() === `1:${storyPlate}`)
      .map((m) => JSON.parse(m.value!.toString()) as { type: string; eventId: string });
    expect(story.map((e) => e.type)).toEqual(['LISTED', 'PUBLISHED', 'REPAIRED', 'POSTING_WITHDRAWN']);
    const revoked = messages
      .filter((m) => m.key?.toString() === `1:${revokedPlate}`)
      .map((m) => (JSON.parse(m.value!.toString()) as { type: string }).type);
    expect(revoked).toEqual(['LISTED', 'REVOKED']);
    const person = messages
      .filter((m) => m.key?.toString() === `1:${personPlate}`)
      .map((m) => (JSON.parse(m.value!.toString()) as { type: string }).type);
    expect(person).toEqual(['LISTED', 'PUBLISHED']);
    expect(messages).toHaveLength(8);
  });
});
