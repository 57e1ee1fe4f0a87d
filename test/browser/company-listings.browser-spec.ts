import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { creditCodeCheckChar } from '@oc/domain';
import { violationEvent } from '@oc/simulation';
import type { RunningApp } from '../harness/app-process';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { launchChromium, screenshot, SCREENSHOTS } from './support/chromium';
import {
  auditTrailActions,
  confirmDialog,
  ConsoleSession,
  issueStaffToken,
  staffApi,
  timelineStep,
} from './support/console-session';

const DAY = 86_400_000;
const SECRET = 'company-listings-browser-test-secret-0123';
/** The trips happened 20, 18 and 16 days ago. */
const t0 = new Date(Date.now() - 20 * DAY);
const at = (days: number): Date => new Date(t0.getTime() + days * DAY);
/** How the pages must show an instant: Asia/Shanghai wall clock, whatever the browser's zone. */
const shanghai = (d: Date | string): string =>
  new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

const OWNER = '湖州通达货运有限公司';
/** The company's 统一社会信用代码 (the registry's operatorId), with its check character. */
const OPERATOR = ((first17: string) => first17 + creditCodeCheckChar(first17))('91330500MA2C08801');
/** Ten trucks registered to the company; the first two are listed. */
const FLEET = Array.from({ length: 10 }, (_, i) => `浙E8${String(i).padStart(4, '0')}`);
const LISTED = FLEET.slice(0, 2);
const STATIONS = ['330500001', '330521001', '330522001'];
const OBJECTION_GROUNDS = '企业称浙E80001已于上月转让，不应计入本企业登记车辆';
const REPLY = '经核查，浙E80001在列入生效时仍登记于该企业，异议不成立';
const DECISION_NO = '湖交超企决〔2026〕1号';
const LEGAL_BASIS = '《交通运输部办公厅关于进一步做好货车非法改装和超限超载治理工作的意见》（交办公路〔2017〕8号）';

/**
 * Company listings (企业失信名单, SPEC §4.9, docs/rules.md 13b) in the staff console, in a real Chromium
 * against the built apps: two of a company's ten registered trucks listed (listings in effect at once,
 * NOTICE_PERIOD_WORKING_DAYS=0) make it a candidate when ingest's scheduler runs; the list shows it, its
 * notice prints as A4 with the vehicles as its annex, an objection is refused to its own handler and
 * decided by another reviewer, and publication takes two persons.
 */
describe('company listings in the staff console (Chromium, running apps)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let session: ConsoleSession;
  // Officer A also holds the legal reviewer's role: the person the two-person rule stops from deciding
  // what they handled or proposed themselves.
  const token = { officerA: '', legalB: '' };
  let companyId = '';

  const issue = (sub: string, roles: string, name: string) => issueStaffToken(s, SECRET, sub, roles, name);

  const api = (method: 'GET' | 'POST', urlPath: string, body?: unknown, bearer = token.legalB) =>
    staffApi(staff.url, method, urlPath, bearer, body);
  const company = async () => (await api('GET', `/v1/company-listings/${companyId}`)).body;
  const audit = async (entityType: string, entityId: string): Promise<{ action: string; actor: string }[]> =>
    (await api('GET', `/v1/audit?entityType=${entityType}&entityId=${entityId}&pageSize=500`)).body.items;

  const signIn = (bearer: string): Promise<Page> => session.signIn(bearer);

  const openCompany = async (page: Page): Promise<void> => {
    await page.goto(`${staff.url}/console/#/companies/${companyId}`);
    await page.getByRole('heading', { name: new RegExp(`企业失信名单 ${OWNER}`) }).waitFor();
  };

  beforeAll(async () => {
    s = await Scenario.create('company_console');
    // Listings take effect at once (the old behaviour): the vehicles' listings are the company's grounds
    // as soon as ingest counts the third trip, and the company listing is in effect when created.
    const immediate = { NOTICE_PERIOD_WORKING_DAYS: '0' };
    await s.startIngest(immediate);
    staff = await s.startApp('staff-api', { ...immediate, STAFF_JWT_SECRET: SECRET });
    [token.officerA, token.legalB] = await Promise.all([
      issue('officer-a', 'OFFICER,LEGAL_REVIEWER', '王执法'),
      issue('legal-b', 'LEGAL_REVIEWER', '李法制'),
    ]);
    // 运政登记 (SPEC §4.9): ten trucks owned by the company, which the registry names by its code.
    for (const plate of FLEET) {
      await s.query(
        `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no,
           operator_id, registration_region)
         VALUES ($1, $2, 1, $3, 'COMPANY', $4, $4, '330500')`,
        [`1:${plate}`, plate, OWNER, OPERATOR],
      );
    }
    await s.produce(
      LISTED.flatMap((plate, v) =>
        [0, 2, 4].map((d, i) =>
          violationEvent({
            eventId: `company-${v}-${i}`,
            plate,
            axles: 6,
            overKg: 3000 + 1000 * i,
            measuredAt: at(d + v),
            stationId: STATIONS[i]!,
          }),
        ),
      ),
    );
    // Ingest lists both trucks; its scheduler (every 5 s) then finds the company above the share.
    const found = await eventually(
      async () => {
        const { body } = await api('GET', `/v1/company-listings?operatorId=${OPERATOR}`);
        return body.total === 1 && body.items[0].notice ? body.items[0] : undefined;
      },
      { what: 'the company listing with its notice', timeoutMs: 60000 },
    );
    companyId = found.id;
    session = new ConsoleSession(await launchChromium(), staff.url);
  });

  afterAll(async () => {
    await session?.close();
    await s?.close();
  });

  afterEach(() => {
    // No page threw an uncaught error during the test.
    expect(session?.pageErrors.splice(0) ?? []).toEqual([]);
  });

  it('lists the company as a candidate: name and code, status, listed vehicles against the fleet, dates, publication', async () => {
    const c = await company();
    expect(c).toMatchObject({
      status: 'LISTED',
      vehicleCount: 2,
      fleetSize: 10,
      party: { name: OWNER, operatorId: OPERATOR },
      publishedAt: null,
      // In effect since the second truck's listing, about two weeks ago: past the working days that
      // publication is due within (§4.4).
      overdue: true,
    });

    const officer = await signIn(token.officerA);
    await officer.getByRole('link', { name: '企业失信名单', exact: true }).click();
    const row = officer.getByTestId('company-listings').locator(`tr[data-company="${OPERATOR}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(0, 6)).toEqual([
      `${OWNER}\n${OPERATOR}`,
      '已列入（待公示）',
      '2 / 10 辆（20.0%）',
      shanghai(c.listedAt),
      shanghai(c.effectiveAt),
      '逾期未公示',
    ]);
    await screenshot(officer, 'company-01-list');

    // By status: not among the pending ones, among the listed ones; by code.
    await officer.getByRole('tab', { name: '拟列入（告知中）' }).click();
    await officer.getByTestId('company-listings').getByText('暂无企业失信名单').waitFor();
    await officer.getByRole('tab', { name: '已列入（待公示）' }).click();
    await row.waitFor();
    await officer.getByRole('tab', { name: '全部' }).click();
    await officer.getByRole('search').locator('input[name=operatorId]').fill(OPERATOR.toLowerCase());
    await officer.getByRole('search').getByRole('button', { name: '查询' }).click();
    await row.waitFor();
    expect(await officer.getByTestId('company-listings').locator('tbody tr').count()).toBe(1);

    // The listing: its timeline, its facts, its record.
    await row.getByRole('link', { name: '查看' }).click();
    await officer.getByRole('heading', { name: new RegExp(`企业失信名单 ${OWNER}.*已列入（待公示）`) }).waitFor();
    expect(await timelineStep(officer, 'reached')).toEqual({
      state: 'done',
      text: `达到条件\n${shanghai(c.listedAt)}\n失信车辆 2 辆 / 登记车辆 10 辆`,
    });
    expect(await timelineStep(officer, 'effective')).toEqual({
      state: 'done',
      text: `生效\n${shanghai(c.effectiveAt)}`,
    });
    expect(await timelineStep(officer, 'published')).toMatchObject({
      state: 'current',
      text: expect.stringContaining('待提请公示'),
    });
    const facts = await officer.getByTestId('company-facts').innerText();
    for (const fact of [OWNER, OPERATOR, '2 / 10 辆（20.0%）', ...LISTED, c.notice.noticeNo])
      expect(facts).toContain(fact);
    await officer.getByTestId('audit-trail').getByText('企业达到列入条件，列入严重失信名单（即时生效）').waitFor();
    expect(await auditTrailActions(officer)).toContain('COMPANY_LISTING_CREATED');
    await screenshot(officer, 'company-02-detail');
  });

  it('prints the notice as A4: the company as the party, the grounds, the vehicles as its annex, the receipt; then records service', async () => {
    const c = await company();
    const officer = await signIn(token.officerA);
    await openCompany(officer);
    const doc = officer.getByTestId('notice-document');
    await doc.getByRole('heading', { name: '道路运输企业拟列入严重失信当事人名单告知书' }).waitFor();
    expect(await doc.getByTestId('notice-no').innerText()).toBe(c.notice.noticeNo);
    expect(c.notice.noticeNo).toMatch(/^湖交超告〔\d{4}〕\d+号$/);
    const party = await doc.getByTestId('notice-party').innerText();
    for (const fact of [`${OWNER}（道路运输企业）`, OPERATOR, '10 辆', '2 辆（见附件）']) expect(party).toContain(fact);
    const text = await doc.innerText();
    expect(text).toContain(`${OWNER}：`);
    for (const part of ['一、事实与理由', '二、依据', '三、列入后果', '四、当事人的权利', '五、期限', '六、移出条件']) {
      expect(text).toContain(part);
    }
    expect(text).toContain('超过10%');
    expect(text).toContain('交办公路〔2017〕8号');
    expect(text).toContain('不直接导致车辆在高速公路入口被劝返');
    expect(await doc.getByTestId('notice-period').innerText()).toContain('列入自达到条件之日起生效');

    // 附件: each listed truck with the effect of its own listing, as the API gives it.
    const annex = doc.getByTestId('notice-vehicles');
    expect(await annex.locator('tbody tr').count()).toBe(2);
    for (const plate of LISTED) {
      const { body } = await api('GET', `/v1/vehicles/1/${encodeURIComponent(plate)}`);
      const effectiveAt = body.listings[0].effectiveAt;
      const cells = await annex.locator(`tr[data-plate="${plate}"] td`).allInnerTexts();
      expect(cells.slice(1)).toEqual([plate, '黄色', shanghai(effectiveAt)]);
    }
    const receipt = doc.getByTestId('service-receipt');
    expect(await receipt.getByTestId('receipt-method').innerText()).not.toContain('☑');
    expect(await receipt.getByTestId('receipt-period').innerText()).toBe('不设告知期限（列入自达到条件之日起生效）');
    await doc.scrollIntoViewIfNeeded();
    await screenshot(officer, 'company-03-notice');

    // 打印告知书 asks the browser to print.
    await officer.evaluate(() => {
      const w = window as unknown as { printed: number; print: () => void };
      w.printed = 0;
      w.print = () => void w.printed++;
    });
    await officer.getByRole('button', { name: '打印告知书' }).click();
    expect(await officer.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    // In print: the notice with its annex and receipt alone, black on white, in the vehicle notice's face.
    await officer.emulateMedia({ media: 'print' });
    for (const hidden of [
      officer.locator('.topbar'),
      officer.getByTestId('timeline'),
      officer.getByTestId('company-facts'),
      officer.getByTestId('objections'),
      officer.getByTestId('publication'),
      officer.getByTestId('audit-trail'),
      officer.getByRole('form', { name: '登记送达' }),
    ]) {
      expect(await hidden.isVisible()).toBe(false);
    }
    expect(await doc.isVisible()).toBe(true);
    expect(await doc.getByTestId('notice-annex').isVisible()).toBe(true);
    expect(await receipt.isVisible()).toBe(true);
    const look = await doc.evaluate((e) => {
      const style = getComputedStyle(e);
      return { font: style.fontFamily, color: style.color, background: style.backgroundColor, shadow: style.boxShadow };
    });
    expect(look).toEqual({
      font: expect.stringMatching(/^"?SimSun"?, "?Songti SC"?.*serif$/),
      color: 'rgb(0, 0, 0)',
      background: 'rgb(255, 255, 255)',
      shadow: 'none',
    });
    // The receipt starts a page of its own, after the annex.
    expect(await receipt.evaluate((e) => getComputedStyle(e).breakBefore)).toBe('page');
    expect(
      await doc.evaluate((e) => {
        const annexBox = e.querySelector('[data-testid="notice-annex"]')!.getBoundingClientRect();
        const signBox = e.querySelector('.doc-sign')!.getBoundingClientRect();
        return annexBox.top > signBox.bottom;
      }),
    ).toBe(true);
    await screenshot(officer, 'company-04-notice-print');
    const pdf = await officer.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(path.join(SCREENSHOTS, 'company-04-notice-print.pdf'), pdf);
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    const notA4 = boxes.filter(([, w, h]) => Math.abs(Number(w) - 595.3) >= 2 || Math.abs(Number(h) - 841.9) >= 2);
    expect(notA4.map((b) => b.slice(1).join(' '))).toEqual([]);
    await officer.emulateMedia({ media: 'screen' });

    // 登记送达 by post: the receipt is filled in.
    const form = officer.getByRole('form', { name: '登记送达' });
    await form.locator('select[name=method]').selectOption('POST');
    await form.getByRole('button', { name: '登记送达' }).click();
    const asked = await confirmDialog(officer);
    expect(asked).toContain(c.notice.noticeNo);
    expect(asked).toContain('邮寄送达');
    await officer.getByRole('status').filter({ hasText: '已登记送达' }).waitFor();
    const served = (await company()).notice;
    expect(served).toMatchObject({ status: 'SERVED', serviceMethod: 'POST' });
    expect(await form.count()).toBe(0);
    expect(await receipt.getByTestId('receipt-method').innerText()).toMatch(/☐直接送达.*☑邮寄送达.*☐公告送达/);
    expect(await receipt.getByTestId('receipt-time').innerText()).toBe(shanghai(served.servedAt));
    expect(await timelineStep(officer, 'served')).toEqual({
      state: 'done',
      text: `送达\n${shanghai(served.servedAt)}\n邮寄送达`,
    });
  });

  it('records an objection: its handler may not decide it (the page says why, the API refuses), another reviewer rejects it', async () => {
    const officer = await signIn(token.officerA);
    await openCompany(officer);
    await officer.getByRole('button', { name: '登记异议' }).click();
    const form = officer.getByRole('form', { name: '登记异议' });
    // Not yet published: the objection can be against the listing only.
    expect(await form.locator('select[name=targetType] option').allInnerTexts()).toEqual(['列入决定']);
    await form.locator('textarea[name=grounds]').fill(OBJECTION_GROUNDS);
    await form.locator('select[name=channel]').selectOption('ONLINE');
    await form.locator('textarea[name=attachments]').fill('https://files.example/transfer-contract.pdf');
    await form.getByRole('button', { name: '登记异议' }).click();
    const asked = await confirmDialog(officer);
    expect(asked).toContain(`列入决定（${OWNER}）`);
    expect(asked).toContain('网上提交');
    await officer.getByRole('status').filter({ hasText: '已登记异议，您为该异议的经办人' }).waitFor();

    const [objection] = (await company()).objections;
    expect(objection).toMatchObject({
      status: 'PENDING',
      handler: 'officer-a',
      channel: 'ONLINE',
      grounds: OBJECTION_GROUNDS,
      target: { type: 'LISTING', id: companyId },
      attachments: ['https://files.example/transfer-contract.pdf'],
    });
    const row = officer.getByTestId('objections').locator(`tr[data-objection="${objection.id}"]`);
    expect(await row.innerText()).toMatch(/列入决定[\s\S]*网上提交[\s\S]*officer-a[\s\S]*待处理/);
    expect(await row.getByTestId('due').innerText()).toContain(shanghai(objection.dueBy));

    // The handler holds the reviewer's role, but the page gives her no decision, and says why …
    const panel = officer.locator(`[data-testid="company-objection"][data-objection="${objection.id}"]`);
    await panel
      .getByTestId('handler-refused')
      .filter({ hasText: '两人原则：您是本异议的经办人，不能决定本异议，须由其他法制审核人员决定' })
      .waitFor();
    expect(await panel.getByRole('form', { name: '异议决定' }).count()).toBe(0);
    await screenshot(officer, 'company-05-objection-refused-to-handler');
    // … and the API refuses her anyway.
    const refused = await api(
      'POST',
      `/v1/company-listings/${companyId}/objections/${objection.id}/review`,
      { uphold: false, reply: '本人经办，拟不予采纳' },
      token.officerA,
    );
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'TWO_PERSON_RULE' } } });
    expect((await company()).objections[0].status).toBe('PENDING');

    // Legal reviewer B decides it.
    const legal = await signIn(token.legalB);
    await openCompany(legal);
    const decision = legal
      .locator(`[data-testid="company-objection"][data-objection="${objection.id}"]`)
      .getByRole('form', { name: '异议决定' });
    expect(await decision.innerText()).toContain('经办人（officer-a）以外的法制审核人员');
    await decision.locator('textarea[name=opinion]').fill(REPLY);
    await screenshot(legal, 'company-06-objection-decision');
    await decision.getByRole('button', { name: '异议不成立' }).click();
    const confirmed = await confirmDialog(legal);
    expect(confirmed).toContain(REPLY);
    expect(confirmed).toContain('企业名单维持');
    await legal.getByRole('status').filter({ hasText: '已决定：异议不成立' }).waitFor();
    await legal.getByTestId('reply').filter({ hasText: REPLY }).waitFor();
    const decided = await company();
    expect(decided.status).toBe('LISTED');
    expect(decided.objections[0]).toMatchObject({ status: 'REJECTED', decidedBy: 'legal-b', reply: REPLY });
    expect(await legal.getByTestId('objections').locator(`tr[data-objection="${objection.id}"]`).innerText()).toContain(
      '异议不成立',
    );
    // The record has both steps, with who took them.
    expect((await audit('objection', objection.id)).map((e) => [e.action, e.actor])).toEqual([
      ['OBJECTION_RECORDED', 'officer-a'],
      ['OBJECTION_REJECTED', 'legal-b'],
    ]);
    await legal.getByTestId('audit-trail').getByText('异议不成立', { exact: true }).waitFor();
  });

  it('publishes by two persons: proposed by an officer, refused to the proposer, approved by another reviewer', async () => {
    const officer = await signIn(token.officerA);
    await openCompany(officer);
    const proposal = officer.getByRole('form', { name: '提请公示' });
    await proposal.locator('input[name=decisionNo]').fill(DECISION_NO);
    await proposal.locator('textarea[name=legalBasis]').fill(LEGAL_BASIS);
    await proposal.getByRole('button', { name: '提请公示' }).click();
    const asked = await confirmDialog(officer);
    expect(asked).toContain(`企业：${OWNER}`);
    expect(asked).toContain(`当事人：${OWNER}（统一社会信用代码 ${OPERATOR}）`);
    await officer.getByRole('status').filter({ hasText: '已提请公示，等待法制审核' }).waitFor();
    const publication = officer.getByTestId('publication');
    await publication.getByText('两人原则：您是本次公示的提请人，须由其他法制审核人员审核。').waitFor();
    expect(await publication.getByRole('form', { name: '法制审核' }).count()).toBe(0);
    expect(await publication.getByTestId('proposer').innerText()).toContain('officer-a');
    // The standard contents of a company's decision (决定书, §4.4).
    expect(await publication.innerText()).toMatch(/事由[\s\S]*超过10%[\s\S]*救济途径[\s\S]*行政复议/);
    expect(await timelineStep(officer, 'published')).toMatchObject({
      state: 'current',
      text: expect.stringContaining('已提请公示，待法制审核'),
    });
    const own = await api(
      'POST',
      `/v1/company-listings/${companyId}/publication-review`,
      { approve: true, opinion: '同意' },
      token.officerA,
    );
    expect(own).toMatchObject({ status: 403, body: { error: { code: 'TWO_PERSON_RULE' } } });
    expect((await company()).status).toBe('LISTED');

    const legal = await signIn(token.legalB);
    await openCompany(legal);
    const review = legal.getByTestId('publication').getByRole('form', { name: '法制审核' });
    await review.locator('textarea[name=opinion]').fill('程序合法，证据充分，同意公示');
    await screenshot(legal, 'company-07-publication-review');
    await review.getByRole('button', { name: '同意公示' }).click();
    const approved = await confirmDialog(legal);
    expect(approved).toContain(DECISION_NO);
    expect(approved).toContain('本系统的失信公示页面暂不展示企业名单');
    await legal.getByRole('status').filter({ hasText: '法制审核通过，已公示' }).waitFor();
    await legal.getByRole('heading', { name: new RegExp(`企业失信名单 ${OWNER}.*已公示`) }).waitFor();

    const published = await company();
    expect(published).toMatchObject({
      status: 'PUBLISHED',
      proposal: { decisionNo: DECISION_NO, proposedBy: 'officer-a' },
      posting: { status: 'POSTED' },
    });
    expect(await timelineStep(legal, 'published')).toEqual({
      state: 'done',
      text: `公示\n${shanghai(published.publishedAt)}`,
    });
    expect(await timelineStep(legal, 'posting')).toMatchObject({
      state: 'current',
      text: expect.stringContaining('公示中'),
    });
    const trail = (await audit('company_listing', companyId)).map((e) => [e.action, e.actor]);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['COMPANY_LISTING_PROPOSED', 'officer-a'],
        ['COMPANY_LISTING_PUBLISHED', 'legal-b'],
      ]),
    );
    await legal.getByTestId('audit-trail').getByText('法制审核通过，企业名单公示').waitFor();
    // Now a POSTING objection can be recorded too; the list shows the posting.
    await officer.reload();
    await officer.getByRole('heading', { name: new RegExp(`企业失信名单 ${OWNER}.*已公示`) }).waitFor();
    await officer.getByRole('button', { name: '登记异议' }).click();
    expect(await officer.locator('select[name=targetType] option').allInnerTexts()).toEqual(['列入决定', '失信公示']);
    await legal.getByRole('link', { name: '企业失信名单', exact: true }).click();
    const row = legal.getByTestId('company-listings').locator(`tr[data-company="${OPERATOR}"]`);
    expect(await row.getByTestId('posting').innerText()).toContain('公示中');
    await screenshot(legal, 'company-08-list-published');
  });
});
