/** Plate colour codes, toll-system convention (§4.1). */
export const PLATE_COLORS = {
  0: 'BLUE',
  1: 'YELLOW',
  2: 'BLACK',
  3: 'WHITE',
  4: 'GREEN_GRADIENT',
  5: 'YELLOW_GREEN',
  6: 'BLUE_WHITE',
  7: 'TEMPORARY',
  11: 'GREEN',
  12: 'RED',
} as const;

export type PlateColorCode = keyof typeof PLATE_COLORS;
export type PlateColorName = (typeof PLATE_COLORS)[PlateColorCode];

export const PLATE_COLOR_CODES: readonly PlateColorCode[] = [0, 1, 2, 3, 4, 5, 6, 7, 11, 12];

const CODE_BY_NAME: ReadonlyMap<string, PlateColorCode> = new Map(
  PLATE_COLOR_CODES.map((code) => [PLATE_COLORS[code], code] as const),
);

export function isPlateColorCode(value: unknown): value is PlateColorCode {
  return typeof value === 'number' && Object.prototype.hasOwnProperty.call(PLATE_COLORS, value);
}

/**
 * Accepts the code (number or numeric string, e.g. 1 or "1") or the name, case-insensitive
 * (e.g. "yellow"). Anything else gives undefined.
 */
export function parsePlateColor(input: string | number): PlateColorCode | undefined {
  if (typeof input === 'number') return isPlateColorCode(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (/^\d{1,2}$/u.test(text)) {
    const code = Number(text);
    return isPlateColorCode(code) ? code : undefined;
  }
  return CODE_BY_NAME.get(text.toUpperCase());
}

export function plateColorName(code: PlateColorCode): PlateColorName {
  return PLATE_COLORS[code];
}
