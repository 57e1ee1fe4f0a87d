import type { StationRecord, WeighingSource } from '@oc/contracts';

/**
 * The stations the simulated traffic weighs at (SPEC §4.9 station registry): Huzhou's own weigh
 * stations (市本级 330500), toll entrances of its three counties and one mobile unit. A station id starts
 * with its division code; `kind` is the `source` every simulated weighing of that station carries, so a
 * toll entrance's readings get the entry tolerance (交办公路明电〔2019〕117号) and the others do not.
 * Tests and benchmarks register these before producing simulated weighings: a weighing from a station
 * that is not registered is dead-lettered UNKNOWN_STATION.
 */
export const SIMULATED_STATIONS: StationRecord[] = [
  station('330500001', '湖州市八里店超限检测站', 'WEIGH_STATION'),
  station('330500002', '湖州市东林超限检测站', 'WEIGH_STATION'),
  station('330521001', '杭宁高速德清收费站', 'TOLL_ENTRY'),
  station('330522001', '杭宁高速长兴收费站', 'TOLL_ENTRY'),
  station('330522002', '申苏浙皖高速长兴西收费站', 'TOLL_ENTRY'),
  station('330523001', '杭长高速安吉收费站', 'TOLL_ENTRY'),
  station('330523901', '安吉县流动治超检测点', 'MOBILE_UNIT'),
];

function station(stationId: string, name: string, kind: WeighingSource): StationRecord {
  return { stationId, name, divisionCode: stationId.slice(0, 6), kind, activeFrom: null, activeTo: null };
}

const BY_ID = new Map(SIMULATED_STATIONS.map((s) => [s.stationId, s]));

/** The source a weighing of this station carries; TOLL_ENTRY for a station outside the catalogue. */
export function sourceOfStation(stationId: string): WeighingSource {
  return BY_ID.get(stationId)?.kind ?? 'TOLL_ENTRY';
}
