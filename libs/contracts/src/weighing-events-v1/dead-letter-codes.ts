/**
 * The `error-code` header of a letter on `weighing.events.v1.dlq` (SPEC §3; asyncapi.yaml lists them).
 * DUPLICATE_CONFLICT: the eventId is already stored (or earlier in the same batch) with other content;
 * the stored one stays (docs/rules.md "Repeated eventIds").
 */
export const WEIGHING_DEAD_LETTER_CODES = [
  'BAD_JSON',
  'SCHEMA_INVALID',
  'TOO_LARGE',
  'UNKNOWN_STATION',
  'DUPLICATE_CONFLICT',
  'PROCESSING_FAILED',
] as const;
export type WeighingDeadLetterCode = (typeof WEIGHING_DEAD_LETTER_CODES)[number];
