/**
 * The regions of the staff statistics (SPEC §3: a station id starts with its administrative division
 * code). A region is a division-code prefix; `3305` is the whole of Huzhou, `330500` the stations
 * the city runs itself (市本级), and the three counties have their own codes. Pure data, used by the
 * statistics service and by the console to name a station's region.
 */
export interface Region {
  /** Division-code prefix a station id starts with. */
  code: string;
  /** Official name (zh-CN), shown to staff. */
  name: string;
}

export const HUZHOU_TOTAL: Region = { code: '3305', name: '湖州市（全市）' };

/**
 * Huzhou city's own stations and its three counties. HUZHOU_TOTAL counts every 3305 station, so it also
 * holds stations of the districts (e.g. 330502 吴兴区) that belong to none of these four.
 */
export const HUZHOU_REGIONS: readonly Region[] = [
  { code: '330500', name: '湖州市本级' },
  { code: '330521', name: '德清县' },
  { code: '330522', name: '长兴县' },
  { code: '330523', name: '安吉县' },
];

/** The region of a station id (longest matching prefix), or undefined outside Huzhou. */
export function regionOfStation(stationId: string): Region | undefined {
  return (
    HUZHOU_REGIONS.find((r) => stationId.startsWith(r.code)) ??
    (stationId.startsWith(HUZHOU_TOTAL.code) ? HUZHOU_TOTAL : undefined)
  );
}
