/**
 * The one error shape of every HTTP answer that is not a success (SPEC §6), as the OpenAPI documents
 * publish it: `{ "error": { "code", "message", "details"? } }`.
 */
export interface ErrorBody {
  error: {
    /** What went wrong, for programs: VALIDATION_FAILED, UNAUTHORIZED, NOT_FOUND, STATE_CONFLICT … */
    code: string;
    /** What went wrong, for people (English). */
    message: string;
    /** More about it; its shape depends on the code (see ValidationErrorBody, ConflictErrorBody). */
    details?: unknown;
  };
}

/** One refused field of a request (400 VALIDATION_FAILED). */
export interface FieldErrorDetail {
  /** The field, dotted for nested ones (`applicant.name`); `(body)` for a body that is not JSON at all. */
  field: string;
  message: string;
}

/** 400 VALIDATION_FAILED: every refused field, each with its reason. */
export interface ValidationErrorBody {
  error: {
    /** VALIDATION_FAILED */
    code: 'VALIDATION_FAILED';
    message: string;
    details: FieldErrorDetail[];
  };
}

/** One unmet condition of a state conflict (409). */
export interface ConflictDetail {
  /** The condition, for programs (e.g. NOT_ALL_PROCESSED, TOO_RECENT, REPAIR_PENDING). */
  code: string;
  message: string;
  /**
   * The same condition code as `code`, kept for clients written before `code` existed. Deprecated:
   * read `code`. A conflict names conditions, not request fields.
   */
  field?: string;
  /** The violation the condition is about, where there is one. */
  violationId?: string;
  /** The earliest time the condition can be met, where it is a matter of time. */
  notBefore?: string;
}

/** 409: the request conflicts with the state of what it names (REPAIR_REFUSED lists every unmet condition). */
export interface ConflictErrorBody {
  error: {
    /** STATE_CONFLICT, REPAIR_REFUSED … */
    code: string;
    message: string;
    details?: ConflictDetail[];
  };
}
