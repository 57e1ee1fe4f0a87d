import { TOPIC, type Topics } from '@oc/contracts';
import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { companyIdNo, RegistryTopics } from '../registry/support/registry-kafka';
import { asRead, readToEnd, topicCounts, violationsOf } from './support/published-documents';

const SECRET = 'contracts-topics-e2e-secret-0123456789abcdef';
/** The consumed topics and their dead-letter queues (SPEC §3). */
const DEAD_LETTER_QUEUES: Partial<Record<keyof Topics, keyof Topics>> = {
  weighingEvents: 'weighingEventsDlq',
  gateDecisions: 'gateDecisionsDlq',
  registryStations: 'registryStationsDlq',
  registryVehicles: 'registryVehiclesDlq',
  registryPermits: 'registryPermitsDlq',
  noticeReceipts: 'noticeReceiptsDlq',
};
/** Dead-letter codes about the message's shape: what a schema can say. */
const SHAPE_CODES = new Set(['BAD_JSON', 'SCHEMA_INVALID', 'TOO_LARGE', 'INVALID_JSON', 'VALIDATION_FAILED']);
const DAY = 86_400_000;

interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, read loosely
  body: any;
}

/**
 * Every message the running apps put on, or took from, every topic of SPEC §3, §4.7, §4.9, §4.10 and §5
 * conforms to the committed asyncapi.yaml, checked with ajv as a vendor would check it: a story that
 * touches each topic (registries, weighings, a listing in effect and published, its notice and receipt,
 * the gate's turn-back, the cases processed and referred, the company listed, audit anchors) plus one bad
 * message per consumed topic for its dead-letter queue.
 */
describe('conformance: every message on every topic against asyncapi.yaml (running apps)', () => {
  let s: Scenario;
  let gate: RunningApp;
  let staff: RunningApp;
  let registry: RegistryTopics;
  let stationKey: string;
  const plate = '浙E86001';
  const operatorId = companyIdNo(86);
  const token = { officer: '', legal: '', repair: '' };

  const call = async (method: 'GET' | 'POST', path: string, bearer: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${staff.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const issue = async (sub: string, roles: string): Promise<string> => {
    const r = await runCli(['token:issue', '--sub', sub, '--roles', roles], s.env({ STAFF_JWT_SECRET: SECRET }));
    expect(r).toMatchObject({ code: 0 });
    return r.stdout.trim();
  };

  beforeAll(async () => {
    s = await Scenario.create('ctopics');
    const issued = await runCli(['station:add', '330500001'], s.env());
    expect(issued.code).toBe(0);
    stationKey = issued.stdout.trim();
    const env = { NOTICE_PERIOD_WORKING_DAYS: '0', AUDIT_ANCHOR_INTERVAL_MS: '1000', STAFF_JWT_SECRET: SECRET };
    await s.startIngest(env);
    [gate, staff] = await Promise.all([s.startApp('gate-api', env), s.startApp('staff-api', env)]);
    registry = new RegistryTopics(s);
    [token.officer, token.legal, token.repair] = await Promise.all([
      issue('officer-c', 'OFFICER'),
      issue('legal-c', 'LEGAL_REVIEWER'),
      issue('repair-c', 'REPAIR_REVIEWER'),
    ]);
  });
  afterAll(async () => {
    await registry?.close();
    await s?.close();
  });

  it('sees every topic used and every message conform to its channel: payload, key and DLQ headers', async () => {
    const t = s.topics;
    // Registries first, so that the listing's notice names its registered party and company.
    await registry.produce(t.registryStations, [
      {
        key: '330521009',
        value: JSON.stringify({
          stationId: '330521009',
          name: '德清治超站',
          divisionCode: '330521',
          kind: 'WEIGH_STATION',
        }),
      },
      { key: '330521010', value: '{"stationId":' },
    ]);
    await registry.produce(t.registryVehicles, [
      {
        key: `1:${plate}`,
        value: JSON.stringify({
          plate,
          plateColor: 1,
          owner: { name: '湖州通达运输有限公司', type: 'COMPANY', idNo: operatorId, phone: '0572-7654321' },
          operatorId,
          transportCertNo: '浙交运管湖字330500008601号',
          registrationRegion: '330502',
        }),
      },
      { key: '1:浙E86002', value: JSON.stringify({ plate: '浙E86002', plateColor: 'PURPLE' }) },
    ]);
    await registry.produce(t.registryPermits, [
      {
        key: 'ZJ-C-1',
        value: JSON.stringify({
          permitNo: 'ZJ-C-1',
          plate: '浙E86003',
          plateColor: 1,
          validFrom: '2026-01-01T00:00:00+08:00',
          validTo: '2026-12-31T23:59:59+08:00',
          maxGrossWeightKg: 60000,
          status: 'ISSUED',
        }),
      },
      { key: 'ZJ-C-2', value: null },
      { key: 'ZJ-C-3', value: JSON.stringify({ permitNo: 'ZJ-C-4' }) },
    ]);
    await Promise.all(
      [t.registryStations, t.registryVehicles, t.registryPermits].map((x) => registry.waitUntilConsumed(x)),
    );

    // Three trips → a listing in effect at once (NOTICE_PERIOD_WORKING_DAYS=0), its notice, the company's.
    const now = Date.now();
    await s.produce([
      ...[20, 10, 5].map((daysAgo, i) =>
        violationEvent({
          eventId: `ctopics-${i}`,
          plate,
          measuredAt: new Date(now - daysAgo * DAY),
          evidence: { imageUrls: [`https://cam.example/ctopics-${i}.jpg`] },
        }),
      ),
      { key: '1:浙E86009', value: JSON.stringify({ eventId: 'ctopics-bad', plateColor: 'PURPLE' }) },
    ]);
    const listing = await eventually(
      async () => {
        const [l] = await s.query<{ id: string }>(
          `SELECT id FROM listings WHERE vehicle_key = $1 AND status = 'LISTED'`,
          [`1:${plate}`],
        );
        return l;
      },
      { what: `${plate} LISTED`, timeoutMs: 30000 },
    );

    // The notification channel's receipt for the notice, and two it cannot have sent.
    const [notice] = await s.readTopic(t.notices, 1);
    const noticeId = (JSON.parse(notice!.value!.toString()) as { noticeId: string }).noticeId;
    await registry.produce(t.noticeReceipts, [
      {
        key: noticeId,
        value: JSON.stringify({
          receiptId: 'ctopics-r1',
          noticeId,
          channel: 'SMS',
          deliveredAt: new Date().toISOString(),
        }),
      },
      { key: '00000000-0000-4000-8000-000000000000', value: '{"receiptId":' },
    ]);

    // Publication by two people, then the gate turns the truck back.
    expect(
      await call('POST', `/v1/listings/${listing.id}/publication-proposal`, token.officer, {
        decisionNo: '湖交超决〔2026〕86号',
        legalBasis: '交通运输部令2016年第62号',
      }),
    ).toMatchObject({ status: 200 });
    expect(
      await call('POST', `/v1/listings/${listing.id}/publication-review`, token.legal, {
        approve: true,
        opinion: '同意',
      }),
    ).toMatchObject({ status: 200 });
    await eventually(
      async () => {
        const res = await fetch(
          `${gate.url}/v1/gate/decision?plate=${encodeURIComponent(plate)}&plateColor=1&laneId=L2`,
          {
            headers: { authorization: `Bearer ${stationKey}` },
          },
        );
        return ((await res.json()) as { decision: string }).decision === 'TURN_BACK';
      },
      { what: 'the gate to turn the listed truck back', timeoutMs: 15000 },
    );
    // The gate is ours, but a record on its topic that is not a decision is dead-lettered too.
    await registry.produce(t.gateDecisions, [{ key: `1:${plate}`, value: JSON.stringify({ decisionId: 'forged' }) }]);

    // Every case processed (已处理) → the referral to the registration region (抄告).
    const violations = await s.query<{ id: string }>(`SELECT id FROM violations WHERE listing_id = $1`, [listing.id]);
    for (const [i, v] of violations.entries()) {
      expect(
        await call('POST', `/v1/violations/${v.id}/processing`, token.officer, {
          caseNo: `湖交罚〔2026〕86${i}号`,
          fineYuan: 2000,
          processedAt: new Date(now - 3600_000).toISOString(),
        }),
      ).toMatchObject({ status: 200 });
    }

    // The company (one registered truck, listed) became a candidate: its steps before the truck's repair.
    await eventually(
      async () =>
        [...(await topicCounts(s.kafka, [t.companyListingEvents, t.companyNotices])).values()].every((n) => n > 0),
      { what: 'the company listed and its notice issued', timeoutMs: 30000, intervalMs: 500 },
    );
    // Credit repair (信用修复) by two people: the listing ends REPAIRED and its posting is withdrawn.
    const repair = await call('POST', '/v1/credit-repairs', token.officer, {
      listingId: listing.id,
      applicant: { name: '湖州通达运输有限公司', type: 'COMPANY', contact: '0572-7654321' },
      commitment: true,
      rectification: '已卸载超限货物，驾驶员完成培训',
      attachments: ['https://files.example/commitment.pdf'],
    });
    expect(repair).toMatchObject({ status: 201 });
    expect(
      await call('POST', `/v1/credit-repairs/${repair.body.id}/review`, token.repair, {
        approve: true,
        opinion: '同意修复',
      }),
    ).toMatchObject({ status: 200 });
    await eventually(
      async () =>
        (await s.query(`SELECT 1 FROM listings WHERE id = $1 AND status = 'REPAIRED'`, [listing.id])).length > 0,
      { what: 'the listing REPAIRED', timeoutMs: 15000 },
    );

    const used = [
      t.weighingEvents,
      t.weighingEventsDlq,
      t.listingEvents,
      t.gateDecisions,
      t.gateDecisionsDlq,
      t.registryStations,
      t.registryStationsDlq,
      t.registryVehicles,
      t.registryVehiclesDlq,
      t.registryPermits,
      t.registryPermitsDlq,
      t.notices,
      t.noticeReceipts,
      t.noticeReceiptsDlq,
      t.caseReferrals,
      t.companyListingEvents,
      t.companyNotices,
      t.auditAnchors,
    ];
    // The asynchronous ones (relay, scheduler, gate publisher, anchors) arrive when they arrive.
    await eventually(async () => [...(await topicCounts(s.kafka, used)).values()].every((n) => n > 0), {
      what: 'a message on every topic of the story',
      timeoutMs: 60000,
      intervalMs: 500,
    });

    const names = Object.keys(TOPIC) as (keyof Topics)[];
    const read = await readToEnd(
      s.kafka,
      `${s.topicPrefix}conformance`,
      names.map((n) => t[n]),
    );
    // A consumed message that was dead-lettered for its shape must be one the schema refuses too (the
    // document may not allow what the consumer refuses); one refused for a rule of the data (an unknown
    // station, a receipt of a served notice) says nothing about the schema.
    const deadLettered = new Map<string, string>();
    for (const [consumed, dlq] of Object.entries(DEAD_LETTER_QUEUES) as [keyof Topics, keyof Topics][]) {
      for (const { message } of read.get(t[dlq])!) {
        const h = asRead(message).headers;
        deadLettered.set(`${t[consumed]}/${h['original-partition']}/${h['original-offset']}`, h['error-code']!);
      }
    }
    const seen: Record<string, number> = {};
    const problems: string[] = [];
    let refusedByBoth = 0;
    for (const name of names) {
      const address = TOPIC[name];
      seen[address] = read.get(t[name])!.length;
      for (const { partition, message } of read.get(t[name])!) {
        const at = `${address} ${partition}/${message.offset}`;
        const violations = violationsOf(address, message);
        const code = deadLettered.get(`${t[name]}/${partition}/${message.offset}`);
        if (code === undefined) problems.push(...violations.map((v) => `${at}: ${v}`));
        else if (SHAPE_CODES.has(code)) {
          if (violations.length === 0) problems.push(`${at}: dead-lettered ${code}, but the schema takes it`);
          else refusedByBoth++;
        }
      }
    }
    expect(problems).toEqual([]);
    // Nothing left out: every topic of the document carried at least one message in the story.
    expect(Object.entries(seen).filter(([, n]) => n === 0)).toEqual([]);
    expect(refusedByBoth).toBeGreaterThanOrEqual(Object.keys(DEAD_LETTER_QUEUES).length);
    // The listing's whole life was on the topic, the withdrawal with its reason.
    const steps = read.get(t.listingEvents)!.map((m) => asRead(m.message).value as { type: string; reason?: string });
    expect(steps.map((e) => `${e.type}${e.reason ? `:${e.reason}` : ''}`)).toEqual(
      expect.arrayContaining(['LISTED', 'PUBLISHED', 'REPAIRED', 'POSTING_WITHDRAWN:REPAIRED']),
    );
  });
});
