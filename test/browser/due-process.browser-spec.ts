import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startOfShanghaiDay } from '@oc/domain';
import { violationEvent } from '@oc/simulation';
import type { RunningApp } from '../harness/app-process';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { launchChromium, screenshot, SCREENSHOTS } from './support/chromium';
import { confirmDialog, ConsoleSession, issueStaffToken, staffApi, timelineStep } from './support/console-session';
import { startEvidenceServer } from './support/evidence-server';

const DAY = 86_400_000;
const SECRET = 'due-process-browser-test-secret-0123456789';
/** The trips happened 20, 18 and 16 days ago: the notice is issued when ingest counts the third. */
const t0 = new Date(Date.now() - 20 * DAY);
const at = (days: number): Date => new Date(t0.getTime() + days * DAY);
/** How the pages must show an instant: Asia/Shanghai wall clock, whatever the browser's zone. */
const shanghai = (d: Date | string): string =>
  new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
/** The same instant as an `<input type="datetime-local">` value. */
const localInput = (d: Date): string => shanghai(d).replace(' ', 'T');
/** 2026年3月2日: the date line of an official document. */
const chineseDate = (d: string): string => {
  const [y, m, day] = shanghai(d).slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${day}日`;
};

const PLATE = '浙E71001';
const OWNER = '湖州顺达物流有限公司';
const OWNER_ID_NO = '91330500MA2D0E1F2G';
const CERT_NO = '浙交运管湖字330500000777号';
const STATIONS = ['330500001', '330521001', '330522001'];
const OBJECTION_GROUNDS = '当事人称第一趟次称重时车辆为空载，称重设备读数异常，请求核实';
const REPLY = '经核查，称重设备检定合格，现场照片显示车辆满载，异议不成立';
const REVOCATION_DETAIL = '检定报告 JJG-2026-031 载明该台秤当日故障';

/**
 * Due process in the staff console (SPEC §4.4, §4.10) in a real Chromium, against the built apps with a
 * notice period of 5 working days: the printable 告知书 of a PENDING listing, its service, an objection
 * refused to its own handler and rejected by a legal reviewer, a revocation proposed by one person and
 * approved by another, and the listing's timeline through every step.
 */
describe('due process in the staff console (Chromium, running apps)', () => {
  let s: Scenario;
  let staff: RunningApp;
  let session: ConsoleSession;
  let evidence: Awaited<ReturnType<typeof startEvidenceServer>>;
  // Officer A also holds the legal reviewer's role (a county's 法制员 who enforces too): exactly the
  // person the two-person rule stops from deciding what they handled or proposed themselves.
  const token = { officerA: '', legalB: '' };
  let listingId = '';

  const issue = (sub: string, roles: string, name: string) => issueStaffToken(s, SECRET, sub, roles, name);

  const api = (method: 'GET' | 'POST', urlPath: string, body?: unknown) =>
    staffApi(staff.url, method, urlPath, token.legalB, body);
  const listing = async () => (await api('GET', `/v1/listings/${listingId}`)).body;
  const notice = async () => (await api('GET', `/v1/notices/${(await listing()).noticeId}`)).body;
  const violation = async (eventId: string) =>
    (await listing()).violations.find((v: { eventId: string }) => v.eventId === eventId);

  const signIn = (bearer: string): Promise<Page> => session.signIn(bearer);

  const openListing = async (page: Page): Promise<void> => {
    await page.goto(`${staff.url}/console/#/listings/${listingId}`);
    await page.getByRole('heading', { name: new RegExp(`失信清单.*${PLATE}`) }).waitFor();
  };

  beforeAll(async () => {
    s = await Scenario.create('due_process');
    evidence = await startEvidenceServer();
    const dueProcess = { NOTICE_PERIOD_WORKING_DAYS: '5' };
    await s.startIngest(dueProcess);
    staff = await s.startApp('staff-api', { ...dueProcess, STAFF_JWT_SECRET: SECRET });
    [token.officerA, token.legalB] = await Promise.all([
      issue('officer-a', 'OFFICER,LEGAL_REVIEWER', '王执法'),
      issue('legal-b', 'LEGAL_REVIEWER', '李法制'),
    ]);
    // 运政登记 (SPEC §4.9): the notice names this company as the party.
    await s.query(
      `INSERT INTO registry_vehicles (vehicle_key, plate, plate_color, owner_name, owner_type, owner_id_no,
         operator_id, transport_cert_no, registration_region)
       VALUES ($1, $2, 1, $3, 'COMPANY', $4, $4, $5, '330500')`,
      [`1:${PLATE}`, PLATE, OWNER, OWNER_ID_NO, CERT_NO],
    );
    await s.produce(
      [0, 2, 4].map((d, i) =>
        violationEvent({
          eventId: `due-${i}`,
          plate: PLATE,
          axles: 6,
          overKg: 3000 + 1000 * i,
          measuredAt: at(d),
          stationId: STATIONS[i]!,
          evidence: { imageUrls: [`${evidence.url}/evidence/due-${i}.png`], deviceCertNo: `JJG-${STATIONS[i]}` },
        }),
      ),
    );
    const pending = await eventually(
      async () => {
        const { body } = await api('GET', '/v1/listings?status=PENDING');
        return body.total === 1 && body.items[0].noticeId ? body.items[0] : undefined;
      },
      { what: 'the PENDING listing with its notice', timeoutMs: 30000 },
    );
    listingId = pending.id;
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

  it('issues the notice at once: an A4 告知书 naming the party, the vehicle and the counted trips, printable', async () => {
    const n = await notice();
    expect(n).toMatchObject({ status: 'ISSUED', listingStatus: 'PENDING' });
    expect(n.noticeNo).toMatch(/^湖交超告〔\d{4}〕\d+号$/);

    // 告知书: the officers' list of notices to serve.
    const officer = await signIn(token.officerA);
    await officer.getByRole('link', { name: '告知书', exact: true }).click();
    await officer.getByRole('tab', { name: '待送达' }).click();
    const row = officer.getByTestId('notices').locator(`tr[data-plate="${PLATE}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(new RegExp(`${n.noticeNo}[\\s\\S]*${OWNER}[\\s\\S]*已制发（待送达）`));
    await row.getByRole('link', { name: '查看 / 登记送达' }).click();

    const doc = officer.getByTestId('notice-document');
    await doc.getByRole('heading', { name: '违法失信清单拟列入告知书' }).waitFor();
    expect(await doc.getByTestId('notice-no').innerText()).toBe(n.noticeNo);
    // Right-aligned under the centred title, as an official document numbers itself.
    expect(await doc.getByTestId('notice-no').evaluate((e) => getComputedStyle(e).textAlign)).toBe('right');
    expect(
      await doc
        .getByRole('heading', { name: '违法失信清单拟列入告知书' })
        .evaluate((e) => getComputedStyle(e).textAlign),
    ).toBe('center');
    // The party in full: the notice is served on them.
    const party = await doc.getByTestId('notice-party').innerText();
    for (const fact of [`${OWNER}（企业）`, OWNER_ID_NO, CERT_NO, '330500']) expect(party).toContain(fact);
    expect(await doc.getByTestId('notice-vehicle').innerText()).toBe(`${PLATE}（黄色车牌）`);

    // 事实与理由: the three counted trips, each with its weighing and evidence.
    const trips = doc.getByTestId('notice-trips');
    expect(await trips.locator('tbody tr').count()).toBe(3);
    for (const i of [0, 1, 2]) {
      const cells = await trips.locator(`tr[data-event="due-${i}"] td`).allInnerTexts();
      expect(cells.slice(0, 2)).toEqual([`第${i + 1}趟`, shanghai(at(2 * i))]);
      expect(cells[2]).toContain(STATIONS[i]);
      expect(cells.slice(3, 7)).toEqual(['6', `${52 + i},000`, '49,000', `${3 + i},000`]);
      expect(await trips.locator(`tr[data-event="due-${i}"] a`).getAttribute('href')).toBe(
        `${evidence.url}/evidence/due-${i}.png`,
      );
    }
    expect(await trips.locator('tr[data-event="due-0"] td').nth(2).innerText()).toContain('湖州市八里店超限检测站');
    const text = await doc.innerText();
    for (const part of [
      '一、事实与理由',
      '二、依据',
      '三、列入后果',
      '四、当事人的权利',
      '五、期限',
      '六、信用修复条件',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).toContain('交通运输部令2016年第62号');
    expect(text).toContain('劝返');
    expect(text).toContain('陈述和申辩');
    expect(await doc.getByTestId('notice-period').innerText()).toContain('5个工作日');
    expect(text).toContain('湖州市交通运输局');
    expect(await doc.getByTestId('notice-date').innerText()).toBe(chineseDate(n.issuedAt));
    // 送达回证 not yet filled in: every way unticked, the time left to write by hand.
    const receipt = doc.getByTestId('service-receipt');
    expect(await receipt.getByTestId('receipt-method').innerText()).not.toContain('☑');
    expect(await receipt.getByTestId('receipt-time').innerText()).not.toMatch(/\d/);
    await screenshot(officer, 'due-01-notice');

    // 打印 asks the browser to print.
    await officer.evaluate(() => {
      const w = window as unknown as { printed: number; print: () => void };
      w.printed = 0;
      w.print = () => void w.printed++;
    });
    await officer.getByRole('button', { name: '打印' }).click();
    expect(await officer.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    // In print: A4 with 20 mm margins, black on white, a serif face, nothing of the console around it.
    await officer.emulateMedia({ media: 'print' });
    expect(await officer.locator('.topbar').isVisible()).toBe(false);
    expect(await officer.getByRole('button', { name: '打印' }).isVisible()).toBe(false);
    expect(await officer.getByRole('form', { name: '登记送达' }).isVisible()).toBe(false);
    expect(await doc.isVisible()).toBe(true);
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
    const pageRule = await officer.evaluate(() => {
      for (const sheet of [...document.styleSheets]) {
        for (const rule of [...sheet.cssRules]) {
          if (rule instanceof CSSPageRule)
            return { size: rule.style.getPropertyValue('size'), margin: rule.style.margin };
        }
      }
      return null;
    });
    expect(pageRule).toEqual({ size: expect.stringMatching(/^a4$/i), margin: '20mm' });
    await screenshot(officer, 'due-02-notice-print');
    // The printed pages themselves: A4 (595 × 842 pt), the receipt on a page of its own after the notice.
    const pdf = await officer.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(path.join(SCREENSHOTS, 'due-02-notice-print.pdf'), pdf);
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    const a4 = ([, w, h]: RegExpMatchArray): boolean =>
      Math.abs(Number(w) - 595.3) < 2 && Math.abs(Number(h) - 841.9) < 2;
    expect(boxes.map((b) => b.slice(1).join(' ')).filter((_, i) => !a4(boxes[i]!))).toEqual([]);
    await officer.emulateMedia({ media: 'screen' });
  });

  it('records service: the 送达回证 is filled in and the period runs from service', async () => {
    const officer = await signIn(token.officerA);
    const n = await notice();
    await officer.goto(`${staff.url}/console/#/notices/${n.id}`);
    const form = officer.getByRole('form', { name: '登记送达' });
    expect(await form.locator('select[name=method]').inputValue()).toBe('IN_PERSON');
    await form.getByRole('button', { name: '登记送达' }).click();
    const asked = await confirmDialog(officer);
    expect(asked).toContain(n.noticeNo);
    expect(asked).toContain('直接送达');

    const served = await eventually(async () => {
      const x = await notice();
      return x.status === 'SERVED' ? x : undefined;
    });
    expect(served).toMatchObject({ serviceMethod: 'IN_PERSON', listingStatus: 'PENDING' });
    expect(Date.parse(served.servedAt)).toBeGreaterThanOrEqual(Date.parse(n.issuedAt));
    const until = served.periodEndsAt ? shanghai(served.periodEndsAt) : '须补充日历后计算';
    await officer.getByRole('status').filter({ hasText: until }).waitFor();
    await officer.getByRole('heading', { name: /告知书.*已送达/ }).waitFor();
    expect(await form.count()).toBe(0);
    const receipt = officer.getByTestId('service-receipt');
    expect(await receipt.getByTestId('receipt-method').innerText()).toMatch(/☑直接送达.*☐邮寄送达.*☐公告送达/);
    expect(await receipt.getByTestId('receipt-time').innerText()).toBe(shanghai(served.servedAt));
    expect(await receipt.getByTestId('receipt-period').innerText()).toContain(
      served.periodEndsAt ? shanghai(served.periodEndsAt) : '日历缺失',
    );
    await screenshot(officer, 'due-03-notice-served');
  });

  it('takes an objection from a violation row to its decision: refused to its handler, rejected by another reviewer', async () => {
    const officer = await signIn(token.officerA);
    await openListing(officer);
    // Before any objection: the listing waits for the end of the period the API computed.
    const n = await notice();
    expect(await timelineStep(officer, 'served')).toEqual({
      state: 'done',
      text: expect.stringContaining(shanghai(n.servedAt)),
    });
    expect((await timelineStep(officer, 'effective')).text).toContain(
      n.periodEndsAt ? `预计 ${shanghai(n.periodEndsAt)}` : '日历缺失',
    );

    // From the listing, the form is about the listing itself …
    await officer.getByTestId('record-objection').click();
    const form = officer.getByRole('form', { name: '登记异议' });
    await form.waitFor();
    expect(await form.locator('select[name=targetType]').inputValue()).toBe('LISTING');
    expect(await form.locator('input[name=targetId]').inputValue()).toBe(listingId);
    // … from a violation row, about that violation: a letter received by post the day after the first trip.
    await openListing(officer);
    const first = await violation('due-0');
    await officer.locator('tr[data-violation="due-0"]').getByRole('link', { name: '登记异议' }).click();
    await form.waitFor();
    expect(await form.locator('select[name=targetType]').inputValue()).toBe('VIOLATION');
    expect(await form.locator('input[name=targetId]').inputValue()).toBe(first.id);
    await form.locator('textarea[name=grounds]').fill(OBJECTION_GROUNDS);
    await form.locator('select[name=channel]').selectOption('POST');
    await form.locator('input[name=receivedAt]').fill(localInput(at(1)));
    await form.locator('textarea[name=attachments]').fill('https://files.example/objection-letter.pdf');
    await screenshot(officer, 'due-04-objection-form');
    await form.getByRole('button', { name: '登记异议' }).click();
    expect(await confirmDialog(officer)).toContain('邮寄');
    await officer.getByRole('heading', { name: new RegExp(`异议.*${PLATE}.*待处理`) }).waitFor();

    const { body: queue } = await api('GET', `/v1/objections?listingId=${listingId}`);
    expect(queue.total).toBe(1);
    const objection = queue.items[0];
    expect(objection).toMatchObject({
      status: 'PENDING',
      handler: 'officer-a',
      channel: 'POST',
      target: { type: 'VIOLATION', id: first.id },
      // Received 19 days ago: the reply, due 5 working days after receipt, is late.
      overdue: true,
    });
    expect(await officer.getByTestId('handler').innerText()).toBe('officer-a');
    const due = officer.getByTestId('objection-facts').getByTestId('due');
    expect(await due.innerText()).toContain(shanghai(objection.dueBy));
    await due.getByTestId('overdue').waitFor();

    // The handler holds the reviewer's role too, but may not decide what they handle.
    const decision = officer.getByRole('form', { name: '异议决定' });
    await decision.locator('textarea[name=opinion]').fill('本人经办，拟不予采纳');
    await decision.getByRole('button', { name: '异议不成立' }).click();
    await confirmDialog(officer);
    await decision
      .getByRole('alert')
      .filter({ hasText: '两人原则：您是本异议的经办人，不能决定本事项，须由其他法制审核人员决定' })
      .waitFor();
    await screenshot(officer, 'due-05-objection-refused-to-handler');
    expect((await api('GET', `/v1/objections/${objection.id}`)).body.status).toBe('PENDING');

    // While it is pending, the listing waits for it.
    await openListing(officer);
    const waiting = await timelineStep(officer, 'effective');
    expect(waiting.state).toBe('current');
    expect(waiting.text).toContain('等待异议处理');
    const objections = officer.getByTestId('objections');
    expect(await objections.locator(`tr[data-objection="${objection.id}"]`).innerText()).toContain('待处理');
    expect((await listing()).status).toBe('PENDING');
    await screenshot(officer, 'due-06-timeline-objection-pending');

    // The legal reviewer: the dashboard counts it, the queue shows it late, and she decides it.
    const legal = await signIn(token.legalB);
    await legal.getByRole('link', { name: '统计', exact: true }).click();
    const figures = legal.getByTestId('figures');
    await figures.waitFor();
    const from = startOfShanghaiDay(new Date(Date.now() - 29 * DAY)).toISOString();
    const stats = (await api('GET', `/v1/stats?from=${from}&region=3305`)).body;
    expect(stats.asOfNow).toMatchObject({ pending: 1, overdueObjections: 1 });
    const figure = (label: string) => figures.locator(`[data-figure="${label}"]`);
    expect(await figure('拟列入').locator('.value').innerText()).toBe('1');
    expect(await figure('逾期异议').locator('.value').innerText()).toBe('1');
    expect(await figure('逾期异议').getAttribute('class')).toContain('danger');

    await legal.getByRole('link', { name: '异议处理', exact: true }).click();
    const row = legal.getByTestId('objections').locator(`tr[data-objection="${objection.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/违法记录[\s\S]*邮寄[\s\S]*officer-a[\s\S]*待处理/);
    expect(await row.getByTestId('due').innerText()).toMatch(new RegExp(`${shanghai(objection.dueBy)}\\s*逾期`));
    await screenshot(legal, 'due-07-objections-queue');
    await row.getByRole('link', { name: '处理' }).click();
    const reviewerForm = legal.getByRole('form', { name: '异议决定' });
    await reviewerForm.locator('textarea[name=opinion]').fill(REPLY);
    await reviewerForm.getByRole('button', { name: '异议不成立' }).click();
    expect(await confirmDialog(legal)).toContain(REPLY);
    await legal.getByRole('status').filter({ hasText: '已决定：异议不成立' }).waitFor();
    await legal.getByRole('heading', { name: /异议.*异议不成立/ }).waitFor();
    expect(await legal.getByTestId('reply').innerText()).toBe(REPLY);
    expect((await api('GET', `/v1/objections/${objection.id}`)).body).toMatchObject({
      status: 'REJECTED',
      decidedBy: 'legal-b',
      reply: REPLY,
    });
    // The violation stands; the listing waits only for the end of the period now.
    expect((await violation('due-0')).status).toBe('OPEN');
    await openListing(legal);
    const effect = await timelineStep(legal, 'effective');
    expect(effect.text).not.toContain('等待异议处理');
    expect(effect.text).toContain(n.periodEndsAt ? `预计 ${shanghai(n.periodEndsAt)}` : '日历缺失');
  });

  it('revokes a violation on a second person’s approval: the proposal waits, its proposer is refused, the listing is withdrawn', async () => {
    const officer = await signIn(token.officerA);
    await openListing(officer);
    const row = officer.locator('tr[data-violation="due-2"]');
    await row.getByRole('button', { name: '提请撤销' }).click();
    const form = officer.getByRole('form', { name: '提请撤销违法记录' });
    await form.locator('select[name=reason]').selectOption('称重设备故障');
    await form.locator('input[name=detail]').fill(REVOCATION_DETAIL);
    await form.getByRole('button', { name: '提交撤销申请' }).click();
    expect(await confirmDialog(officer)).toContain('须经法制审核人员（非提请人）审核同意方可撤销');
    await officer.getByRole('status').filter({ hasText: '已提请撤销，等待法制审核' }).waitFor();
    await row.getByTestId('revocation-pending').waitFor();
    expect(await row.getByRole('button', { name: '提请撤销' }).count()).toBe(0);
    // Nothing changes until it is approved.
    expect((await violation('due-2')).status).toBe('OPEN');
    expect((await listing()).status).toBe('PENDING');

    // The proposer, reviewer by role, is refused his own proposal.
    await officer.getByRole('link', { name: '撤销审核', exact: true }).click();
    const own = officer.getByTestId('revocations').locator(`tr[data-plate="${PLATE}"]`);
    await own.getByRole('button', { name: '审核' }).click();
    const ownForm = officer.getByRole('form', { name: '撤销审核' });
    await ownForm.locator('textarea[name=opinion]').fill('同意');
    await ownForm.getByRole('button', { name: '同意撤销', exact: true }).click();
    await confirmDialog(officer);
    await ownForm
      .getByRole('alert')
      .filter({ hasText: '两人原则：您是本次撤销的提请人，不能决定本事项，须由其他法制审核人员决定' })
      .waitFor();
    expect((await violation('due-2')).status).toBe('OPEN');

    // Legal reviewer B: the proposal in her queue, with reason, proposer and time; she approves.
    const legal = await signIn(token.legalB);
    await legal.getByRole('link', { name: '撤销审核', exact: true }).click();
    const proposal = (await api('GET', '/v1/revocations?status=PENDING')).body.items[0];
    const queued = legal.getByTestId('revocations').locator(`tr[data-revocation="${proposal.id}"]`);
    await queued.waitFor();
    expect(await queued.getByTestId('reason').innerText()).toBe(`称重设备故障：${REVOCATION_DETAIL}`);
    expect(await queued.getByTestId('proposer').innerText()).toBe('officer-a');
    expect(await queued.innerText()).toContain(shanghai(proposal.proposedAt));
    expect(await queued.innerText()).toContain(shanghai(at(4)));
    await queued.getByRole('button', { name: '审核' }).click();
    const review = legal.getByRole('form', { name: '撤销审核' });
    await review.locator('textarea[name=opinion]').fill('设备故障属实，同意撤销');
    await screenshot(legal, 'due-08-revocation-review');
    await review.getByRole('button', { name: '同意撤销', exact: true }).click();
    expect(await confirmDialog(legal)).toContain('此操作不可恢复');
    await legal.getByRole('status').filter({ hasText: '已同意撤销，违法记录已撤销并重新计数' }).waitFor();
    await legal.getByTestId('revocations').getByText('当前没有待办事项').waitFor();
    expect(await violation('due-2')).toMatchObject({
      status: 'REVOKED',
      revokedReason: `称重设备故障：${REVOCATION_DETAIL}`,
    });

    // Two trips left: the listing is withdrawn before it ever took effect, and the timeline says so.
    const ended = await listing();
    expect(ended).toMatchObject({ status: 'WITHDRAWN', endReason: 'RECOUNT_BELOW_THRESHOLD' });
    expect(ended.effectiveAt).toBeUndefined();
    const n = await notice();
    await officer.goto(`${staff.url}/console/#/listings/${listingId}`);
    await officer.getByRole('heading').getByText('未列入（生效前撤回）').waitFor();
    await officer.getByTestId('timeline').locator('li[data-step="ended"][data-state="done"]').waitFor();
    expect(await timelineStep(officer, 'reached')).toEqual({
      state: 'done',
      text: `达到条件\n${shanghai(ended.listedAt)}\n违法超限运输 3 趟次`,
    });
    expect(await timelineStep(officer, 'notice')).toEqual({
      state: 'done',
      text: `制发告知书\n${shanghai(n.issuedAt)}\n${n.noticeNo}`,
    });
    expect(await timelineStep(officer, 'served')).toEqual({
      state: 'done',
      text: `送达\n${shanghai(n.servedAt)}\n直接送达`,
    });
    expect(await timelineStep(officer, 'effective')).toMatchObject({
      state: 'skipped',
      text: expect.stringContaining('未生效'),
    });
    expect(await timelineStep(officer, 'published')).toMatchObject({ state: 'skipped' });
    expect(await timelineStep(officer, 'ended')).toEqual({
      state: 'done',
      text: `结束\n${shanghai(ended.endedAt)}\n未列入（生效前撤回）：撤销违法记录后未达列入标准`,
    });
    await officer
      .locator('tr[data-violation="due-2"]')
      .getByText(`撤销理由：称重设备故障：${REVOCATION_DETAIL}`)
      .waitFor();
    await screenshot(officer, 'due-09-timeline-withdrawn');
  });
});
