import {
  citizenIdCheckChar,
  composeCompanyNoticeDocument,
  composeNoticeDocument,
  creditCodeCheckChar,
  noticeNumber,
} from '@oc/domain';
import { AUDIT_ANCHOR_KEY } from '../audit-anchors-v1/audit-anchor';

/**
 * One example per message, as a producer would send it. The notice documents are composed by the domain's
 * own composer (what the service publishes); the test of the document checks that each example passes its
 * schema, and the conformance tier that the consumer takes the consumed ones.
 */
const LISTING = '0b6f4c1e-5a2d-4c3b-9e8f-1a2b3c4d5e6f';
const NOTICE = '7d9e2f10-3c4b-4a5d-8e6f-0a1b2c3d4e5f';
const COMPANY_LISTING = '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c';
const VIOLATIONS = ['11111111-2222-4333-8444-555555555551', '11111111-2222-4333-8444-555555555552'];
const withCheck = (first17: string, check: (s: string) => string): string => first17 + check(first17);
export const EXAMPLE_OPERATOR_ID = withCheck('91330500MA2B12345', creditCodeCheckChar);
const citizenId = withCheck('33050219800101001', citizenIdCheckChar);
const issuedAt = new Date('2026-09-20T02:05:00Z');
const noticeNo = noticeNumber(2026, 12);

export const WEIGH_EVENT_KEY = '1:浙E12345';
export const weighEventExample = {
  eventId: 'st-330500001:2026-12-03:000123',
  source: 'TOLL_ENTRY',
  stationId: '330500001',
  laneId: 'L03',
  measuredAt: '2026-12-03T08:15:00+08:00',
  plate: '浙E12345',
  plateColor: 1,
  axles: 6,
  combination: true,
  singleDriveAxle: false,
  grossWeightKg: 55000,
  cargo: 'LADEN',
  evidence: {
    imageUrls: ['https://cam.station.example/330500001/000123-1.jpg', 'http://10.12.0.7:8080/snap/000123-2.jpg'],
    deviceCertNo: 'JJG-2026-0017',
  },
};

export const gateDecisionExample = {
  decisionId: '6f1c0e5e-2f0b-4d7e-9a39-0b9f3d2f6a11',
  stationId: '330500001',
  laneId: 'L03',
  plate: '浙E12345',
  plateColor: 1,
  decision: 'TURN_BACK',
  reasons: ['DISHONESTY_LIST'],
  at: '2026-12-03T00:15:01.120Z',
};

export const listingEventExample = {
  eventId: `${LISTING}:LISTED`,
  type: 'LISTED',
  listingId: LISTING,
  plate: '浙E12345',
  plateColor: 1,
  at: '2026-10-10T16:00:00.000Z',
  violationCount: 3,
};

const weighing = (i: number) => ({
  violationId: VIOLATIONS[i]!,
  eventId: `st-330500001:2026-09-${10 + i * 10}:00004${i}`,
  stationId: '330500001',
  stationName: '湖州东收费站入口',
  measuredAt: `2026-09-${10 + i * 10}T02:00:00.000Z`,
  axles: 6,
  grossWeightKg: 61000,
  limitKg: 49000,
  overKg: 12000,
  evidence: { imageUrls: [`https://cam.station.example/330500001/00004${i}.jpg`] },
});

export const noticeExample = {
  noticeId: NOTICE,
  noticeNo,
  listingId: LISTING,
  plate: '浙E12345',
  plateColor: 1,
  issuedAt: issuedAt.toISOString(),
  contactPhone: '0572-1234567',
  document: composeNoticeDocument({
    noticeNo,
    issuedAt,
    plate: '浙E12345',
    plateColor: 1,
    listedAt: issuedAt,
    party: {
      ownerName: '张三',
      ownerType: 'PERSON',
      ownerIdNo: citizenId,
      operatorId: EXAMPLE_OPERATOR_ID,
      transportCertNo: '浙交运管湖字330500000777号',
      registrationRegion: '330502',
    },
    trips: [0, 1].map((i) => ({ tripId: VIOLATIONS[i]!, weighings: [weighing(i)] })),
    noticePeriodWorkingDays: 5,
    objectionReplyWorkingDays: 5,
    listingValidityDays: 365,
    publicationDays: 180,
    listingThreshold: 3,
  }),
};

export const companyNoticeExample = {
  noticeId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
  noticeNo: noticeNumber(2026, 13),
  companyListingId: COMPANY_LISTING,
  operatorId: EXAMPLE_OPERATOR_ID,
  issuedAt: issuedAt.toISOString(),
  document: composeCompanyNoticeDocument({
    noticeNo: noticeNumber(2026, 13),
    issuedAt,
    party: { name: '湖州顺达物流有限公司', operatorId: EXAMPLE_OPERATOR_ID },
    listedAt: issuedAt,
    fleetSize: 8,
    vehicles: [{ plate: '浙E12345', plateColor: 1, listingId: LISTING, effectiveAt: '2026-10-10T16:00:00.000Z' }],
    companyListingPercent: 10,
    countWindowDays: 365,
    noticePeriodWorkingDays: 5,
    objectionReplyWorkingDays: 5,
    listingValidityDays: 365,
    publicationDays: 180,
  }),
};

export const companyListingEventExample = {
  eventId: `${COMPANY_LISTING}:PENDING`,
  type: 'PENDING',
  companyListingId: COMPANY_LISTING,
  operatorId: EXAMPLE_OPERATOR_ID,
  at: issuedAt.toISOString(),
  vehicleCount: 1,
  fleetSize: 8,
};

export const caseReferralExample = {
  referralId: `${LISTING}:REFERRAL`,
  at: '2026-11-02T01:30:00.000Z',
  listingId: LISTING,
  plate: '浙E12345',
  plateColor: 1,
  registrationRegion: '330502',
  transportCertNo: '浙交运管湖字330500000777号',
  owner: { name: '张三', type: 'PERSON', idNo: citizenId },
  decisionNo: '湖交超决〔2026〕7号',
  effectiveAt: '2026-10-10T16:00:00.000Z',
  cases: [0, 1].map((i) => ({
    violationId: VIOLATIONS[i]!,
    eventId: weighing(i).eventId,
    stationId: '330500001',
    measuredAt: weighing(i).measuredAt,
    overKg: 12000,
    caseNo: `湖交罚〔2026〕10${i}号`,
    fineYuan: 1000,
    processedAt: '2026-11-01T08:00:00.000Z',
  })),
};

export const auditAnchorKey = AUDIT_ANCHOR_KEY;
export const auditAnchorExample = {
  slot: '2026-12-03T08:00:00.000Z',
  seq: '1842',
  hash: '9f2c'.repeat(16),
  hmac: '41ab'.repeat(16),
  anchoredAt: '2026-12-03T08:00:31.120Z',
  keyId: '0f1e2d3c4b5a6978',
  mac: 'c3d4'.repeat(16),
};

export const stationRecordExample = {
  stationId: '330500001',
  name: '湖州东收费站入口',
  divisionCode: '330500',
  kind: 'TOLL_ENTRY',
  activeFrom: '2026-01-01T00:00:00+08:00',
};

export const vehicleRecordExample = {
  plate: '浙E12345',
  plateColor: 1,
  owner: { name: '张三', type: 'PERSON', idNo: citizenId, phone: '0572-1234567' },
  operatorId: EXAMPLE_OPERATOR_ID,
  transportCertNo: '浙交运管湖字330500000777号',
  certIssuedAt: '2024-03-01T00:00:00+08:00',
  registrationRegion: '330502',
};

export const permitRecordExample = {
  permitNo: 'ZJ2026-DJ-000815',
  plate: '浙E12345',
  plateColor: 1,
  validFrom: '2026-12-01T00:00:00+08:00',
  validTo: '2026-12-31T23:59:59+08:00',
  maxGrossWeightKg: 70000,
  axles: 6,
  stationIds: ['330500001'],
  status: 'ISSUED',
};

export const noticeReceiptExample = {
  receiptId: 'sms-gw-20260928-000451',
  noticeId: NOTICE,
  channel: 'SMS',
  deliveredAt: '2026-09-28T09:12:44.512+08:00',
};

export const deadLetterExample = {
  headers: {
    'error-code': 'SCHEMA_INVALID',
    'error-detail': JSON.stringify([
      {
        field: 'plateColor',
        message: 'plateColor must be one of the codes 0-7, 11, 12 or their names (BLUE, YELLOW, …)',
      },
    ]),
    'original-topic': 'weighing.events.v1',
    'original-partition': '3',
    'original-offset': '1842',
    'failed-at': '2026-12-03T00:15:02.031Z',
  },
  payload: { ...weighEventExample, plateColor: 'PURPLE' },
};
