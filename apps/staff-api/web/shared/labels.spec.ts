import { GATE_REASONS } from '../../../../libs/domain/src/gate/gate-decision';
import { WEIGHING_CLASSIFICATIONS } from '../../../../libs/domain/src/overlimit/classify-weighing';
import { PERMIT_CHECKS, PERMIT_STATUSES } from '../../../../libs/domain/src/registry/permit-check';
import {
  LISTING_STATUSES,
  NOTICE_SERVICE_METHODS,
  NOTICE_STATUSES,
  OBJECTION_CHANNELS,
  OBJECTION_STATUSES,
  OBJECTION_TARGET_TYPES,
  POSTING_END_REASONS,
  REVIEW_STATUSES,
} from '../../../../libs/domain/src/credit/credit-statuses';
import { CREDIT_AUDIT_ACTIONS } from '../../../../libs/domain/src/credit/credit-audit';
import { ApiError } from './api';
import {
  AUDIT_ACTION_NAMES,
  auditActionName,
  auditEntryName,
  auditReasonText,
  CLASSIFICATION_NAMES,
  describeError,
  END_REASON_NAMES,
  ENTITY_TYPE_NAMES,
  describeReviewError,
  GATE_REASON_NAMES,
  LISTING_STATUS_NAMES,
  NOTICE_STATUS_NAMES,
  OBJECTION_CHANNEL_NAMES,
  OBJECTION_STATUS_NAMES,
  OBJECTION_TARGET_NAMES,
  PERMIT_CHECK_NAMES,
  PERMIT_STATUS_NAMES,
  POSTING_END_REASON_NAMES,
  repairConditionText,
  REVOCATION_STATUS_NAMES,
  SERVICE_METHOD_NAMES,
} from './labels';

describe('the console words for API codes (zh-CN)', () => {
  it("has a word for every code of the domain's lists, and no other", () => {
    // The Record types hold this at compile time too; this catches a list that grew without the type.
    const words = (names: Record<string, string>) => Object.keys(names).sort();
    expect(words(CLASSIFICATION_NAMES)).toEqual([...WEIGHING_CLASSIFICATIONS].sort());
    expect(words(PERMIT_CHECK_NAMES)).toEqual([...PERMIT_CHECKS].sort());
    expect(words(PERMIT_STATUS_NAMES)).toEqual([...PERMIT_STATUSES].sort());
    expect(words(GATE_REASON_NAMES)).toEqual([...GATE_REASONS].sort());
    expect(CLASSIFICATION_NAMES.TOLERATED).toBe('入口容差内');
    expect(PERMIT_CHECK_NAMES.OTHER_VEHICLE).toBe('非本车通行证');
  });

  it('has a word for every code of due process (notices, objections, revocations)', () => {
    const words = (names: Record<string, string>) => Object.keys(names).sort();
    expect(words(LISTING_STATUS_NAMES)).toEqual([...LISTING_STATUSES].sort());
    expect(words(NOTICE_STATUS_NAMES)).toEqual([...NOTICE_STATUSES].sort());
    expect(words(SERVICE_METHOD_NAMES)).toEqual([...NOTICE_SERVICE_METHODS].sort());
    expect(words(OBJECTION_STATUS_NAMES)).toEqual([...OBJECTION_STATUSES].sort());
    expect(words(OBJECTION_TARGET_NAMES)).toEqual([...OBJECTION_TARGET_TYPES].sort());
    expect(words(OBJECTION_CHANNEL_NAMES)).toEqual([...OBJECTION_CHANNELS].sort());
    expect(words(POSTING_END_REASON_NAMES)).toEqual([...POSTING_END_REASONS].sort());
    expect(words(REVOCATION_STATUS_NAMES)).toEqual([...REVIEW_STATUSES].sort());
  });

  it('names every audit action of the credit rules, company listings included, and the entity it is about', () => {
    const chinese = /^[\u4e00-\u9fff（）、，：]+$/;
    for (const [action, entity] of Object.entries(CREDIT_AUDIT_ACTIONS)) {
      expect([action, auditActionName(action)]).toEqual([action, expect.stringMatching(chinese)]);
      expect([entity, ENTITY_TYPE_NAMES[entity]]).toEqual([entity, expect.stringMatching(chinese)]);
    }
    // A company's steps are told apart from a vehicle's in the record.
    const names = Object.values(AUDIT_ACTION_NAMES);
    expect(new Set(names).size).toBe(names.length);
    expect(auditActionName('COMPANY_LISTING_PUBLISHED')).toBe('法制审核通过，企业名单公示');
    expect(auditActionName('COMPANY_POSTING_WITHDRAWN')).toBe('撤下企业名单公示');
    expect(ENTITY_TYPE_NAMES.company_listing).toBe('企业失信名单');
  });

  it('names a listing created in effect at once as listed, not as 拟列入', () => {
    expect(auditEntryName({ action: 'LISTING_CREATED', after: { status: 'PENDING' } })).toBe('达到列入条件（拟列入）');
    expect(auditEntryName({ action: 'LISTING_CREATED', after: { status: 'LISTED' } })).toContain('列入违法失信清单');
    expect(auditEntryName({ action: 'NOTICE_SERVED', after: null })).toBe('告知书送达');
    expect(auditEntryName({ action: 'SOMETHING_NEW', after: null })).toBe('SOMETHING_NEW');
    expect(auditEntryName({ action: 'COMPANY_LISTING_CREATED', after: { status: 'PENDING' } })).toBe(
      '企业达到列入条件（拟列入严重失信名单）',
    );
    expect(auditEntryName({ action: 'COMPANY_LISTING_CREATED', after: { status: 'LISTED' } })).toBe(
      '企业达到列入条件，列入严重失信名单（即时生效）',
    );
  });

  it("tells the two-person rule's refusal to the handler or proposer in their own terms", () => {
    expect(describeReviewError(new ApiError(403, 'TWO_PERSON_RULE', 'x'), '本异议的经办人')).toBe(
      '两人原则：您是本异议的经办人，不能决定本事项，须由其他法制审核人员决定',
    );
    expect(describeReviewError(new ApiError(403, 'FORBIDDEN', 'x'), '本次撤销的提请人')).toContain('须为法制审核人员');
    expect(describeReviewError(new ApiError(409, 'STATE_CONFLICT', 'x'), '本异议的经办人')).toBe(
      '记录状态已发生变化，请刷新后重试',
    );
  });

  it('names each unmet credit-repair condition', () => {
    const when = (iso: string) => `〈${iso}〉`;
    expect(repairConditionText({ code: 'VIOLATIONS_NOT_PROCESSED' }, when)).toContain('尚未录入案件处理结果');
    expect(repairConditionText({ code: 'LISTING_TOO_RECENT', notBefore: '2026-06-01T00:00:00Z' }, when)).toContain(
      '〈2026-06-01T00:00:00Z〉 起方可申请',
    );
    expect(repairConditionText({ code: 'REPAIR_PENDING' }, when)).toContain('正在审核中');
    expect(repairConditionText({ code: 'LISTING_NOT_ACTIVE' }, when)).toContain('已结束');
  });

  it('turns API errors into sentences, naming the fields in Chinese', () => {
    const invalid = new ApiError(400, 'VALIDATION_FAILED', 'The request is not valid', [
      { field: 'decisionNo', message: 'x' },
      { field: 'legalBasis', message: 'y' },
    ]);
    expect(describeError(invalid)).toBe('以下内容填写不正确：决定书文号、法律依据');
    expect(describeError(new ApiError(403, 'TWO_PERSON_RULE', 'x'))).toContain('两人原则');
    expect(describeError(new ApiError(429, 'TOO_MANY_REQUESTS', 'x', [], 12))).toBe('查询过于频繁，请 12 秒后再试');
    const refused = new ApiError(409, 'REPAIR_REFUSED', 'x', [
      { field: 'VIOLATIONS_NOT_PROCESSED', message: 'a' },
      { field: 'VIOLATIONS_NOT_PROCESSED', message: 'b' },
    ]);
    expect(describeError(refused)).toBe('不符合信用修复条件：有违法记录尚未录入案件处理结果（须全部处理完毕）');
    expect(describeError(new ApiError(503, 'NOT_READY', 'x'))).toContain('服务器暂时无法处理');
  });

  it("shows the services' own audit reasons in words and what staff typed as it was", () => {
    expect(auditReasonText('3 acts reached LISTING_THRESHOLD')).toBe('违法超限运输累计 3 趟次，达到列入标准');
    expect(auditReasonText('RECOUNT_BELOW_THRESHOLD')).toBe('撤销违法记录后未达列入标准');
    expect(auditReasonText('PERMIT_EXEMPTED')).toBe('核验有效通行证后未达列入标准');
    expect(
      auditReasonText('permit 浙交超证000001 of the permit registry covers this weighing (62号令 第二十七条)'),
    ).toBe('通行证 浙交超证000001 经核验覆盖本次称重（62号令 第二十七条）');
    expect(
      auditReasonText(
        'permit 浙交超证000001 now covers this weighing; the violation was already PROCESSED and stays until staff revoke it',
      ),
    ).toBe('通行证 浙交超证000001 经核验覆盖本次称重；该违法记录已处理，须由执法人员依程序撤销');
    expect(auditReasonText('notice period ended with no objection pending')).toBe('告知期满，无待处理的异议，列入生效');
    expect(auditReasonText('objection rejected after the notice period')).toBe('告知期满后异议不成立，列入生效');
    expect(auditReasonText('listing WITHDRAWN before service')).toBe('告知书送达前清单已结束，告知书作废');
    expect(auditReasonText('objection 6f1c2a upheld')).toBe('异议成立，撤销该违法记录');
    expect(auditReasonText('OBJECTION_UPHELD')).toBe('异议成立');
    expect(auditReasonText('every violation of the listing processed (抄告车籍地)')).toContain(
      '抄告车籍地道路运输管理机构',
    );
    expect(auditReasonText('2 of 10 registered vehicles listed: above COMPANY_LISTING_PERCENT')).toBe(
      '登记车辆 10 辆中 2 辆列入违法失信清单，超过规定比例',
    );
    expect(auditReasonText('vehicle listings or the registered fleet changed')).toBe(
      '所列车辆清单或登记车辆数发生变化',
    );
    expect(auditReasonText('company listing WITHDRAWN before service')).toBe('告知书送达前企业名单已结束，告知书作废');
    expect(auditReasonText('GROUNDS_REMOVED')).toBe(END_REASON_NAMES.GROUNDS_REMOVED);
    expect(auditReasonText('整改到位，同意修复')).toBe('整改到位，同意修复');
    expect(auditReasonText(null)).toBe('');
  });
});
