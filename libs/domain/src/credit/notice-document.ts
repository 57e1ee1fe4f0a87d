import { SHANGHAI_UTC_OFFSET_MINUTES } from '../time/shanghai-day';
import { MS_PER_MINUTE } from '../time/time';

/**
 * 违法失信清单拟列入告知书 (SPEC §4.10, docs/rules.md "Notices"): what the party is told before a listing
 * takes effect — the grounds (the counted trips with their weighings and evidence), the basis, the
 * consequences, the right to state and object within the period and how, and the repair conditions
 * (国办发〔2020〕49号 (八): 认定前告知理由、依据和权利). Built once at issue and kept as issued: a
 * later change of the registry or of the texts never rewrites what the party was told.
 */
export const NOTICE_NUMBER_PREFIX = '湖交超告';

/** 湖交超告〔2026〕12号: sequential per year of issue (Asia/Shanghai). */
export function noticeNumber(year: number, seq: number): string {
  return `${NOTICE_NUMBER_PREFIX}〔${year}〕${seq}号`;
}

/** The Asia/Shanghai calendar year of an instant (notice numbers run per year). */
export function shanghaiYear(instant: Date): number {
  return new Date(instant.getTime() + SHANGHAI_UTC_OFFSET_MINUTES * MS_PER_MINUTE).getUTCFullYear();
}

export interface NoticeParty {
  ownerName: string;
  ownerType: 'PERSON' | 'COMPANY';
  ownerIdNo: string;
  operatorId: string | null;
  transportCertNo: string | null;
  registrationRegion: string;
}

export interface NoticeWeighing {
  violationId: string;
  eventId: string;
  stationId: string;
  stationName: string | null;
  measuredAt: string;
  axles: number;
  grossWeightKg: number;
  limitKg: number;
  overKg: number;
  evidence: unknown;
}

export interface NoticeDocumentInput {
  noticeNo: string;
  issuedAt: Date;
  plate: string;
  plateColor: number;
  listedAt: Date;
  /** null: the vehicle is not registered; the notice is then served by announcement (公告送达). */
  party: NoticeParty | null;
  /** The counted trips, in order, each with its weighings. */
  trips: { tripId: string; weighings: NoticeWeighing[] }[];
  noticePeriodWorkingDays: number;
  objectionReplyWorkingDays: number;
  listingValidityDays: number;
  publicationDays: number;
  listingThreshold: number;
}

export interface NoticeDocument {
  title: string;
  noticeNo: string;
  issuedAt: string;
  party: NoticeParty | null;
  /** How the notice is to be served: to the registered party, or by announcement when there is none. */
  serviceHint: 'TO_PARTY' | 'ANNOUNCEMENT';
  vehicle: { plate: string; plateColor: number };
  listedAt: string;
  grounds: string;
  trips: { seq: number; tripId: string; weighings: NoticeWeighing[] }[];
  basis: string[];
  consequences: string[];
  rights: string[];
  period: { workingDays: number; text: string };
  repair: string[];
}

export function composeNoticeDocument(input: NoticeDocumentInput): NoticeDocument {
  const n = input.trips.length;
  const period = input.noticePeriodWorkingDays;
  return {
    title: '违法失信清单拟列入告知书',
    noticeNo: input.noticeNo,
    issuedAt: input.issuedAt.toISOString(),
    party: input.party,
    serviceHint: input.party ? 'TO_PARTY' : 'ANNOUNCEMENT',
    vehicle: { plate: input.plate, plateColor: input.plateColor },
    listedAt: input.listedAt.toISOString(),
    grounds:
      `经查，该车辆在统计期内违法超限运输${n}次（同一行程内多次称重计为一次），` +
      `达到列入违法失信清单的条件（${input.listingThreshold}次以上）。各次违法行为及称重记录附后。`,
    trips: input.trips.map((t, i) => ({ seq: i + 1, tripId: t.tripId, weighings: t.weighings })),
    basis: [
      '《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）第三条',
      '《湖州市高速公路超限超载“违法失信清单”管理办法（暂行）》',
      '《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）',
    ],
    consequences: [
      '列入违法失信清单后，车辆（空载除外）在各高速公路入口予以劝返，禁止驶入高速公路。',
      `列入信息经法制审核后依法公示，公示期${input.publicationDays}日。`,
      `列入有效期${input.listingValidityDays}日，自列入生效之日起计算。`,
    ],
    rights: [
      '当事人对告知内容有异议的，有权进行陈述和申辩，可对称重记录、违法行为或拟列入决定提出异议。',
      '异议可当面、邮寄、电话或网上提交，请附相关证明材料。',
      `异议经核实后于${input.objectionReplyWorkingDays}个工作日内答复；异议处理期间不列入。`,
    ],
    period: {
      workingDays: period,
      text:
        period > 0
          ? `自本告知书送达之日起${period}个工作日内（送达当日不计入）未提出异议，或异议不成立的，列入违法失信清单。`
          : '按本地规定，列入自达到条件之日起生效；当事人仍可提出异议。',
    },
    repair: [
      '违法行为全部处理完毕（已处理）后，当事人可申请信用修复，并签署信用承诺书、提交整改材料。',
      '信用修复经审核通过的，移出违法失信清单，终止公示，解除劝返。',
    ],
  };
}

/**
 * The standard contents of a publication decision (决定书, §4.4) when the proposer gives none: the
 * same grounds, basis, consequences, rights and repair conditions the notice told the party.
 */
export function standardDecisionContents(
  violationCount: number,
  rules: { listingValidityDays: number; publicationDays: number; listingThreshold: number },
): {
  grounds: string;
  basis: string;
  measures: string;
  removal: string;
  remedies: string;
  repairNotice: string;
} {
  return {
    grounds: `该车辆在统计期内违法超限运输${violationCount}次，达到列入违法失信清单的条件（${rules.listingThreshold}次以上），经告知、陈述申辩程序后列入。`,
    basis:
      '《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）；《湖州市高速公路超限超载“违法失信清单”管理办法（暂行）》；国办发〔2020〕49号。',
    measures: `在各高速公路入口予以劝返（空载车辆除外），禁止驶入高速公路；列入有效期${rules.listingValidityDays}日，失信信息公示${rules.publicationDays}日。`,
    removal: '有效期届满自动移出；违法行为全部处理完毕后可申请信用修复，经审核通过移出清单并终止公示。',
    remedies: '对本决定不服的，可依法申请行政复议或者提起行政诉讼。',
    repairNotice:
      '信用修复告知：当事人在违法行为全部处理完毕后，可签署信用承诺书、提交整改材料申请信用修复；修复通过后终止公示、停止共享、解除劝返。',
  };
}
