import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { assertCreditRepairAllowed, assertTwoPersonRule, creditRepairRefusals } from './credit-repair';

const listedAt = new Date('2025-03-01T10:00:00+08:00');
const base = {
  listingStatus: 'PUBLISHED' as const,
  effectiveAt: listedAt,
  violationStatuses: ['PROCESSED', 'PROCESSED', 'REVOKED'] as const,
  repairMinDays: 0,
  now: listedAt,
};

describe('credit repair preconditions (§4.5)', () => {
  it('allows an active listing whose violations are all processed', () => {
    expect(creditRepairRefusals({ ...base, violationStatuses: [...base.violationStatuses] })).toEqual([]);
    expect(() => assertCreditRepairAllowed({ ...base, violationStatuses: [...base.violationStatuses] })).not.toThrow();
  });

  it('lists every reason at once', () => {
    const refusals = creditRepairRefusals({
      ...base,
      listingStatus: 'EXPIRED',
      violationStatuses: ['OPEN', 'PROCESSED', 'OPEN'],
      repairMinDays: 30,
      now: new Date(listedAt.getTime() + 29 * 86_400_000),
    });
    expect(refusals.map((r) => r.code)).toEqual([
      'LISTING_NOT_ACTIVE',
      'VIOLATIONS_NOT_PROCESSED',
      'LISTING_TOO_RECENT',
    ]);
    expect(refusals[1].message).toMatch(/^2 /);
  });

  it('is allowed exactly REPAIR_MIN_DAYS after listing', () => {
    const now = new Date(listedAt.getTime() + 30 * 86_400_000);
    expect(creditRepairRefusals({ ...base, violationStatuses: [], repairMinDays: 30, now })).toEqual([]);
  });

  it('throws REPAIR_REFUSED with the reasons as details', () => {
    try {
      assertCreditRepairAllowed({ ...base, violationStatuses: ['OPEN'] });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe(DomainErrorCode.REPAIR_REFUSED);
      expect((e as DomainError).details).toEqual([{ field: 'VIOLATIONS_NOT_PROCESSED', message: expect.any(String) }]);
    }
  });
});

describe('two-person rule (§4.8)', () => {
  it('refuses an approver who is the proposer', () => {
    expect(() => assertTwoPersonRule('officer-1', 'officer-1')).toThrow(DomainError);
    expect(() => assertTwoPersonRule('officer-1', 'reviewer-2')).not.toThrow();
  });
});
