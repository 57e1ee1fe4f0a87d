/**
 * Codes of the errors the domain raises. Each transport maps them once (HTTP status, Kafka DLQ or
 * retry); the domain never knows about HTTP.
 */
export enum DomainErrorCode {
  /** An argument breaks a domain precondition (axles < 2, invalid Date, negative rule value). */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** A listing action that its current status does not allow (state conflict). */
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  /** The approver of a publication or a credit repair is its proposer (两人规则). */
  TWO_PERSON_RULE = 'TWO_PERSON_RULE',
  /** A credit-repair request whose preconditions are not met (§4.5); details list the reasons. */
  REPAIR_REFUSED = 'REPAIR_REFUSED',
  /** The entity an action names does not exist. */
  NOT_FOUND = 'NOT_FOUND',
  /** A staff action on a case outside the regions of the staff member's token (管辖, SPEC §4.8). */
  OUT_OF_JURISDICTION = 'OUT_OF_JURISDICTION',
}

export interface DomainErrorDetail {
  readonly field?: string;
  readonly message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: readonly DomainErrorDetail[] = [],
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
