import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { companyIdNo, RegistryTopics } from '../registry/support/registry-kafka';

const SECRET = 'company-listings-e2e-secret-0123456789abcdef';
const DAY = 86_400_000;

interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, read loosely
  body: any;
}

/**
 * Company listings through the running apps (SPEC §4.9), in the immediate-effect deployment
 * (NOTICE_PERIOD_WORKING_DAYS=0, so that the scheduler's steps happen now): two trucks are listed
 * before their registrations arrive; the registrations make their company (two of ten trucks) a
 * candidate; publication takes two persons and shows on the public page; an upheld objection that
 * revokes one truck's listing takes the company's grounds away and its posting down.
 */
describe('company listings (running apps)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let registry: RegistryTopics;
  const operatorId = companyIdNo(42);
  const token = { officerA: '', officerD: '', legalB: '' };
  const plates = Array.from({ length: 10 }, (_, i) => `浙E7${String(i).padStart(4, '0')}`);

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

  const companyListing = () =>
    call('GET', `/v1/company-listings?operatorId=${operatorId}`, token.officerA).then((r) => r.body.items[0]);

  beforeAll(async () => {
    s = await Scenario.create('company');
    expect((await runCli(['station:add', '330500001'], s.env())).code).toBe(0);
    const immediate = { NOTICE_PERIOD_WORKING_DAYS: '0' };
    await s.startIngest(immediate);
    staff = await s.startApp('staff-api', { ...immediate, STAFF_JWT_SECRET: SECRET });
    registry = new RegistryTopics(s);
    token.officerA = await issue('officer-a', 'OFFICER');
    token.officerD = await issue('officer-d', 'OFFICER');
    token.legalB = await issue('legal-b', 'LEGAL_REVIEWER');
  });
  afterAll(async () => {
    await registry.close();
    await s.close();
  });

  it('listed trucks, then their registrations → a company candidate; two-person publication; revoked with its grounds', async () => {
    const now = Date.now();
    await s.produce(
      plates
        .slice(0, 2)
        .flatMap((plate, v) =>
          [20, 10, 5].map((daysAgo, i) =>
            violationEvent({ eventId: `co-${v}-${i}`, plate, measuredAt: new Date(now - daysAgo * DAY - v * 60_000) }),
          ),
        ),
    );
    await eventually(
      async () => {
        const rows = await s.query(`SELECT 1 FROM listings WHERE status = 'LISTED'`);
        return rows.length === 2 ? rows : undefined;
      },
      { what: 'two trucks listed', timeoutMs: 30000 },
    );
    // Not registered yet: no company is known, nothing to list.
    expect((await call('GET', '/v1/company-listings', token.officerA)).body.total).toBe(0);

    await registry.produce(
      s.topics.registryVehicles,
      plates.map((plate, i) => ({
        key: `1:${plate}`,
        value: JSON.stringify({
          plate,
          plateColor: 1,
          owner: { name: '湖州安通运输有限公司', type: 'COMPANY', idNo: operatorId },
          operatorId,
          registrationRegion: '330502',
          transportCertNo: `浙交运管湖字33050000${i}号`,
        }),
      })),
    );
    const listed = await eventually(
      async () => {
        const l = await companyListing();
        return l?.status === 'LISTED' ? l : undefined;
      },
      { what: 'the company listed by the scheduler', timeoutMs: 30000 },
    );
    expect(listed).toMatchObject({
      vehicleCount: 2,
      fleetSize: 10,
      party: { name: '湖州安通运输有限公司', operatorId },
      notice: { status: 'ISSUED', document: { kind: 'COMPANY', fleetSize: 10 } },
    });
    // The vehicle listing that crossed 10 % (the second truck's third trip) dates it.
    const [crossing] = await s.query<{ effective_at: Date }>(
      `SELECT max(effective_at) AS effective_at FROM listings WHERE status = 'LISTED'`,
    );
    expect(listed.listedAt).toBe(crossing!.effective_at.toISOString());
    const notices = await s.readTopic(s.topics.companyNotices, 1);
    expect(notices[0]!.key!.toString()).toBe(operatorId);

    const id = listed.id;
    const proposal = await call('POST', `/v1/company-listings/${id}/publication-proposal`, token.officerA, {
      decisionNo: '湖交超决〔2026〕企1号',
      legalBasis: '交办公路〔2017〕8号',
    });
    expect(proposal).toMatchObject({ status: 200, body: { proposal: { proposedBy: 'officer-a' } } });
    const self = await call('POST', `/v1/company-listings/${id}/publication-review`, token.officerA, {
      approve: true,
      opinion: '同意',
    });
    expect(self.status).toBe(403);
    const approved = await call('POST', `/v1/company-listings/${id}/publication-review`, token.legalB, {
      approve: true,
      opinion: '同意公示',
    });
    expect(approved).toMatchObject({ status: 200, body: { status: 'PUBLISHED', posting: { status: 'POSTED' } } });
    const posted = await call('GET', '/v1/public/company-postings', null);
    expect(posted.body.items).toEqual([
      expect.objectContaining({ companyName: '湖州安通运输有限公司', operatorId, vehicleCount: 2, fleetSize: 10 }),
    ]);

    // The company's own objection: the handler may not decide it.
    const objected = await call('POST', `/v1/company-listings/${id}/objections`, token.officerD, {
      targetType: 'POSTING',
      grounds: '部分车辆已转让',
      channel: 'IN_PERSON',
      attachments: [],
    });
    expect(objected.status).toBe(201);
    const objectionId = objected.body.objections[0].id;
    const byHandler = await call(
      'POST',
      `/v1/company-listings/${id}/objections/${objectionId}/review`,
      token.officerD,
      {
        uphold: false,
        reply: '不成立',
      },
    );
    expect(byHandler.status).toBe(403);
    const rejected = await call('POST', `/v1/company-listings/${id}/objections/${objectionId}/review`, token.legalB, {
      uphold: false,
      reply: '经核实，转让未登记，异议不成立',
    });
    expect(rejected).toMatchObject({
      status: 200,
      body: { status: 'PUBLISHED', objections: [{ status: 'REJECTED' }] },
    });

    // One truck's listing is revoked on its objection: one truck of ten is not more than 10 %.
    const [truck] = await s.query<{ id: string }>(`SELECT id FROM listings WHERE vehicle_key = $1`, [`1:${plates[1]}`]);
    const objection = await call('POST', '/v1/objections', token.officerA, {
      target: { type: 'LISTING', id: truck!.id },
      grounds: '称重设备故障',
      channel: 'POST',
      attachments: [],
    });
    expect(objection.status).toBe(201);
    expect(
      (await call('POST', `/v1/objections/${objection.body.id}/review`, token.legalB, { uphold: true, reply: '属实' }))
        .status,
    ).toBe(200);
    const revoked = await eventually(
      async () => {
        const l = await companyListing();
        return l?.status === 'REVOKED' ? l : undefined;
      },
      { what: 'the company listing revoked with its grounds', timeoutMs: 30000 },
    );
    expect(revoked).toMatchObject({
      endReason: 'GROUNDS_REMOVED',
      posting: { status: 'WITHDRAWN', reason: 'REVOKED' },
    });
    expect((await call('GET', '/v1/public/company-postings', null)).body.items).toEqual([]);
    const events = await s.readTopic(s.topics.companyListingEvents, 4);
    expect(events.map((e) => JSON.parse(e.value!.toString()).type)).toEqual([
      'LISTED',
      'PUBLISHED',
      'REVOKED',
      'POSTING_WITHDRAWN',
    ]);
  });
});
