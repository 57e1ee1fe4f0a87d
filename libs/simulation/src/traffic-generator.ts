import { limitKgFor } from '@oc/domain';

/** Deterministic PRNG (mulberry32): the same seed gives the same traffic on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrafficOptions {
  seed: number;
  /** Distinct vehicles in the fleet. */
  vehicles: number;
  /** Share of weighings that are illegal overlimit (more than the warning band over). */
  violationShare?: number;
  warningShare?: number;
  emptyShare?: number;
  permitShare?: number;
  unknownPlateShare?: number;
  /** Share uploaded late: measuredAt hours before the others (offline stations). */
  lateShare?: number;
  /** Share of malformed messages (bad JSON, schema errors); they belong in the DLQ. */
  malformedShare?: number;
  /** Event time of the first weighing; later ones advance by `spacingMs`. */
  start: Date;
  spacingMs?: number;
  eventIdPrefix?: string;
}

export interface SimulatedMessage {
  key: string;
  value: string;
  /** What the generator meant it to be. */
  kind: 'COMPLIANT' | 'WARNING' | 'VIOLATION' | 'EMPTY' | 'PERMIT' | 'UNKNOWN_PLATE' | 'MALFORMED';
  eventId: string;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const STATIONS = ['330500001', '330500002', '330521001', '330522001', '330522002', '330523001'];
const PROVINCES = '浙浙浙浙浙苏皖沪赣闽';
const AXLE_MIX: { axles: number; combination: boolean; weight: number }[] = [
  { axles: 2, combination: false, weight: 30 },
  { axles: 3, combination: false, weight: 15 },
  { axles: 4, combination: false, weight: 10 },
  { axles: 4, combination: true, weight: 5 },
  { axles: 5, combination: true, weight: 10 },
  { axles: 6, combination: true, weight: 30 },
];

interface Vehicle {
  plate: string;
  plateColor: number;
  axles: number;
  combination: boolean;
}

function buildFleet(count: number, random: () => number): Vehicle[] {
  const total = AXLE_MIX.reduce((s, a) => s + a.weight, 0);
  const fleet: Vehicle[] = [];
  const seen = new Set<string>();
  while (fleet.length < count) {
    const province = PROVINCES[Math.floor(random() * PROVINCES.length)]!;
    const city = LETTERS[Math.floor(random() * 8)]!;
    const digits = String(Math.floor(random() * 100000)).padStart(5, '0');
    const plate = `${province}${city}${digits}`;
    if (seen.has(plate)) continue;
    seen.add(plate);
    let pick = random() * total;
    const mix = AXLE_MIX.find((a) => (pick -= a.weight) < 0) ?? AXLE_MIX[0]!;
    fleet.push({ plate, plateColor: 1, axles: mix.axles, combination: mix.combination });
  }
  return fleet;
}

/**
 * Realistic entry-scale traffic (SPEC §8 simulate): mostly compliant trucks, some within the warning
 * band, some illegal overlimit, empty runs, permits, unreadable plates, late uploads and a few
 * malformed messages. An infinite, deterministic generator; take as many as you need.
 */
export function* generateTraffic(options: TrafficOptions): Generator<SimulatedMessage> {
  const random = seededRandom(options.seed);
  const fleet = buildFleet(options.vehicles, random);
  const shares = {
    violation: options.violationShare ?? 0.1,
    warning: options.warningShare ?? 0.05,
    empty: options.emptyShare ?? 0.05,
    permit: options.permitShare ?? 0.01,
    unknown: options.unknownPlateShare ?? 0.01,
    malformed: options.malformedShare ?? 0.002,
  };
  const spacing = options.spacingMs ?? 1000;
  const prefix = options.eventIdPrefix ?? `sim-${options.seed}`;
  for (let i = 0; ; i++) {
    const eventId = `${prefix}-${i}`;
    const vehicle = fleet[Math.floor(random() * fleet.length)]!;
    const limit = limitKgFor(vehicle);
    const late = random() < (options.lateShare ?? 0.02) ? Math.floor(random() * 12 * 3600_000) : 0;
    const measuredAt = new Date(Math.floor(options.start.getTime() + i * spacing - late));
    const roll = random();
    let kind: SimulatedMessage['kind'];
    let grossWeightKg: number;
    let cargo = 'LADEN';
    let permitNo: string | undefined;
    let plate = vehicle.plate;
    let c = shares.malformed;
    if (roll < c) kind = 'MALFORMED';
    else if (roll < (c += shares.violation)) kind = 'VIOLATION';
    else if (roll < (c += shares.warning)) kind = 'WARNING';
    else if (roll < (c += shares.empty)) kind = 'EMPTY';
    else if (roll < (c += shares.permit)) kind = 'PERMIT';
    else if (roll < (c += shares.unknown)) kind = 'UNKNOWN_PLATE';
    else kind = 'COMPLIANT';
    switch (kind) {
      case 'VIOLATION':
        grossWeightKg = limit + 1001 + Math.floor(random() * 20000);
        break;
      case 'WARNING':
        grossWeightKg = limit + 1 + Math.floor(random() * 1000);
        break;
      case 'EMPTY':
        cargo = 'EMPTY';
        grossWeightKg = Math.floor(limit * (0.3 + random() * 0.15));
        break;
      case 'PERMIT':
        permitNo = `浙交超证${String(i).padStart(6, '0')}`;
        grossWeightKg = limit + 5000 + Math.floor(random() * 10000);
        break;
      case 'UNKNOWN_PLATE':
        plate = 'UNKNOWN';
        grossWeightKg = limit + 3000;
        break;
      default:
        grossWeightKg = Math.floor(limit * (0.5 + random() * 0.5));
    }
    const station = STATIONS[Math.floor(random() * STATIONS.length)]!;
    const key = `${vehicle.plateColor}:${plate}`;
    if (kind === 'MALFORMED') {
      const broken =
        random() < 0.5
          ? `{"eventId":"${eventId}","plate":`
          : JSON.stringify({
              eventId,
              source: 'TOLL_ENTRY',
              stationId: station,
              measuredAt: measuredAt.toISOString(),
              plate,
              plateColor: 'PURPLE',
              axles: 1,
              grossWeightKg: -5,
              cargo: 'FULL',
            });
      yield { key, value: broken, kind, eventId };
      continue;
    }
    const event: Record<string, unknown> = {
      eventId,
      source: station.startsWith('3305000') ? 'WEIGH_STATION' : 'TOLL_ENTRY',
      stationId: station,
      laneId: `L${1 + Math.floor(random() * 6)}`,
      measuredAt: measuredAt.toISOString(),
      plate,
      plateColor: vehicle.plateColor,
      axles: vehicle.axles,
      combination: vehicle.combination,
      grossWeightKg,
      cargo,
    };
    if (permitNo) event.permitNo = permitNo;
    if (kind === 'VIOLATION')
      event.evidence = { imageUrls: [`https://evidence.example/${eventId}.jpg`], deviceCertNo: `JJG-${station}` };
    yield { key, value: JSON.stringify(event), kind, eventId };
  }
}

/** A weigh event that is illegal overlimit for the given axles (SPEC §4.2): limit + overKg. */
export function violationEvent(input: {
  eventId: string;
  plate: string;
  plateColor?: number;
  measuredAt: Date;
  axles?: number;
  overKg?: number;
  permitNo?: string;
  stationId?: string;
  cargo?: string;
  evidence?: { imageUrls: string[]; deviceCertNo?: string };
}): { key: string; value: string } {
  const axles = input.axles ?? 2;
  const plateColor = input.plateColor ?? 1;
  const event: Record<string, unknown> = {
    eventId: input.eventId,
    source: 'TOLL_ENTRY',
    stationId: input.stationId ?? '330500001',
    measuredAt: input.measuredAt.toISOString(),
    plate: input.plate,
    plateColor,
    axles,
    grossWeightKg: limitKgFor({ axles }) + (input.overKg ?? 2000),
    cargo: input.cargo ?? 'LADEN',
  };
  if (input.permitNo) event.permitNo = input.permitNo;
  if (input.evidence) event.evidence = input.evidence;
  return { key: `${plateColor}:${input.plate}`, value: JSON.stringify(event) };
}
