import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { isEffectiveListingStatus, isOpenListingStatus, LISTING_STATUSES, type ListingStatus } from './credit-statuses';
import { assertTransition, canTransition, LISTING_ACTIONS, type ListingAction } from './listing-state-machine';

describe('listing state machine (§4.4)', () => {
  const allowed: [ListingStatus, ListingAction, ListingStatus][] = [
    ['PENDING', 'TAKE_EFFECT', 'LISTED'],
    ['PENDING', 'WITHDRAW', 'WITHDRAWN'],
    ['LISTED', 'PROPOSE_PUBLICATION', 'LISTED'],
    ['LISTED', 'APPROVE_PUBLICATION', 'PUBLISHED'],
    ['LISTED', 'REJECT_PUBLICATION', 'LISTED'],
    ['LISTED', 'REPAIR', 'REPAIRED'],
    ['PUBLISHED', 'REPAIR', 'REPAIRED'],
    ['LISTED', 'EXPIRE', 'EXPIRED'],
    ['PUBLISHED', 'EXPIRE', 'EXPIRED'],
    ['LISTED', 'REVOKE', 'REVOKED'],
    ['PUBLISHED', 'REVOKE', 'REVOKED'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, action, to) => {
    expect(assertTransition(from, action)).toBe(to);
  });

  const forbidden = LISTING_STATUSES.flatMap((from) =>
    LISTING_ACTIONS.filter((action) => !allowed.some(([f, a]) => f === from && a === action)).map(
      (action) => [from, action] as const,
    ),
  );

  it.each(forbidden)('%s refuses %s with INVALID_TRANSITION', (from, action) => {
    expect(canTransition(from, action)).toBe(false);
    expect(() => assertTransition(from, action)).toThrow(DomainError);
    try {
      assertTransition(from, action);
    } catch (e) {
      expect((e as DomainError).code).toBe(DomainErrorCode.INVALID_TRANSITION);
    }
  });

  it('checks the pending proposal when told about it', () => {
    expect(assertTransition('LISTED', 'PROPOSE_PUBLICATION', { pendingProposal: false })).toBe('LISTED');
    expect(() => assertTransition('LISTED', 'PROPOSE_PUBLICATION', { pendingProposal: true })).toThrow(/pending/);
    expect(assertTransition('LISTED', 'APPROVE_PUBLICATION', { pendingProposal: true })).toBe('PUBLISHED');
    expect(() => assertTransition('LISTED', 'APPROVE_PUBLICATION', { pendingProposal: false })).toThrow(/without/);
    expect(() => assertTransition('LISTED', 'REJECT_PUBLICATION', { pendingProposal: false })).toThrow(/without/);
    expect(assertTransition('LISTED', 'REPAIR', { pendingProposal: true })).toBe('REPAIRED');
  });

  it('LISTED and PUBLISHED are in effect; PENDING stands too, but turns no one back', () => {
    expect(LISTING_STATUSES.filter(isEffectiveListingStatus)).toEqual(['LISTED', 'PUBLISHED']);
    expect(LISTING_STATUSES.filter(isOpenListingStatus)).toEqual(['PENDING', 'LISTED', 'PUBLISHED']);
  });
});
