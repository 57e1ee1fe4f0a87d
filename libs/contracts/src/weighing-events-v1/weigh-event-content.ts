import { hash } from 'node:crypto';

/**
 * What a producer said about one weighing, after normalisation (SPEC §3, docs/rules.md "Repeated
 * eventIds"): every field of the event as parseWeighEvent returns it, except what is derived from them
 * (vehicleKey). Transport metadata — Kafka key, partition, offset, headers, the time of receipt — is not
 * content: a redelivery of the same event is the same content. Normalised means that two spellings of
 * the same fact are the same content (` 浙e·12345 ` and `浙E12345`; `17:59+08:00` and `09:59Z`; an
 * absent `combination` and its default).
 */
export interface WeighEventContent {
  eventId: string;
  source: string;
  stationId: string;
  laneId: string | null;
  measuredAt: Date;
  plate: string;
  plateColor: number;
  axles: number;
  combination: boolean;
  singleDriveAxle: boolean;
  grossWeightKg: number;
  cargo: string;
  permitNo: string | null;
  evidence: WeighEventEvidence | null;
}

export interface WeighEventEvidence {
  imageUrls: readonly string[];
  deviceCertNo?: string;
}

/**
 * The fields that make the content, in the order they are hashed (the names are those of the event).
 * Today the same names as the fast validator's FAST_CHECKED_PROPERTIES, but written out apart on
 * purpose: this order is a stored format (weighings.content_hash, computed in SQL by its migration),
 * which a new event field must not change.
 */
export const WEIGH_EVENT_CONTENT_FIELDS = [
  'eventId',
  'source',
  'stationId',
  'laneId',
  'measuredAt',
  'plate',
  'plateColor',
  'axles',
  'combination',
  'singleDriveAxle',
  'grossWeightKg',
  'cargo',
  'permitNo',
  'evidence',
] as const satisfies readonly (keyof WeighEventContent)[];

/** Bumped, never edited, when the canonical form changes (stored hashes name their version). */
const VERSION = 'weigh-event-content-v1;';

/** One value: its UTF-8 length, a colon and the text; `~` for none. Unambiguous without escaping. */
const item = (text: string | null | undefined): string =>
  text === null || text === undefined ? '~' : `${Buffer.byteLength(text, 'utf8')}:${text}`;
/** A number or a boolean: ASCII, so its length is its UTF-8 length (ingest hashes every event). */
const scalar = (value: number | boolean): string => {
  const text = String(value);
  return `${text.length}:${text}`;
};

/**
 * The canonical text of the content: each field in WEIGH_EVENT_CONTENT_FIELDS order as `<bytes>:<text>`
 * (`~` when absent); measuredAt as Unix milliseconds, booleans `true`/`false`, evidence as the number of
 * image URLs, the URLs in order, and the device certificate. The migration that added
 * `weighings.content_hash` computes the same text in SQL from the stored columns; a test holds the two
 * equal.
 */
export function canonicalWeighEventContent(e: WeighEventContent): string {
  const evidence = e.evidence
    ? item(String(e.evidence.imageUrls.length)) +
      e.evidence.imageUrls.map(item).join('') +
      item(e.evidence.deviceCertNo)
    : '~~';
  return (
    VERSION +
    item(e.eventId) +
    item(e.source) +
    item(e.stationId) +
    item(e.laneId) +
    scalar(e.measuredAt.getTime()) +
    item(e.plate) +
    scalar(e.plateColor) +
    scalar(e.axles) +
    scalar(e.combination) +
    scalar(e.singleDriveAxle) +
    scalar(e.grossWeightKg) +
    item(e.cargo) +
    item(e.permitNo) +
    evidence
  );
}

/**
 * SHA-256 (hex) of the canonical content: equal for a redelivery, different for any other fact. Stored
 * as its 32 bytes (`weighings.content_hash bytea`).
 */
export function weighEventContentHash(e: WeighEventContent): string {
  return hash('sha256', canonicalWeighEventContent(e), 'hex');
}

/** The content fields in which two events differ (for the reason of a DUPLICATE_CONFLICT). */
export function weighEventContentDifferences(a: WeighEventContent, b: WeighEventContent): string[] {
  const text = (e: WeighEventContent, field: (typeof WEIGH_EVENT_CONTENT_FIELDS)[number]): string => {
    const v = e[field];
    if (v instanceof Date) return String(v.getTime());
    if (field === 'evidence') {
      const ev = v as WeighEventEvidence | null;
      return ev ? JSON.stringify([ev.imageUrls, ev.deviceCertNo ?? null]) : 'null';
    }
    return JSON.stringify(v ?? null);
  };
  return WEIGH_EVENT_CONTENT_FIELDS.filter((f) => text(a, f) !== text(b, f));
}
