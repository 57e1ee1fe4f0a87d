import type { DecisionContents } from './credit-plan';

/**
 * 道路运输企业拟列入严重失信名单告知书 (SPEC §4.9, §4.10; docs/rules.md "Company listings"): the company
 * is told the grounds (its vehicles with a listing in effect within the counting window against its
 * registered fleet), the basis (交办公路〔2017〕8号), the consequences, its rights and the period, as a
 * vehicle's party is. Kept as issued. `kind` tells it from a vehicle's notice (notice-document.ts).
 */
export interface CompanyParty {
  /** The company's name as the vehicle registry gives it (an owner of type COMPANY with this code); null: unknown. */
  name: string | null;
  operatorId: string;
}

export interface CompanyNoticeVehicle {
  plate: string;
  plateColor: number;
  listingId: string;
  effectiveAt: string;
}

export interface CompanyNoticeDocumentInput {
  noticeNo: string;
  issuedAt: Date;
  party: CompanyParty;
  listedAt: Date;
  fleetSize: number;
  vehicles: CompanyNoticeVehicle[];
  companyListingPercent: number;
  countWindowDays: number;
  noticePeriodWorkingDays: number;
  objectionReplyWorkingDays: number;
  listingValidityDays: number;
  publicationDays: number;
}

export interface CompanyNoticeDocument {
  kind: 'COMPANY';
  title: string;
  noticeNo: string;
  issuedAt: string;
  party: CompanyParty;
  serviceHint: 'TO_PARTY' | 'ANNOUNCEMENT';
  listedAt: string;
  fleetSize: number;
  vehicles: CompanyNoticeVehicle[];
  grounds: string;
  basis: string[];
  consequences: string[];
  rights: string[];
  period: { workingDays: number; text: string };
  repair: string[];
}

const COMPANY_BASIS = [
  '《交通运输部办公厅关于进一步做好货车非法改装和超限超载治理工作的意见》（交办公路〔2017〕8号）',
  '《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）',
  '《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）',
];

function share(vehicles: number, fleet: number): string {
  return `${vehicles}辆（登记车辆${fleet}辆的${((vehicles * 100) / fleet).toFixed(1)}%）`;
}

export function composeCompanyNoticeDocument(input: CompanyNoticeDocumentInput): CompanyNoticeDocument {
  const period = input.noticePeriodWorkingDays;
  const n = input.vehicles.length;
  return {
    kind: 'COMPANY',
    title: '道路运输企业拟列入严重失信当事人名单告知书',
    noticeNo: input.noticeNo,
    issuedAt: input.issuedAt.toISOString(),
    party: input.party,
    serviceHint: input.party.name ? 'TO_PARTY' : 'ANNOUNCEMENT',
    listedAt: input.listedAt.toISOString(),
    fleetSize: input.fleetSize,
    vehicles: input.vehicles,
    grounds:
      `经查，贵单位登记的货运车辆中，${input.countWindowDays}日内因违法超限运输列入违法失信清单并生效的车辆共` +
      `${share(n, input.fleetSize)}，超过${input.companyListingPercent}%，达到列入严重失信当事人名单的条件。车辆清单附后。`,
    basis: COMPANY_BASIS,
    consequences: [
      '列入后依法实施联合惩戒，信息经法制审核后依法公示；本名单不直接导致车辆在高速公路入口被劝返。',
      `公示期${input.publicationDays}日；列入有效期${input.listingValidityDays}日，自列入生效之日起计算。`,
    ],
    rights: [
      '贵单位对告知内容有异议的，有权进行陈述和申辩，可对拟列入决定提出异议。',
      '异议可当面、邮寄、电话或网上提交，请附相关证明材料。',
      `异议经核实后于${input.objectionReplyWorkingDays}个工作日内答复；异议处理期间不列入。`,
    ],
    period: {
      workingDays: period,
      text:
        period > 0
          ? `自本告知书送达之日起${period}个工作日内（送达当日不计入）未提出异议，或异议不成立的，列入严重失信当事人名单。`
          : '按本地规定，列入自达到条件之日起生效；贵单位仍可提出异议。',
    },
    repair: ['所列车辆的违法失信清单被撤销致使条件不再成立的，本名单随之撤销。', '有效期届满自动移出。'],
  };
}

/** The standard contents of a company's publication decision (决定书, §4.4) when the proposer gives none. */
export function standardCompanyDecisionContents(
  vehicleCount: number,
  fleetSize: number,
  rules: { listingValidityDays: number; publicationDays: number; companyListingPercent: number },
): DecisionContents {
  return {
    grounds: `该企业登记的货运车辆中列入违法失信清单并生效的共${share(vehicleCount, Math.max(fleetSize, 1))}，超过${rules.companyListingPercent}%，经告知、陈述申辩程序后列入。`,
    basis: COMPANY_BASIS.join('；') + '。',
    measures: `列入严重失信当事人名单，依法公示${rules.publicationDays}日并实施联合惩戒；列入有效期${rules.listingValidityDays}日。`,
    removal: '有效期届满自动移出；所列车辆清单被撤销致使条件不再成立的，撤销本名单并终止公示。',
    remedies: '对本决定不服的，可依法申请行政复议或者提起行政诉讼。',
    repairNotice:
      '信用修复告知：所列车辆依法完成信用修复的，不影响本名单已生效部分；条件不再成立的，依程序撤销并终止公示。',
  };
}
