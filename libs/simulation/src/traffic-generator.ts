import type { PermitRegistryRecord, WeighingSource } from '@oc/contracts';
import { limitKgFor, type OverlimitRules, type PermitCheck, type WeighingClassification } from '@oc/domain';
import { buildFleet, type SimulatedVehicle } from './fleet-generator';
import { simulatedPermits } from './permit-generator';
import { pick, seededRandom } from './seeded-random';
import { SIMULATED_STATIONS, sourceOfStation } from './simulated-stations';

export interface TrafficOptions {
  seed: number;
  /** Distinct vehicles in the fleet. */
  vehicles: number;
  /** Share of weighings that are illegal overlimit (more than the warning band over). */
  violationShare?: number;
  /** Over the limit within the warning band, at a weigh station or mobile unit (62号令 第四十三条). */
  warningShare?: number;
  /** Over the limit within the entry tolerance, at a toll entrance (交办公路明电〔2019〕117号). */
  toleratedShare?: number;
  emptyShare?: number;
  /** Overlimit with a permit of the registry that covers the weighing (EXEMPT_PERMIT). */
  permitShare?: number;
  /**
   * Overlimit with a permitNo that does not cover it (62号令 第二十七条): another vehicle's, an expired
   * or revoked one, above its weight, off its route, or one the registry does not know. VIOLATIONs.
   */
  permitMisuseShare?: number;
  unknownPlateShare?: number;
  /** Share uploaded late: measuredAt hours before the others (offline stations). */
  lateShare?: number;
  /** Share of malformed messages (bad JSON, schema errors); they belong in the DLQ. */
  malformedShare?: number;
  /** Event time of the first weighing; later ones advance by `spacingMs`. */
  start: Date;
  spacingMs?: number;
  eventIdPrefix?: string;
  /**
   * The simulated "now" the permit registry is drawn around (simulatedRegistry's `at`); default `start`.
   * Two streams of one seed (history, then live) share their permits when they share this.
   */
  registryAt?: Date;
}

export interface SimulatedMessage {
  key: string;
  value: string;
  /** What the generator meant it to be. A permitNo that does not cover the weighing is a VIOLATION. */
  kind: 'COMPLIANT' | 'TOLERATED' | 'WARNING' | 'VIOLATION' | 'EMPTY' | 'PERMIT' | 'UNKNOWN_PLATE' | 'MALFORMED';
  eventId: string;
  /**
   * How ingest classifies it once simulatedRegistry (same seed, vehicles and registryAt) is registered,
   * with the default rules (SIMULATION_RULES); null for a malformed message, which is dead-lettered.
   * The spec holds it to libs/domain classifyWeighing with the registry's permit record.
   */
  expected: WeighingClassification | null;
  /** Why its permitNo did not exempt it (a VIOLATION carrying one), else null. */
  permitCheck: PermitCheck | null;
}

/** The rules the traffic is drawn for: WARNING_BAND_KG and ENTRY_TOLERANCE_PERCENT as configured by default. */
export const SIMULATION_RULES: OverlimitRules = { warningBandKg: 1000, entryTolerancePercent: 5 };

const ENTRY_STATIONS = SIMULATED_STATIONS.filter((s) => s.kind === 'TOLL_ENTRY').map((s) => s.stationId);
const OTHER_STATIONS = SIMULATED_STATIONS.filter((s) => s.kind !== 'TOLL_ENTRY').map((s) => s.stationId);
const ALL_STATIONS = SIMULATED_STATIONS.map((s) => s.stationId);
const MISUSES = [
  'OTHER_VEHICLE',
  'NOT_VALID_AT_TIME',
  'OVER_PERMITTED_WEIGHT',
  'OFF_ROUTE',
  'REVOKED',
  'UNKNOWN_PERMIT',
] as const satisfies readonly PermitCheck[];
type Misuse = (typeof MISUSES)[number];

/** SPEC §4.2: how each kind of weighing the generator means is classified. */
const CLASSIFICATION_OF: Record<Exclude<SimulatedMessage['kind'], 'MALFORMED'>, WeighingClassification> = {
  COMPLIANT: 'COMPLIANT',
  EMPTY: 'COMPLIANT',
  TOLERATED: 'TOLERATED',
  WARNING: 'WARNING',
  VIOLATION: 'VIOLATION',
  PERMIT: 'EXEMPT_PERMIT',
  UNKNOWN_PLATE: 'UNIDENTIFIED',
};

/** The smallest excess that is beyond both the warning band and, at a toll entrance, the entry tolerance. */
function beyondBandKg(limitKg: number, source: WeighingSource): number {
  const tolerance = source === 'TOLL_ENTRY' ? entryToleranceKg(limitKg) : 0;
  return Math.max(SIMULATION_RULES.warningBandKg, tolerance) + 1;
}

function entryToleranceKg(limitKg: number): number {
  return Math.floor((limitKg * SIMULATION_RULES.entryTolerancePercent) / 100);
}

const validAt = (p: PermitRegistryRecord, at: number) => at >= p.validFrom.getTime() && at <= p.validTo.getTime();

/**
 * Realistic traffic (SPEC §8 simulate) at the simulated stations: mostly compliant trucks, readings
 * within the entry tolerance at toll entrances, warnings at weigh stations, illegal overlimit, empty
 * runs, permits of the registry and their invalid uses, unreadable plates, late uploads and a few
 * malformed messages. An infinite, deterministic generator; take as many as you need.
 */
export function* generateTraffic(options: TrafficOptions): Generator<SimulatedMessage> {
  const random = seededRandom(options.seed);
  const fleet = buildFleet(options.vehicles, random);
  const permits = simulatedPermits(fleet, {
    seed: options.seed,
    vehicles: options.vehicles,
    at: options.registryAt ?? options.start,
  });
  const issued = permits.filter((p) => p.status === 'ISSUED');
  const revoked = permits.filter((p) => p.status === 'REVOKED');
  const vehicleByKey = new Map(fleet.map((v) => [v.vehicleKey, v]));
  const shares = {
    violation: options.violationShare ?? 0.1,
    warning: options.warningShare ?? 0.05,
    tolerated: options.toleratedShare ?? 0.03,
    empty: options.emptyShare ?? 0.05,
    permit: options.permitShare ?? 0.01,
    misuse: options.permitMisuseShare ?? 0.003,
    unknown: options.unknownPlateShare ?? 0.01,
    malformed: options.malformedShare ?? 0.002,
  };
  const spacing = options.spacingMs ?? 1000;
  const prefix = options.eventIdPrefix ?? `sim-${options.seed}`;
  for (let i = 0; ; i++) {
    const eventId = `${prefix}-${i}`;
    let vehicle: SimulatedVehicle = fleet[Math.floor(random() * fleet.length)]!;
    const late = random() < (options.lateShare ?? 0.02) ? Math.floor(random() * 12 * 3600_000) : 0;
    const measuredAt = new Date(Math.floor(options.start.getTime() + i * spacing - late));
    const at = measuredAt.getTime();
    const roll = random();
    let intent: SimulatedMessage['kind'] | 'MISUSE';
    let c = shares.malformed;
    if (roll < c) intent = 'MALFORMED';
    else if (roll < (c += shares.violation)) intent = 'VIOLATION';
    else if (roll < (c += shares.warning)) intent = 'WARNING';
    else if (roll < (c += shares.tolerated)) intent = 'TOLERATED';
    else if (roll < (c += shares.empty)) intent = 'EMPTY';
    else if (roll < (c += shares.permit)) intent = 'PERMIT';
    else if (roll < (c += shares.misuse)) intent = 'MISUSE';
    else if (roll < (c += shares.unknown)) intent = 'UNKNOWN_PLATE';
    else intent = 'COMPLIANT';

    let permit: PermitRegistryRecord | undefined;
    let permitNo: string | undefined;
    let misuse: Misuse | undefined;
    if (intent === 'PERMIT') {
      const covering = issued.filter((p) => validAt(p, at));
      if (covering.length > 0) permit = pick(random, covering);
      // No permit of the registry is valid now: the driver shows one anyway, out of its time.
      else intent = 'MISUSE';
    }
    if (intent === 'MISUSE') {
      ({ misuse, permit } = chooseMisuse(pick(random, MISUSES), vehicle, at, { issued, revoked }, random));
      permitNo = permit?.permitNo ?? `浙交超证${String(i).padStart(6, '0')}`;
    }
    if (permit && misuse !== 'OTHER_VEHICLE') vehicle = vehicleByKey.get(permit.vehicleKey)!;
    if (permit) permitNo = permit.permitNo;

    const stations =
      intent === 'WARNING'
        ? OTHER_STATIONS
        : intent === 'TOLERATED'
          ? ENTRY_STATIONS
          : misuse === 'OFF_ROUTE'
            ? ALL_STATIONS.filter((s) => !permit!.stationIds!.includes(s))
            : permit?.stationIds && misuse !== 'OTHER_VEHICLE'
              ? [...permit.stationIds]
              : ALL_STATIONS;
    const station = pick(random, stations);
    const source = sourceOfStation(station);
    const limit = limitKgFor(vehicle);
    const beyond = limit + beyondBandKg(limit, source);
    let grossWeightKg: number;
    let cargo = 'LADEN';
    let plate = vehicle.plate;
    switch (intent) {
      case 'VIOLATION':
        grossWeightKg = beyond + Math.floor(random() * 20000);
        break;
      case 'WARNING':
        grossWeightKg = limit + 1 + Math.floor(random() * SIMULATION_RULES.warningBandKg);
        break;
      case 'TOLERATED':
        grossWeightKg = limit + 1 + Math.floor(random() * entryToleranceKg(limit));
        break;
      case 'EMPTY':
        cargo = 'EMPTY';
        grossWeightKg = Math.floor(limit * (0.3 + random() * 0.15));
        break;
      case 'PERMIT':
        grossWeightKg = beyond + Math.floor(random() * (permit!.maxGrossWeightKg - beyond + 1));
        break;
      case 'MISUSE':
        grossWeightKg =
          misuse === 'OVER_PERMITTED_WEIGHT'
            ? permit!.maxGrossWeightKg + 1 + Math.floor(random() * 5000)
            : permit && misuse !== 'OTHER_VEHICLE'
              ? beyond + Math.floor(random() * (permit.maxGrossWeightKg - beyond + 1))
              : beyond + Math.floor(random() * 20000);
        break;
      case 'UNKNOWN_PLATE':
        plate = 'UNKNOWN';
        grossWeightKg = beyond + 2000;
        break;
      default:
        grossWeightKg = Math.floor(limit * (0.5 + random() * 0.5));
    }
    const kind: SimulatedMessage['kind'] = intent === 'MISUSE' ? 'VIOLATION' : intent;
    const key = `${vehicle.plateColor}:${plate}`;
    if (kind === 'MALFORMED') {
      const broken =
        random() < 0.5
          ? `{"eventId":"${eventId}","plate":`
          : JSON.stringify({
              eventId,
              source,
              stationId: station,
              measuredAt: measuredAt.toISOString(),
              plate,
              plateColor: 'PURPLE',
              axles: 1,
              grossWeightKg: -5,
              cargo: 'FULL',
            });
      yield { key, value: broken, kind, eventId, expected: null, permitCheck: null };
      continue;
    }
    const event: Record<string, unknown> = {
      eventId,
      source,
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
    yield {
      key,
      value: JSON.stringify(event),
      kind,
      eventId,
      expected: CLASSIFICATION_OF[kind],
      permitCheck: misuse ?? null,
    };
  }
}

/**
 * A permit for an invalid use of the given kind, or none (a number the registry does not know) when the
 * registry has no permit for that kind of misuse at this moment.
 */
function chooseMisuse(
  wanted: Misuse,
  vehicle: SimulatedVehicle,
  at: number,
  permits: { issued: readonly PermitRegistryRecord[]; revoked: readonly PermitRegistryRecord[] },
  random: () => number,
): { misuse: Misuse; permit?: PermitRegistryRecord } {
  const { issued, revoked } = permits;
  const candidates: Record<Misuse, () => readonly PermitRegistryRecord[]> = {
    OTHER_VEHICLE: () => issued.filter((p) => p.vehicleKey !== vehicle.vehicleKey),
    NOT_VALID_AT_TIME: () => issued.filter((p) => !validAt(p, at)),
    OVER_PERMITTED_WEIGHT: () => issued.filter((p) => validAt(p, at)),
    OFF_ROUTE: () => issued.filter((p) => validAt(p, at) && p.stationIds !== null),
    REVOKED: () => revoked,
    UNKNOWN_PERMIT: () => [],
  };
  const found = candidates[wanted]();
  if (found.length > 0) return { misuse: wanted, permit: pick(random, found) };
  return { misuse: 'UNKNOWN_PERMIT' };
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
  /** Default: the station's kind in SIMULATED_STATIONS (TOLL_ENTRY for another station). */
  source?: WeighingSource;
  cargo?: string;
  evidence?: { imageUrls: string[]; deviceCertNo?: string };
}): { key: string; value: string } {
  const axles = input.axles ?? 2;
  const plateColor = input.plateColor ?? 1;
  const stationId = input.stationId ?? '330500001';
  const event: Record<string, unknown> = {
    eventId: input.eventId,
    source: input.source ?? sourceOfStation(stationId),
    stationId,
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
