/** The one accepted non-plate: the camera read nothing (§4.1). */
export const UNKNOWN_PLATE = 'UNKNOWN';

/** Province-level abbreviations that open a civil plate (GA 36, §4.1). */
export const PROVINCE_ABBREVIATIONS = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

/** Trailer plates (挂车号牌) end in this character: province + letter + 4 letters/digits + 挂. */
export const TRAILER_SUFFIX = '挂';

// Separators people and OCR put inside plates: spaces (incl. U+3000 and NBSP through \s), the middle
// dot · (U+00B7) and bullet • (U+2022) of §4.1, '-' and '.', plus the dot and dash look-alikes that
// Chinese input methods type instead of them (・ U+30FB, ･ U+FF65, ‧ U+2027, ‐–— U+2010–2015, − U+2212).
const SEPARATORS = /[\s\u00B7\u2022\u2027\u30FB\uFF65.\-\u2010-\u2015\u2212]/gu;

/** Full-width ASCII forms (U+FF01–FF5E) to ASCII; the ideographic space to a space. */
function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/gu, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

/**
 * §4.1: trim; full-width to half-width; drop spaces, ·, •, -, .; upper case. Idempotent.
 * Does not validate: `validatePlate` does.
 */
export function normalizePlate(raw: string): string {
  return toHalfWidth(raw.trim()).replace(SEPARATORS, '').toUpperCase();
}

export type PlateValidation = { ok: true } | { ok: false; reason: string };

const PROVINCE = `[${PROVINCE_ABBREVIATIONS}]`;
// Standard plate: 5 letters/digits after the issuing-authority letter; new-energy (新能源): 6.
const STANDARD_OR_NEW_ENERGY = new RegExp(`^${PROVINCE}[A-Z][A-Z0-9]{5,6}$`, 'u');
const TRAILER = new RegExp(`^${PROVINCE}[A-Z][A-Z0-9]{4}${TRAILER_SUFFIX}$`, 'u');

/**
 * The canonical plates as one regular expression source (what validatePlate accepts), for documents
 * that describe the plate field (OpenAPI, AsyncAPI).
 */
export function canonicalPlatePattern(): string {
  const plate = (re: RegExp): string => re.source.slice(1, -1);
  return `^(${UNKNOWN_PLATE}|${plate(STANDARD_OR_NEW_ENERGY)}|${plate(TRAILER)})$`;
}

/** Validates an already normalised plate (§4.1). `UNKNOWN` is accepted. */
export function validatePlate(normalized: string): PlateValidation {
  if (normalized === UNKNOWN_PLATE) return { ok: true };
  if (STANDARD_OR_NEW_ENERGY.test(normalized) || TRAILER.test(normalized)) return { ok: true };
  return { ok: false, reason: plateRejection(normalized) };
}

export function isValidPlate(normalized: string): boolean {
  return validatePlate(normalized).ok;
}

function plateRejection(plate: string): string {
  const chars = Array.from(plate);
  if (chars.length === 0) return 'plate is empty';
  if (!PROVINCE_ABBREVIATIONS.includes(chars[0])) {
    return `"${chars[0]}" is not a province abbreviation (${PROVINCE_ABBREVIATIONS})`;
  }
  if (chars.length < 2 || !/^[A-Z]$/u.test(chars[1])) {
    return 'the second character must be a letter (issuing-authority code)';
  }
  const rest = chars.slice(2);
  if (rest[rest.length - 1] === TRAILER_SUFFIX) {
    return `a trailer plate has exactly 4 letters/digits before ${TRAILER_SUFFIX}`;
  }
  if (!rest.every((ch) => /^[A-Z0-9]$/u.test(ch))) {
    return 'only letters and digits may follow the issuing-authority letter';
  }
  return `expected 5 letters/digits (6 for new-energy) after the issuing-authority letter, got ${rest.length}`;
}
