import { DomainError, DomainErrorCode } from '../errors/domain-error';
import type { ListingStatus } from './credit-statuses';

export const LISTING_ACTIONS = [
  'TAKE_EFFECT',
  'WITHDRAW',
  'PROPOSE_PUBLICATION',
  'APPROVE_PUBLICATION',
  'REJECT_PUBLICATION',
  'REPAIR',
  'EXPIRE',
  'REVOKE',
] as const;
export type ListingAction = (typeof LISTING_ACTIONS)[number];

export interface TransitionContext {
  /**
   * Whether a publication proposal is pending. When given, PROPOSE requires none pending and
   * APPROVE/REJECT require one; when omitted, only the status is checked.
   */
  pendingProposal?: boolean;
}

// §4.4: a PENDING listing takes effect (LISTED) or is withdrawn before it ever turned anyone back; an
// OFFICER proposes publication (status stays LISTED, the proposal waits), a LEGAL_REVIEWER approves
// (失信公示 → PUBLISHED) or rejects (back to LISTED with the opinion); any listing in effect may end.
const TRANSITIONS: Readonly<Record<ListingAction, Partial<Record<ListingStatus, ListingStatus>>>> = {
  TAKE_EFFECT: { PENDING: 'LISTED' },
  WITHDRAW: { PENDING: 'WITHDRAWN' },
  PROPOSE_PUBLICATION: { LISTED: 'LISTED' },
  APPROVE_PUBLICATION: { LISTED: 'PUBLISHED' },
  REJECT_PUBLICATION: { LISTED: 'LISTED' },
  REPAIR: { LISTED: 'REPAIRED', PUBLISHED: 'REPAIRED' },
  EXPIRE: { LISTED: 'EXPIRED', PUBLISHED: 'EXPIRED' },
  REVOKE: { LISTED: 'REVOKED', PUBLISHED: 'REVOKED' },
};

/** The status after `action`, or undefined when the action is not allowed. */
export function nextListingStatus(
  from: ListingStatus,
  action: ListingAction,
  context: TransitionContext = {},
): ListingStatus | undefined {
  const to = TRANSITIONS[action][from];
  if (to === undefined || context.pendingProposal === undefined) return to;
  if (action === 'PROPOSE_PUBLICATION' && context.pendingProposal) return undefined;
  if ((action === 'APPROVE_PUBLICATION' || action === 'REJECT_PUBLICATION') && !context.pendingProposal) {
    return undefined;
  }
  return to;
}

export function canTransition(from: ListingStatus, action: ListingAction, context: TransitionContext = {}): boolean {
  return nextListingStatus(from, action, context) !== undefined;
}

/** Returns the next status; throws DomainError INVALID_TRANSITION (a 409 at the HTTP edge) otherwise. */
export function assertTransition(
  from: ListingStatus,
  action: ListingAction,
  context: TransitionContext = {},
): ListingStatus {
  const to = nextListingStatus(from, action, context);
  if (to === undefined) {
    const why =
      context.pendingProposal === undefined || TRANSITIONS[action][from] === undefined
        ? `a ${from} listing`
        : context.pendingProposal
          ? 'a listing with a pending publication proposal'
          : 'a listing without a pending publication proposal';
    throw new DomainError(DomainErrorCode.INVALID_TRANSITION, `${action} is not allowed on ${why}`, [
      { field: 'status', message: from },
    ]);
  }
  return to;
}
