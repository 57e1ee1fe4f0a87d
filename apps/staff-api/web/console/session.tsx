import { createContext, useContext } from 'react';
import type { ApiClient } from '../shared/api';
import type { StaffIdentityView, StaffRole } from '../shared/api-types';

/** What each action needs, as the server's @Roles say; ADMIN may do everything. */
const ACTION_ROLES = {
  proposePublication: ['OFFICER'],
  reviewPublication: ['LEGAL_REVIEWER'],
  processViolation: ['OFFICER'],
  revokeViolation: ['OFFICER'],
  reviewRevocation: ['LEGAL_REVIEWER'],
  serveNotice: ['OFFICER'],
  recordObjection: ['OFFICER'],
  decideObjection: ['LEGAL_REVIEWER'],
  requestRepair: ['OFFICER'],
  reviewRepair: ['REPAIR_REVIEWER'],
  // GET /v1/audit/verification: ADMIN only (docs/security.md).
  verifyAudit: [],
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffAction = keyof typeof ACTION_ROLES;

export function roleAllows(roles: readonly StaffRole[], action: StaffAction): boolean {
  return roles.includes('ADMIN') || ACTION_ROLES[action].some((r) => roles.includes(r));
}

export interface Session {
  identity: StaffIdentityView;
  api: ApiClient;
  can(action: StaffAction): boolean;
  signOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
