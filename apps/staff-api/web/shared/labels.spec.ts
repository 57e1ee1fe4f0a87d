import { GATE_REASONS } from '../../../../libs/domain/src/gate/gate-decision';
import { WEIGHING_CLASSIFICATIONS } from '../../../../libs/domain/src/overlimit/classify-weighing';
import { PERMIT_CHECKS, PERMIT_STATUSES } from '../../../../libs/domain/src/registry/permit-check';
import { ApiError } from './api';
import {
  auditReasonText,
  CLASSIFICATION_NAMES,
  describeError,
  GATE_REASON_NAMES,
  PERMIT_CHECK_NAMES,
  PERMIT_STATUS_NAMES,
  repairConditionText,
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
    expect(auditReasonText('整改到位，同意修复')).toBe('整改到位，同意修复');
    expect(auditReasonText(null)).toBe('');
  });
});
