import type { Page } from 'playwright-core';
import { startOfShanghaiDay } from '@oc/domain';
import { violationEvent } from '@oc/simulation';
import type { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { launchChromium, OFFICE_PC, PHONE, screenshot } from './support/chromium';
import { confirmDialog, ConsoleSession, issueStaffToken, staffApi } from './support/console-session';
import { startEvidenceServer } from './support/evidence-server';

const DAY = 86_400_000;
const SECRET = 'console-browser-test-secret-0123456789abcdef';
/** The stories start 20 days ago: listed 16 days ago (overdue for publication), inside the dashboard's 30 days. */
const t0 = new Date(Date.now() - 20 * DAY);
const at = (days: number): Date => new Date(t0.getTime() + days * DAY);
/** How the pages must show an instant: Asia/Shanghai wall clock, whatever the browser's zone. */
const shanghai = (d: Date | string): string =>
  new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

const PUBLISH = '浙E70001';
const REPAIR = '浙E70002';
const REVIEWING = '浙E70003';
const REVOKE = '浙E70004';
/** PUBLISH is registered to a natural person (运政登记); the others are not registered. */
const OWNER_ID_NO = '330521199001011235';
/** What an officer's console shows of it (SPEC §4.8, docs/rules.md "Personal data"). */
const OWNER_ID_NO_MASKED = '330521********1235';
/** REVIEWING's second weighing carries a permit number the registry never issued. */
const FORGED_PERMIT = '浙交超证0000404';

/**
 * The staff console and the public postings page in a real Chromium, against the built staff-api,
 * ingest and gate-api on real Postgres, Redis and Kafka; the data comes in as weighing events.
 */
describe('staff console and public postings (Chromium, running apps)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let gate: RunningApp;
  let session: ConsoleSession;
  let evidence: Awaited<ReturnType<typeof startEvidenceServer>>;
  const token = { officerA: '', officerD: '', legalB: '', repairC: '', admin: '' };

  const issue = (sub: string, roles: string, name?: string) => issueStaffToken(s, SECRET, sub, roles, name);

  const api = (method: 'GET' | 'POST', path: string, bearer: string | null, body?: unknown) =>
    staffApi(staff.url, method, path, bearer, body);

  const listingOf = async (plate: string): Promise<{ id: string; status: string }> =>
    (await api('GET', `/v1/listings?plate=${encodeURIComponent(plate)}`, token.officerA)).body.items[0];

  const newPage = (options: typeof OFFICE_PC | typeof PHONE = OFFICE_PC): Promise<Page> => session.newPage(options);
  const signIn = (bearer: string): Promise<Page> => session.signIn(bearer);

  const openListing = async (page: Page, plate: string): Promise<void> => {
    const listing = await listingOf(plate);
    await page.goto(`${staff.url}/console/#/listings/${listing.id}`);
    await page.getByRole('heading', { name: new RegExp(`失信清单.*${plate}`) }).waitFor();
  };

  beforeAll(async () => {
    s = await Scenario.create('console');
    evidence = await startEvidenceServer();
    const station = await runCli(['station:add', '330500001', '--name', '湖州东'], s.env());
    expect(station.code).toBe(0);
    const stationKey = station.stdout.trim();
    await s.startIngest();
    gate = await s.startApp('gate-api');
    // Evidence images come through staff-api, from the registered image hosts only (docs/security.md).
    staff = await s.startApp('staff-api', { STAFF_JWT_SECRET: SECRET, EVIDENCE_HOSTS: new URL(evidence.url).host });
    [token.officerA, token.officerD, token.legalB, token.repairC, token.admin] = await Promise.all([
      issue('officer-a', 'OFFICER', '王执法'),
      issue('officer-d', 'OFFICER'),
      issue('legal-b', 'LEGAL_REVIEWER', '李法制'),
      issue('repair-c', 'REPAIR_REVIEWER'),
      issue('admin-z', 'ADMIN', '赵管理'),
    ]);
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no,
         operator_id, transport_cert_no, registration_region)
       VALUES ($1, $2, 1, '张三', 'PERSON', $3, '91330521MA2B3C4D5Q', '浙交运管湖字330521000111号', '330521')`,
      [`1:${PUBLISH}`, PUBLISH, OWNER_ID_NO],
    );
    const stations = ['330500001', '330521001', '330522001'];
    await s.produce(
      [PUBLISH, REPAIR, REVIEWING, REVOKE].flatMap((plate, p) =>
        [0, 2, 4].map((d, i) =>
          violationEvent({
            eventId: `ui-${p}-${i}`,
            plate,
            axles: 6,
            overKg: 3000 + 1000 * i,
            measuredAt: at(d + p * 0.1),
            stationId: stations[i]!,
            evidence: {
              // The first weighing's photo is served; the second points at a server that is gone.
              imageUrls: [
                i === 2 ? 'http://127.0.0.1:9/evidence/gone.png' : `${evidence.url}/evidence/ui-${p}-${i}.png`,
              ],
              deviceCertNo: `JJG-${stations[i]}`,
            },
            ...(plate === REVIEWING && i === 1 ? { permitNo: FORGED_PERMIT } : {}),
          }),
        ),
      ),
    );
    await eventually(async () => (await api('GET', '/v1/listings?status=LISTED', token.officerA)).body.total === 4, {
      what: 'four listings',
      timeoutMs: 30000,
    });
    // A listed truck at an entry lane: a turn-back record (劝返) for the dashboard.
    const decision = await fetch(
      `${gate.url}/v1/gate/decision?plate=${encodeURIComponent(PUBLISH)}&plateColor=1&cargo=LADEN`,
      { headers: { authorization: `Bearer ${stationKey}` } },
    );
    expect(((await decision.json()) as { decision: string }).decision).toBe('TURN_BACK');
    await eventually(async () => (await s.query(`SELECT 1 FROM turn_backs`)).length === 1, {
      what: 'the turn-back record stored by ingest',
      timeoutMs: 20000,
    });
    session = new ConsoleSession(await launchChromium(), staff.url);
  });

  afterAll(async () => {
    await session?.close();
    await evidence?.close();
    await s?.close();
  });

  afterEach(() => {
    // No page threw an uncaught error during the test.
    expect(session?.pageErrors.splice(0) ?? []).toEqual([]);
  });

  it('signs staff in with a token, shows the role, refuses a bad token and forgets the token on sign-out', async () => {
    const page = await newPage();
    const scripts: { url: string; encoding?: string }[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) scripts.push({ url: r.url(), encoding: r.headers()['content-encoding'] });
    });
    await page.goto(`${staff.url}/`); // the root leads to the console
    await page.locator('textarea[name=token]').waitFor();
    expect(page.url()).toBe(`${staff.url}/console/`);
    // The scripts come precompressed, and ECharts is not among them before the dashboard.
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((r) => r.encoding === 'br' && r.url.includes('/assets/'))).toBe(true);
    expect(scripts.some((r) => r.url.includes('dashboard'))).toBe(false);
    // Only the built files are routed: anything else is the API's own 404.
    const missing = await fetch(`${staff.url}/console/missing.js`);
    expect({ status: missing.status, body: await missing.json() }).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    await screenshot(page, '01-sign-in');

    await page.locator('textarea[name=token]').fill('not-a-token');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').filter({ hasText: '令牌无效或已过期' }).waitFor();

    await page.locator('textarea[name=token]').fill(`Bearer ${token.officerA}`);
    await page.getByRole('button', { name: '登录' }).click();
    const who = page.getByTestId('who');
    await who.waitFor();
    expect(await who.innerText()).toMatch(/王执法[\s\S]*执法人员/);
    // A reload keeps the session of this tab; signing out forgets it.
    await page.reload();
    await who.waitFor();
    await who.getByRole('button', { name: '退出' }).click();
    await page.locator('textarea[name=token]').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('officer proposes, legal reviewer approves, the posting appears on the public page (on a phone)', async () => {
    // 审核工作台: oldest first, overdue marked, times on the Shanghai clock.
    const officer = await signIn(token.officerA);
    const queue = officer.getByTestId('review-queue');
    await queue.locator(`tr[data-plate="${PUBLISH}"]`).waitFor();
    expect(
      await queue.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-plate'))),
    ).toEqual([PUBLISH, REPAIR, REVIEWING, REVOKE]);
    const row = queue.locator(`tr[data-plate="${PUBLISH}"]`);
    expect(await row.innerText()).toContain(shanghai(at(4)));
    await row.getByTestId('overdue').waitFor();
    await screenshot(officer, '02-review-queue');

    // The listing: its violations with their figures and evidence.
    await row.getByRole('link', { name: '审核' }).click();
    await officer.getByRole('heading', { name: new RegExp(`失信清单.*${PUBLISH}`) }).waitFor();
    const violations = officer.getByTestId('violations');
    expect(await violations.locator('tbody tr').count()).toBe(3);
    const first = violations.locator('tr[data-violation="ui-0-0"]');
    const cells = await first.locator('td').allInnerTexts();
    // Station (with its region), time, axles, weight, limit, kg over, suggested fine, status.
    expect(cells.slice(0, 8)).toEqual([
      '330500001\n湖州市本级',
      shanghai(at(0)),
      '6',
      '52,000',
      '49,000',
      '3,000',
      '1,500',
      '待处理',
    ]);
    await officer.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('tr[data-violation="ui-0-0"] img');
      // Through staff-api: the page holds the image it fetched with the token, not the station's URL.
      return img !== null && img.src.startsWith('blob:') && img.complete && img.naturalWidth === 160;
    });
    expect(evidence.requests).toContain('/evidence/ui-0-0.png');
    await violations.locator('tr[data-violation="ui-0-2"]').getByText('图片 1 无法加载').waitFor();

    // Proposal (提请公示), confirmed.
    const proposal = officer.getByRole('form', { name: '提请公示' });
    await proposal.locator('input[name=decisionNo]').fill('湖交超决〔2026〕8号');
    await proposal
      .locator('textarea[name=legalBasis]')
      .fill('《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）第四十三条');
    // The party is the registry's as of the listing, shown in full to staff, not typed in.
    expect(await officer.getByTestId('party').innerText()).toMatch(
      new RegExp(
        `张三（自然人）[\\s\\S]*${OWNER_ID_NO_MASKED.replaceAll('*', '\\*')}[\\s\\S]*浙交运管湖字330521000111号[\\s\\S]*车籍地 330521`,
      ),
    );
    expect(await proposal.innerText()).toContain(`当事人：张三（自然人，${OWNER_ID_NO_MASKED}）`);
    await screenshot(officer, '03-listing-proposal');
    await proposal.getByRole('button', { name: '提请公示' }).click();
    expect(await confirmDialog(officer)).toContain('湖交超决〔2026〕8号');
    await officer.getByText('已提请公示，等待法制审核').waitFor();
    // The proposer sees no review form of his own proposal.
    expect(await officer.getByRole('form', { name: '法制审核' }).count()).toBe(0);

    // The legal reviewer's queue starts at the listings awaiting review.
    const legal = await signIn(token.legalB);
    await legal.getByRole('tab', { name: '待法制审核', selected: true }).waitFor();
    await legal.getByTestId('review-queue').locator(`tr[data-plate="${PUBLISH}"]`).getByRole('link').click();
    const review = legal.getByRole('form', { name: '法制审核' });
    await review.waitFor();
    expect(await legal.getByTestId('publication').innerText()).toMatch(
      /湖交超决〔2026〕8号[\s\S]*张三[\s\S]*officer-a/,
    );
    await review.locator('textarea[name=opinion]').fill('事实清楚，依据充分，同意公示');
    await screenshot(legal, '04-legal-review');
    await review.getByRole('button', { name: '同意公示' }).click();
    expect(await confirmDialog(legal)).toContain('事实清楚，依据充分，同意公示');
    await legal.getByText('法制审核通过，已公示').waitFor();
    await legal.getByRole('heading').getByText('已公示').waitFor();
    expect((await listingOf(PUBLISH)).status).toBe('PUBLISHED');

    // 失信公示 on a phone: search by plate (typed loosely), masked name, legal basis, dates.
    const phone = await newPage(PHONE);
    await phone.goto(`${staff.url}/postings/`);
    await phone.locator('input[name=plate]').fill('浙e 70001');
    await phone.getByRole('button', { name: '查询' }).click();
    const posting = phone.locator(`li[data-plate="${PUBLISH}"]`);
    await posting.waitFor();
    expect(await phone.getByTestId('summary').innerText()).toContain('共有 1 条');
    const text = await posting.innerText();
    expect(text).toContain('湖交超决〔2026〕8号');
    expect(text).toContain('交通运输部令2016年第62号');
    expect(text).toContain('违法超限运输 3 次');
    expect(text).toContain(shanghai(at(4)).slice(0, 10)); // listed
    expect(await posting.getByTestId('owner').innerText()).toBe('张*（自然人）');
    const published = new Date();
    expect(await posting.getByTestId('posting-period').innerText()).toBe(
      `${shanghai(published).slice(0, 10)} 至 ${shanghai(new Date(published.getTime() + 730 * DAY)).slice(0, 10)}`,
    );
    expect(await phone.content()).not.toContain('张三');
    expect(await phone.content()).not.toContain(OWNER_ID_NO);
    // Usable on the phone: nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(phone.url()).toContain('?plate=');
    await screenshot(phone, '05-postings-phone');

    const desktop = await newPage();
    await desktop.goto(`${staff.url}/postings/?plate=${encodeURIComponent('浙E99999')}`);
    await desktop.getByText('未查询到该车辆的失信公示信息').waitFor();
    await desktop.goto(`${staff.url}/postings/`);
    await desktop.locator(`li[data-plate="${PUBLISH}"]`).waitFor();
    await screenshot(desktop, '06-postings-desktop');
  });

  it('takes a credit repair through to REPAIRED: cases processed, request with the unmet conditions in words, review', async () => {
    const officer = await signIn(token.officerA);
    // 车辆查询: the profile of a listed truck, typed loosely.
    await officer.goto(`${staff.url}/console/#/vehicles`);
    await officer.locator('input[name=plate]').fill('浙e70002');
    await officer.getByRole('button', { name: '查询' }).click();
    await officer.getByTestId('vehicle-state').filter({ hasText: '已列入失信清单' }).waitFor();
    expect(await officer.getByTestId('count-in-window').innerText()).toBe('3');
    await officer.getByTestId('vehicle-listings').getByRole('link', { name: '查看' }).click();

    // The conditions, in words, before any case is processed.
    const conditions = officer.getByTestId('repair-conditions');
    await conditions.getByText('有违法记录尚未录入案件处理结果').waitFor();
    expect(await conditions.innerText()).toContain('尚有 3 条未处理');
    expect(await conditions.getByRole('link', { name: '申请信用修复' }).count()).toBe(0);

    // Case processing (已处理), each confirmed.
    const listingId = (await listingOf(REPAIR)).id;
    for (const [i, eventId] of ['ui-1-2', 'ui-1-1', 'ui-1-0'].entries()) {
      const row = officer.locator(`tr[data-violation="${eventId}"]`);
      await row.getByRole('button', { name: '录入处理结果' }).click();
      const form = officer.getByRole('form', { name: '录入案件处理结果' });
      await form.locator('input[name=caseNo]').fill(`湖交罚〔2026〕${200 + i}号`);
      expect(await form.locator('input[name=fineYuan]').inputValue()).toMatch(/^\d+$/); // the suggested fine
      await form.locator('input[name=fineYuan]').fill('2000');
      if (i === 0) await screenshot(officer, '07-case-processing');
      await form.getByRole('button', { name: '提交处理结果' }).click();
      expect(await confirmDialog(officer)).toContain(`湖交罚〔2026〕${200 + i}号`);
      await officer.getByText(`已录入案件 湖交罚〔2026〕${200 + i}号 的处理结果`).waitFor();
      await row.getByText('已处理').waitFor();
    }
    await conditions.getByText('已满足信用修复条件').waitFor();

    // The request.
    await conditions.getByRole('link', { name: '申请信用修复' }).click();
    const request = officer.getByRole('form', { name: '信用修复申请' });
    await request.locator('input[name=applicantName]').fill('湖州某某物流有限公司');
    await request.locator('input[name=contact]').fill('0572-0000000');
    await request.locator('textarea[name=rectification]').fill('已卸载超限货物，车辆恢复出厂状态，驾驶员完成培训');
    await request.locator('textarea[name=attachments]').fill('https://files.example/commitment.pdf');
    await request.locator('input[name=commitment]').check();
    await screenshot(officer, '08-repair-request');
    await request.getByRole('button', { name: '提交申请' }).click();
    expect(await confirmDialog(officer)).toContain('湖州某某物流有限公司');
    await officer.getByRole('heading', { name: /信用修复申请.*待审核/ }).waitFor();
    // The submitter cannot review (and has not the role anyway).
    expect(await officer.getByRole('button', { name: '同意修复' }).count()).toBe(0);

    // The repair reviewer's queue and decision.
    const reviewer = await signIn(token.repairC);
    await reviewer.getByRole('link', { name: '信用修复', exact: true }).click();
    const queue = reviewer.getByTestId('repair-queue');
    await queue.locator(`tr[data-plate="${REPAIR}"]`).getByRole('link', { name: '审核' }).click();
    await reviewer.getByTestId('repair-conditions').getByText('申请条件仍然满足').waitFor();
    const decision = reviewer.getByRole('form', { name: '信用修复审核' });
    await decision.locator('textarea[name=opinion]').fill('整改到位，同意修复');
    await screenshot(reviewer, '09-repair-review');
    await decision.getByRole('button', { name: '同意修复' }).click();
    expect(await confirmDialog(reviewer)).toContain('移出失信清单');
    await reviewer.getByRole('heading', { name: /信用修复申请.*已通过/ }).waitFor();
    expect((await api('GET', `/v1/listings/${listingId}`, token.repairC)).body.status).toBe('REPAIRED');

    // The vehicle afterwards: a fresh start, the listing REPAIRED, every step on the audit trail.
    await reviewer.goto(`${staff.url}/console/#/vehicles/1/${encodeURIComponent(REPAIR)}`);
    await reviewer.getByTestId('vehicle-state').filter({ hasText: '正常' }).waitFor();
    expect(await reviewer.getByTestId('vehicle-listings').innerText()).toContain('已信用修复');
    const trail = await reviewer.getByTestId('audit-trail').innerText();
    for (const step of [
      '记录违法超限运输',
      '列入违法失信清单',
      '录入案件处理结果',
      '提交信用修复申请',
      '信用修复审核通过',
      '信用修复，移出清单',
    ]) {
      expect(trail).toContain(step);
    }
    expect(trail).toContain('整改到位，同意修复');
    expect(trail).toContain('repair-c');
    await screenshot(reviewer, '10-vehicle-profile');
  });

  it("lists the stations with their last weighing, shows a vehicle's registration and weighings, and why a permit did not exempt", async () => {
    const officer = await signIn(token.officerA);
    // 站点: every registered station, its gate key and its last weighing on the Shanghai clock.
    await officer.getByRole('link', { name: '站点', exact: true }).click();
    const stations = officer.getByTestId('stations');
    await stations.locator('tr[data-station="330500001"]').waitFor();
    const registered = (await api('GET', '/v1/registry/stations?pageSize=500', token.officerA)).body;
    expect(
      await stations.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-station'))),
    ).toEqual(registered.items.map((st: { stationId: string }) => st.stationId));
    const row = async (stationId: string) => stations.locator(`tr[data-station="${stationId}"]`);
    const east = await (await row('330500001')).innerText();
    // The registry's name: station:add --name names only a station it registers itself.
    expect(east).toContain('湖州市八里店超限检测站');
    expect(east).toContain('有效'); // its gate key, issued by station:add
    // Each station's latest weighing: the fourth truck's (p = 3) reading there.
    for (const [stationId, day] of [
      ['330500001', 0],
      ['330521001', 2],
      ['330522001', 4],
    ] as const) {
      expect(await (await row(stationId)).getByTestId('last-weighing').innerText()).toBe(shanghai(at(day + 0.3)));
    }
    expect(await (await row('330523001')).getByTestId('last-weighing').innerText()).toBe('无称重记录');
    await officer.locator('select[name=region]').selectOption('330521');
    await officer.waitForFunction(() => document.querySelectorAll('[data-testid=stations] tbody tr').length === 1);
    expect(await stations.locator('tbody tr').getAttribute('data-station')).toBe('330521001');
    await screenshot(officer, '10a-stations');

    // 车辆查询: the registration (登记信息) and every weighing with its classification.
    await officer.goto(`${staff.url}/console/#/vehicles/1/${encodeURIComponent(PUBLISH)}`);
    const registration = officer.getByTestId('registration');
    await registration.getByTestId('owner-name').waitFor();
    const text = await registration.innerText();
    for (const fact of [
      '车主',
      '张三',
      '类型',
      '自然人',
      '证件号码',
      OWNER_ID_NO_MASKED,
      '道路运输证',
      '浙交运管湖字330521000111号',
    ]) {
      expect(text).toContain(fact);
    }
    expect(text).toMatch(/经营业户\s*91330521MA2B3C4D5Q/);
    expect(text).toMatch(/车籍地\s*330521/);
    const weighings = officer.getByTestId('weighings');
    await weighings.locator('tr[data-weighing="ui-0-0"]').waitFor();
    expect(await weighings.locator('tbody tr').count()).toBe(3);
    expect(await weighings.locator('tr[data-weighing="ui-0-0"]').innerText()).toContain('违法超限运输');
    await screenshot(officer, '10b-vehicle-registration');
    await officer.goto(`${staff.url}/console/#/vehicles/1/${encodeURIComponent(REVIEWING)}`);
    await officer.getByTestId('registration').getByText('未登记', { exact: true }).waitFor();

    // A violation whose permit the registry never issued says why it was not exempted.
    await openListing(officer, REVIEWING);
    const permit = officer.locator('tr[data-violation="ui-2-1"]').getByTestId('permit');
    expect(await permit.innerText()).toBe(`${FORGED_PERMIT}\n通行证不存在`);
    expect(await officer.locator('tr[data-violation="ui-2-0"]').getByTestId('permit').innerText()).toBe('无');
    await screenshot(officer, '10c-permit-check');
  });

  it('revokes a violation only when a second person approves the proposal; cancelling changes nothing', async () => {
    const officer = await signIn(token.officerA);
    await openListing(officer, REVOKE);
    const row = officer.locator('tr[data-violation="ui-3-1"]');
    await row.getByRole('button', { name: '提请撤销' }).click();
    const form = officer.getByRole('form', { name: '提请撤销违法记录' });
    await form.locator('select[name=reason]').selectOption('称重设备故障');
    await form.locator('input[name=detail]').fill('检定报告 JJG-2026-017');
    await form.getByRole('button', { name: '提交撤销申请' }).click();
    await confirmDialog(officer, '取消');
    const violation = async () =>
      (await api('GET', `/v1/violations?plate=${encodeURIComponent(REVOKE)}`, token.officerA)).body.items.find(
        (v: { eventId: string }) => v.eventId === 'ui-3-1',
      );
    const pending = async () =>
      (await api('GET', '/v1/revocations?status=PENDING', token.legalB)).body.items.filter(
        (r: { violationId: string }) => r.violationId === proposed.id,
      );
    const proposed = await violation();
    expect(proposed.status).toBe('OPEN');
    expect(await pending()).toEqual([]);

    // The proposal (提请撤销): nothing changes until a legal reviewer approves it (SPEC §4.4).
    await form.getByRole('button', { name: '提交撤销申请' }).click();
    expect(await confirmDialog(officer)).toContain('须经法制审核人员（非提请人）审核同意方可撤销');
    await officer.getByText('已提请撤销，等待法制审核').waitFor();
    await row.getByTestId('revocation-pending').waitFor();
    expect(await violation()).toMatchObject({ status: 'OPEN' });
    expect(await pending()).toEqual([
      expect.objectContaining({ reason: '称重设备故障：检定报告 JJG-2026-017', proposedBy: 'officer-a' }),
    ]);
    expect((await listingOf(REVOKE)).status).toBe('LISTED');

    // Another person, a legal reviewer, approves it from her queue.
    const legal = await signIn(token.legalB);
    await legal.getByRole('link', { name: '撤销审核', exact: true }).click();
    const queued = legal.getByTestId('revocations').locator(`tr[data-plate="${REVOKE}"]`);
    await queued.waitFor();
    expect(await queued.getByTestId('reason').innerText()).toBe('称重设备故障：检定报告 JJG-2026-017');
    expect(await queued.getByTestId('proposer').innerText()).toBe('officer-a');
    await queued.getByRole('button', { name: '审核' }).click();
    const review = legal.getByRole('form', { name: '撤销审核' });
    await review.locator('textarea[name=opinion]').fill('设备故障属实，同意撤销');
    await review.getByRole('button', { name: '同意撤销', exact: true }).click();
    expect(await confirmDialog(legal)).toContain('此操作不可恢复');
    await legal.getByText('已同意撤销，违法记录已撤销并重新计数').waitFor();
    expect(await violation()).toMatchObject({
      status: 'REVOKED',
      revokedReason: '称重设备故障：检定报告 JJG-2026-017',
    });

    // Two acts left: under the threshold, the listing ends.
    await officer.reload();
    await row.getByText('撤销理由：称重设备故障：检定报告 JJG-2026-017').waitFor();
    await officer.getByRole('heading').getByText('已撤销').waitFor();
    expect((await listingOf(REVOKE)).status).toBe('REVOKED');
    await screenshot(officer, '11-revoked');
  });

  it('hides review actions from a wrong role, and the server refuses them when tried anyway', async () => {
    // A proposal by officer-a and a pending repair, both through the API.
    const listing = await listingOf(REVIEWING);
    expect(
      await api('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officerA, {
        decisionNo: '湖交超决〔2026〕9号',
        legalBasis: '交通运输部令2016年第62号',
      }),
    ).toMatchObject({ status: 200 });
    const { body: detail } = await api('GET', `/v1/listings/${listing.id}`, token.officerA);
    for (const v of detail.violations as { id: string; measuredAt: string }[]) {
      expect(
        await api('POST', `/v1/violations/${v.id}/processing`, token.officerA, {
          caseNo: `湖交罚〔2026〕3${v.id.slice(0, 4)}号`,
          fineYuan: 1000,
          processedAt: new Date().toISOString(),
        }),
      ).toMatchObject({ status: 200 });
    }
    const repair = await api('POST', '/v1/credit-repairs', token.officerA, {
      listingId: listing.id,
      applicant: { name: '李四', type: 'PERSON', contact: '13900000000' },
      commitment: true,
      rectification: '已整改',
      attachments: [],
    });
    expect(repair.status).toBe(201);

    // Another officer: no legal review form, no repair review form; the API says 403 all the same.
    const officer = await signIn(token.officerD);
    await openListing(officer, REVIEWING);
    await officer.getByTestId('publication').getByText('待法制审核').waitFor();
    expect(await officer.getByRole('form', { name: '法制审核' }).count()).toBe(0);
    expect(await officer.getByRole('button', { name: '同意公示' }).count()).toBe(0);
    await screenshot(officer, '12-officer-sees-no-review');
    const tried = await officer.evaluate(async (id) => {
      const bearer = sessionStorage.getItem('overload-credit.staff-token');
      const res = await fetch(`/v1/listings/${id}/publication-review`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ approve: true, opinion: '越权' }),
      });
      return { status: res.status, body: await res.json() };
    }, listing.id);
    expect(tried).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'FORBIDDEN' }) } });
    await officer.goto(`${staff.url}/console/#/repairs/${repair.body.id}`);
    await officer.getByRole('heading', { name: /信用修复申请.*待审核/ }).waitFor();
    expect(await officer.getByRole('form', { name: '信用修复审核' }).count()).toBe(0);

    // The legal reviewer: no proposal, processing, revocation or repair actions, no repair review.
    const legal = await signIn(token.legalB);
    await openListing(legal, PUBLISH); // its violations are open: an officer would see both actions
    await legal.getByTestId('violations').locator('tr[data-violation="ui-0-0"]').waitFor();
    for (const name of ['录入处理结果', '提请撤销']) {
      expect({ name, count: await legal.getByRole('button', { name, exact: true }).count() }).toEqual({
        name,
        count: 0,
      });
    }
    expect(await legal.getByRole('link', { name: '登记异议' }).count()).toBe(0);
    await openListing(legal, REVIEWING);
    await legal.getByRole('form', { name: '法制审核' }).waitFor(); // the role's own action is there
    for (const name of ['录入处理结果', '提请撤销', '提请公示', '同意修复']) {
      expect({ name, count: await legal.getByRole('button', { name, exact: true }).count() }).toEqual({
        name,
        count: 0,
      });
    }
    expect(await legal.getByRole('link', { name: '申请信用修复' }).count()).toBe(0);
    await legal.goto(`${staff.url}/console/#/repairs/${repair.body.id}`);
    await legal.getByRole('heading', { name: /信用修复申请.*待审核/ }).waitFor();
    expect(await legal.getByRole('form', { name: '信用修复审核' }).count()).toBe(0);
    await legal.goto(`${staff.url}/console/#/repairs/new/${listing.id}`);
    await legal.getByText('您的角色无权提交信用修复申请').waitFor();
    const refused = await legal.evaluate(async (id) => {
      const bearer = sessionStorage.getItem('overload-credit.staff-token');
      const res = await fetch(`/v1/credit-repairs/${id}/review`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ approve: true, opinion: '越权' }),
      });
      return res.status;
    }, repair.body.id as string);
    expect(refused).toBe(403);
    expect((await api('GET', `/v1/credit-repairs/${repair.body.id}`, token.legalB)).body.status).toBe('PENDING');
    expect((await listingOf(REVIEWING)).status).toBe('LISTED');
  });

  it('draws the dashboard: figures of the API, daily charts, regions, and (for ADMIN only) the audit log verified', async () => {
    const page = await signIn(token.legalB);
    await page.getByRole('link', { name: '统计', exact: true }).click();
    const figures = page.getByTestId('figures');
    await figures.waitFor();
    // The same period the page asks for: the last 30 Shanghai days up to now.
    const from = startOfShanghaiDay(new Date(Date.now() - 29 * DAY)).toISOString();
    const expected = (await api('GET', `/v1/stats?from=${from}&region=3305`, token.legalB)).body;
    const figure = async (label: string) =>
      Number((await figures.locator(`[data-figure="${label}"] .value`).innerText()).replace(/,/g, ''));
    expect(await figure('违法超限记录')).toBe(expected.period.violations);
    expect(await figure('入口劝返')).toBe(1);
    expect(await figure('逾期未公示')).toBe(expected.asOfNow.overduePublications);
    expect(await figure('信用修复')).toBe(1);
    expect(expected.period.violations).toBe(11); // twelve weighed, one revoked

    // Three charts drawn on canvas.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid=chart] canvas')].filter((c) => (c as HTMLCanvasElement).width > 0)
          .length >= 3,
    );
    // Regions: 市本级 and the three counties, and the city total.
    const regions = page.getByTestId('region-table');
    expect(
      await regions.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-region'))),
    ).toEqual(['330500', '330521', '330522', '330523', '3305']);
    const byRegion = (await api('GET', `/v1/stats/regions?from=${from}`, token.legalB)).body;
    for (const r of [...byRegion.items, byRegion.total] as { region: string; period: { violations: number } }[]) {
      const cells = await regions.locator(`tr[data-region="${r.region}"] td`).allInnerTexts();
      expect({ region: r.region, violations: Number(cells[1]) }).toEqual({
        region: r.region,
        violations: r.period.violations,
      });
    }
    // The audit verification is for ADMIN only (docs/security.md): a reviewer's dashboard does not show it.
    expect(await page.getByTestId('audit-verification').count()).toBe(0);
    await screenshot(page, '13-dashboard');
    const adminPage = await signIn(token.admin);
    await adminPage.getByRole('link', { name: '统计', exact: true }).click();
    await adminPage.getByTestId('audit-verification').getByText('哈希链完整').waitFor();
    await adminPage.getByTestId('audit-verification').getByText('校验时间').waitFor();

    // One county: the figures follow.
    await page.locator('select[name=region]').selectOption('330521');
    const deqing = (await api('GET', `/v1/stats?from=${from}&region=330521`, token.legalB)).body;
    await page.waitForFunction(
      (n) => document.querySelector('[data-figure="违法超限记录"] .value')?.textContent === String(n),
      deqing.period.violations,
    );
    expect(deqing.period.violations).toBeLessThan(expected.period.violations);
  });
});
