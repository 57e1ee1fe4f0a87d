import { ApiError } from './api';
import type { CreditAuditAction } from '../../../../libs/domain/src/credit/credit-audit';
import type {
  GateReason,
  ListingStatus,
  NoticeServiceMethod,
  NoticeStatus,
  ObjectionChannel,
  ObjectionStatus,
  ObjectionTargetType,
  PostingEndReason,
  PostingStatus,
  OwnerType,
  RevocationView,
  PermitCheck,
  PermitStatus,
  StaffRole,
  StationKind,
  VehicleCreditState,
  WeighingClassification,
} from './api-types';

// Every word the pages show for a code of the API (zh-CN).

export const ROLE_NAMES: Record<StaffRole, string> = {
  OFFICER: '执法人员',
  LEGAL_REVIEWER: '法制审核人员',
  REPAIR_REVIEWER: '信用修复审核人员',
  ADMIN: '系统管理员',
};

/** Toll-system plate colours (SPEC §4.1). */
export const PLATE_COLORS: { code: number; name: string }[] = [
  { code: 1, name: '黄色' },
  { code: 0, name: '蓝色' },
  { code: 2, name: '黑色' },
  { code: 3, name: '白色' },
  { code: 4, name: '渐变绿色' },
  { code: 5, name: '黄绿双拼色' },
  { code: 6, name: '蓝白渐变色' },
  { code: 7, name: '临时牌照' },
  { code: 11, name: '绿色' },
  { code: 12, name: '红色' },
];

export function plateColorName(code: number): string {
  return PLATE_COLORS.find((c) => c.code === code)?.name ?? `颜色代码 ${code}`;
}

export const LISTING_STATUS_NAMES: Record<ListingStatus, string> = {
  PENDING: '拟列入（告知中）',
  LISTED: '已列入（待公示）',
  PUBLISHED: '已公示',
  REPAIRED: '已信用修复',
  EXPIRED: '期满移出',
  REVOKED: '已撤销',
  WITHDRAWN: '未列入（生效前撤回）',
};

export const VEHICLE_STATE_NAMES: Record<VehicleCreditState, string> = {
  CLEAR: '正常',
  WATCH: '预失信（观察）',
  PENDING: '拟列入失信清单（告知中）',
  LISTED: '已列入失信清单',
  PUBLISHED: '已失信公示',
};

export const VIOLATION_STATUS_NAMES: Record<string, string> = {
  OPEN: '待处理',
  PROCESSED: '已处理',
  REVOKED: '已撤销',
};

export const REPAIR_STATUS_NAMES: Record<string, string> = {
  PENDING: '待审核',
  APPROVED: '已通过',
  REJECTED: '已驳回',
};

export const APPLICANT_TYPE_NAMES: Record<OwnerType, string> = { PERSON: '自然人', COMPANY: '企业' };

/** A weighing's classification (SPEC §4.2). */
export const CLASSIFICATION_NAMES: Record<WeighingClassification, string> = {
  COMPLIANT: '未超限',
  TOLERATED: '入口容差内',
  WARNING: '超限警告（未计次）',
  VIOLATION: '违法超限运输',
  EXEMPT_PERMIT: '持有效通行证',
  UNIDENTIFIED: '车牌未识别',
};

/** Why a permit (超限运输车辆通行证) did not exempt a weighing (SPEC §4.2, 62号令 第二十七条). */
export const PERMIT_CHECK_NAMES: Record<PermitCheck, string> = {
  UNKNOWN_PERMIT: '通行证不存在',
  REVOKED: '通行证已撤销',
  OTHER_VEHICLE: '非本车通行证',
  NOT_VALID_AT_TIME: '不在有效期内',
  OVER_PERMITTED_WEIGHT: '超过许可总质量',
  OFF_ROUTE: '不在许可路线站点',
};

export const PERMIT_STATUS_NAMES: Record<PermitStatus, string> = { ISSUED: '有效', REVOKED: '已撤销' };

/** The gate's reasons (SPEC §4.6). */
export const GATE_REASON_NAMES: Record<GateReason, string> = {
  OVERLIMIT: '入口称重超限（超出容差）',
  DISHONESTY_LIST: '列入违法失信清单',
  EXEMPT_EMPTY: '空载放行',
  WITHIN_TOLERANCE: '入口容差内放行',
};

export const STATION_KIND_NAMES: Record<StationKind, string> = {
  TOLL_ENTRY: '收费站入口',
  WEIGH_STATION: '超限检测站',
  MOBILE_UNIT: '流动检测',
};

export const END_REASON_NAMES: Record<string, string> = {
  REPAIRED: '信用修复',
  EXPIRED: '有效期届满',
  RECOUNT_BELOW_THRESHOLD: '撤销违法记录后未达列入标准',
  PERMIT_EXEMPTED: '核验有效通行证后未达列入标准',
  OBJECTION_UPHELD: '异议成立',
  GROUNDS_REMOVED: '所列车辆清单撤销后未达列入条件',
};

export const POSTING_STATUS_NAMES: Record<PostingStatus, string> = {
  POSTED: '公示中',
  WITHDRAWN: '已撤下',
  ARCHIVED: '已归档（不公开）',
};

export const POSTING_END_REASON_NAMES: Record<PostingEndReason, string> = {
  REPAIRED: '信用修复',
  REVOKED: '撤销列入',
  CORRECTED: '异议成立，更正',
  PERIOD_END: '公示期届满',
  LISTING_EXPIRED: '列入期满',
};

export const NOTICE_STATUS_NAMES: Record<NoticeStatus, string> = {
  ISSUED: '已制发（待送达）',
  SERVED: '已送达',
  VOID: '已作废',
};

export const SERVICE_METHOD_NAMES: Record<NoticeServiceMethod, string> = {
  RECEIPT: '电子送达（回执）',
  IN_PERSON: '直接送达',
  POST: '邮寄送达',
  ANNOUNCEMENT: '公告送达',
};

export const OBJECTION_STATUS_NAMES: Record<ObjectionStatus, string> = {
  PENDING: '待处理',
  UPHELD: '异议成立',
  REJECTED: '异议不成立',
};

export const OBJECTION_TARGET_NAMES: Record<ObjectionTargetType, string> = {
  WEIGHING: '称重记录',
  VIOLATION: '违法记录',
  LISTING: '列入决定',
  POSTING: '失信公示',
};

export const OBJECTION_CHANNEL_NAMES: Record<ObjectionChannel, string> = {
  IN_PERSON: '当面提交',
  POST: '邮寄',
  PHONE: '电话',
  ONLINE: '网上提交',
};

/** A proposed revocation of a violation (§4.4, two-person). */
export const REVOCATION_STATUS_NAMES: Record<RevocationView['status'], string> = {
  PENDING: '待法制审核',
  APPROVED: '已同意撤销',
  REJECTED: '不同意撤销',
};

/** 决定书 contents (§4.4) in the order the decision states them. */
export const DECISION_CONTENT_NAMES: [key: string, name: string][] = [
  ['grounds', '事由'],
  ['basis', '依据'],
  ['measures', '惩戒措施'],
  ['removal', '移出条件和程序'],
  ['remedies', '救济途径'],
  ['repairNotice', '信用修复告知'],
];

type OtherAuditAction =
  | 'VIOLATION_EXEMPTED'
  | 'VIOLATION_PERMIT_FOUND'
  | 'STATION_KEY_ISSUED'
  | 'STATION_KEY_REISSUED'
  | 'STATION_KEY_REVOKED'
  | 'STAFF_TOKEN_ISSUED'
  | 'REGISTRY_STATION_CHANGED'
  | 'REGISTRY_STATION_DELETED'
  | 'REGISTRY_VEHICLE_CHANGED'
  | 'REGISTRY_VEHICLE_DELETED'
  | 'REGISTRY_PERMIT_CHANGED'
  | 'REGISTRY_PERMIT_DELETED';

/** Every action of the credit rules has its name (a new one without a row does not compile). */
export const AUDIT_ACTION_NAMES: Record<CreditAuditAction | OtherAuditAction, string> = {
  VIOLATION_RECORDED: '记录违法超限运输',
  VIOLATION_MERGED: '并入同一趟次',
  VIOLATION_PROCESSED: '录入案件处理结果',
  VIOLATION_REVOKED: '撤销违法记录',
  VIOLATION_EXEMPTED: '核验有效通行证，不再认定违法',
  VIOLATION_PERMIT_FOUND: '发现有效通行证（违法记录待撤销）',
  LISTING_CREATED: '达到列入条件（拟列入）',
  LISTING_EFFECTIVE: '告知期满，列入生效',
  LISTING_WITHDRAWN: '生效前撤回（未列入）',
  LISTING_RECOUNTED: '重新计数',
  LISTING_PROPOSED: '提请公示',
  LISTING_PUBLICATION_REJECTED: '法制审核退回',
  LISTING_PUBLISHED: '法制审核通过，失信公示',
  LISTING_REPAIRED: '信用修复，移出清单',
  LISTING_EXPIRED: '期满移出清单',
  LISTING_REVOKED: '撤销列入',
  REPAIR_REQUESTED: '提交信用修复申请',
  REPAIR_APPROVED: '信用修复审核通过',
  REPAIR_REJECTED: '信用修复审核驳回',
  POSTING_WITHDRAWN: '撤下失信公示',
  POSTING_ARCHIVED: '公示归档',
  NOTICE_ISSUED: '制发告知书',
  NOTICE_SERVED: '告知书送达',
  NOTICE_VOIDED: '告知书作废',
  OBJECTION_RECORDED: '登记异议（陈述申辩）',
  OBJECTION_UPHELD: '异议成立',
  OBJECTION_REJECTED: '异议不成立',
  REVOCATION_PROPOSED: '提请撤销违法记录',
  REVOCATION_APPROVED: '法制审核同意撤销',
  REVOCATION_REJECTED: '法制审核不同意撤销',
  CASE_REFERRED: '抄告车籍地',
  COMPANY_LISTING_CREATED: '企业达到列入条件（拟列入严重失信名单）',
  COMPANY_LISTING_EFFECTIVE: '告知期满，企业列入严重失信名单生效',
  COMPANY_LISTING_RECOUNTED: '企业名单重新计数',
  COMPANY_LISTING_WITHDRAWN: '企业名单生效前撤回（未列入）',
  COMPANY_LISTING_EXPIRED: '企业名单期满移出',
  COMPANY_LISTING_REVOKED: '撤销企业名单',
  COMPANY_LISTING_PROPOSED: '提请企业名单公示',
  COMPANY_LISTING_PUBLICATION_REJECTED: '企业名单公示法制审核退回',
  COMPANY_LISTING_PUBLISHED: '法制审核通过，企业名单公示',
  COMPANY_POSTING_WITHDRAWN: '撤下企业名单公示',
  COMPANY_POSTING_ARCHIVED: '企业名单公示归档',
  STATION_KEY_ISSUED: '签发站点密钥',
  STATION_KEY_REISSUED: '重新签发站点密钥',
  STATION_KEY_REVOKED: '吊销站点密钥',
  STAFF_TOKEN_ISSUED: '签发工作人员令牌',
  REGISTRY_STATION_CHANGED: '站点登记变更',
  REGISTRY_STATION_DELETED: '站点登记注销',
  REGISTRY_VEHICLE_CHANGED: '车辆登记变更（运政）',
  REGISTRY_VEHICLE_DELETED: '车辆登记注销（运政）',
  REGISTRY_PERMIT_CHANGED: '通行证变更',
  REGISTRY_PERMIT_DELETED: '通行证注销',
};

export const ENTITY_TYPE_NAMES: Record<string, string> = {
  violation: '违法记录',
  listing: '失信清单',
  credit_repair: '信用修复申请',
  station: '站点',
  vehicle: '车辆登记',
  permit: '超限运输通行证',
  notice: '告知书',
  objection: '异议',
  violation_revocation: '撤销申请',
  company_listing: '企业失信名单',
  staff: '工作人员',
};

/** An audit action in words; an action of a later version than this page shows its code. */
export function auditActionName(action: string): string {
  return (AUDIT_ACTION_NAMES as Record<string, string>)[action] ?? action;
}

/**
 * An audit entry's action in words. A listing created in effect at once (NOTICE_PERIOD_WORKING_DAYS=0,
 * §4.4) is not 拟列入: its entry says it was listed.
 */
export function auditEntryName(entry: { action: string; after: Record<string, unknown> | null }): string {
  if (entry.action === 'LISTING_CREATED' && entry.after?.status === 'LISTED') {
    return '达到列入条件，列入违法失信清单（即时生效）';
  }
  if (entry.action === 'COMPANY_LISTING_CREATED' && entry.after?.status === 'LISTED') {
    return '企业达到列入条件，列入严重失信名单（即时生效）';
  }
  return auditActionName(entry.action);
}

/** §4.5's refusal codes, in words. */
export function repairConditionText(
  unmet: { code: string; notBefore?: string },
  when: (iso: string) => string,
): string {
  switch (unmet.code) {
    case 'LISTING_NOT_ACTIVE':
      return '该清单已结束（已修复、期满或已撤销），无需也不能申请信用修复';
    case 'VIOLATIONS_NOT_PROCESSED':
      return '有违法记录尚未录入案件处理结果（须全部处理完毕）';
    case 'LISTING_TOO_RECENT':
      return unmet.notBefore ? `列入时间不足规定天数，${when(unmet.notBefore)} 起方可申请` : '列入时间不足规定天数';
    case 'REPAIR_PENDING':
      return '已有一份信用修复申请正在审核中';
    default:
      return `不符合条件（${unmet.code}）`;
  }
}

const FIELD_NAMES: Record<string, string> = {
  decisionNo: '决定书文号',
  legalBasis: '法律依据',
  approve: '审核结论',
  opinion: '审核意见',
  caseNo: '案件编号',
  fineYuan: '罚款金额',
  processedAt: '处理时间',
  reason: '撤销理由',
  listingId: '清单',
  'applicant.name': '申请人名称',
  'applicant.type': '申请人类型',
  'applicant.contact': '联系方式',
  commitment: '信用承诺',
  rectification: '整改情况',
  attachments: '附件链接',
  plate: '车牌号',
  plateColor: '车牌颜色',
  region: '辖区',
  kind: '站点类型',
  withCase: '连同案件撤销',
  method: '送达方式',
  servedAt: '送达时间',
  'target.type': '异议对象类型',
  'target.id': '异议对象编号',
  grounds: '异议理由',
  channel: '提交渠道',
  receivedAt: '收到时间',
  uphold: '处理结论',
  reply: '答复意见',
  targetType: '异议对象',
  operatorId: '统一社会信用代码',
};

/** A user-facing sentence for a failed request. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return '操作失败，请稍后重试';
  switch (error.code) {
    case 'NETWORK':
      return '无法连接服务器，请检查网络后重试';
    case 'VALIDATION_FAILED': {
      const fields = [...new Set(error.details.map((d) => FIELD_NAMES[d.field] ?? d.field))];
      return fields.length ? `以下内容填写不正确：${fields.join('、')}` : '输入内容不正确';
    }
    case 'UNAUTHORIZED':
      return '登录已失效，请重新登录';
    case 'FORBIDDEN':
      return '您的角色无权执行此操作';
    case 'TWO_PERSON_RULE':
      return '两人原则：审核人不能是提请人（申请人）本人';
    case 'NOT_FOUND':
      return '记录不存在或已被删除';
    case 'STATE_CONFLICT':
    case 'INVALID_TRANSITION':
      return '记录状态已发生变化，请刷新后重试';
    case 'REPAIR_REFUSED':
      return `不符合信用修复条件：${[...new Set(error.details.map((d) => repairConditionText({ code: d.field }, (x) => x)))].join('；')}`;
    case 'TOO_MANY_REQUESTS':
      return `查询过于频繁，请${error.retryAfterSeconds ? ` ${error.retryAfterSeconds} 秒` : '稍'}后再试`;
    default:
      return error.status >= 500 ? '服务器暂时无法处理，请稍后重试' : `操作失败（${error.code}）`;
  }
}

/**
 * A two-person decision's failure in words (§4.8): `you` names who the signed-in person is in this
 * matter when the server refuses them as the approver (本异议的经办人, 本次撤销的提请人).
 */
export function describeReviewError(error: unknown, you: string): string {
  if (error instanceof ApiError && error.code === 'TWO_PERSON_RULE') {
    return `两人原则：您是${you}，不能决定本事项，须由其他法制审核人员决定`;
  }
  if (error instanceof ApiError && error.code === 'FORBIDDEN') return '您的角色无权决定本事项（须为法制审核人员）';
  return describeError(error);
}

/**
 * The system's own audit reasons (written in English by the services) in words; what staff typed
 * (opinions, revocation reasons) is shown as it was recorded.
 */
export function auditReasonText(reason: string | null): string {
  if (!reason) return '';
  const known: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/^same journey \(TRIP_MERGE_MINUTES\)$/, () => '同一趟次（首次检测后规定时间内的检测合并计为一次）'],
    [/^late or revoked violations changed the count$/, () => '补传或撤销的违法记录改变了计数'],
    [/^(\d+) acts reached LISTING_THRESHOLD$/, (m) => `违法超限运输累计 ${m[1]} 趟次，达到列入标准`],
    [/^credit repair (\S+) approved$/, () => '信用修复申请审核通过'],
    [/^RECOUNT_BELOW_THRESHOLD$/, () => END_REASON_NAMES.RECOUNT_BELOW_THRESHOLD!],
    [/^PERMIT_EXEMPTED$/, () => END_REASON_NAMES.PERMIT_EXEMPTED!],
    [
      /^permit (.+) of the permit registry covers this weighing/,
      (m) => `通行证 ${m[1]} 经核验覆盖本次称重（62号令 第二十七条）`,
    ],
    [
      /^permit (.+) now covers this weighing; the violation was already (PROCESSED|REVOKED)/,
      (m) =>
        `通行证 ${m[1]} 经核验覆盖本次称重；该违法记录已${m[2] === 'PROCESSED' ? '处理' : '撤销'}，须由执法人员依程序撤销`,
    ],
    [/^EXPIRED$/, () => END_REASON_NAMES.EXPIRED!],
    [/^OBJECTION_UPHELD$/, () => END_REASON_NAMES.OBJECTION_UPHELD!],
    [/^objection \S+ upheld$/, () => '异议成立，撤销该违法记录'],
    [/^notice period ended with no objection pending$/, () => '告知期满，无待处理的异议，列入生效'],
    [/^objection rejected after the notice period$/, () => '告知期满后异议不成立，列入生效'],
    [/^listing (\w+) before service$/, () => '告知书送达前清单已结束，告知书作废'],
    [/^every violation of the listing processed/, () => '清单的违法记录全部处理完毕，抄告车籍地道路运输管理机构'],
    [
      /^(\d+) of (\d+) registered vehicles listed: above COMPANY_LISTING_PERCENT$/,
      (m) => `登记车辆 ${m[2]} 辆中 ${m[1]} 辆列入违法失信清单，超过规定比例`,
    ],
    [/^vehicle listings or the registered fleet changed$/, () => '所列车辆清单或登记车辆数发生变化'],
    [/^company listing (\w+) before service$/, () => '告知书送达前企业名单已结束，告知书作废'],
    [/^GROUNDS_REMOVED$/, () => END_REASON_NAMES.GROUNDS_REMOVED!],
  ];
  for (const [pattern, text] of known) {
    const m = reason.match(pattern);
    if (m) return text(m);
  }
  return reason;
}
