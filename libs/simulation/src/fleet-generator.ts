import type { VehicleOwner, VehicleRecord } from '@oc/contracts';
import { citizenIdCheckChar, creditCodeCheckChar, vehicleKey, type PlateColorCode } from '@oc/domain';
import {
  BIRTH_REGIONS,
  COMPANY_TRADES,
  COMPANY_WORDS,
  COUNTY_CITY,
  GIVEN_FEMALE,
  GIVEN_MALE,
  plateRegion,
  SURNAMES,
} from './fleet-data';
import { derivedRandom, intBetween, pick, seededRandom } from './seeded-random';
import { DAY_MS, shanghaiDayStart, shanghaiYearStart, shanghaiYmd } from './shanghai-time';

/** A vehicle of the simulated traffic: what a scale reads. */
export interface SimulatedVehicle {
  plate: string;
  plateColor: PlateColorCode;
  axles: number;
  combination: boolean;
  /** `"<plateColorCode>:<plate>"`. */
  vehicleKey: string;
}

const LETTERS = 'ABCDEFGH';
const PROVINCES = '浙浙浙浙浙苏皖沪赣闽';
const AXLE_MIX: { axles: number; combination: boolean; weight: number }[] = [
  { axles: 2, combination: false, weight: 30 },
  { axles: 3, combination: false, weight: 15 },
  { axles: 4, combination: false, weight: 10 },
  { axles: 4, combination: true, weight: 5 },
  { axles: 5, combination: true, weight: 10 },
  { axles: 6, combination: true, weight: 30 },
];
const AXLE_MIX_TOTAL = AXLE_MIX.reduce((s, a) => s + a.weight, 0);

/**
 * The fleet's plates and axles, drawn first from the traffic's own stream (generateTraffic continues
 * it), so a seed's vehicles are the same as they have always been. Yellow plates (heavy goods vehicles).
 */
export function buildFleet(count: number, random: () => number): SimulatedVehicle[] {
  const fleet: SimulatedVehicle[] = [];
  const seen = new Set<string>();
  while (fleet.length < count) {
    const province = PROVINCES[Math.floor(random() * PROVINCES.length)]!;
    const city = LETTERS[Math.floor(random() * LETTERS.length)]!;
    const digits = String(Math.floor(random() * 100000)).padStart(5, '0');
    const plate = `${province}${city}${digits}`;
    if (seen.has(plate)) continue;
    seen.add(plate);
    let roll = random() * AXLE_MIX_TOTAL;
    const mix = AXLE_MIX.find((a) => (roll -= a.weight) < 0) ?? AXLE_MIX[0]!;
    fleet.push({
      plate,
      plateColor: 1,
      axles: mix.axles,
      combination: mix.combination,
      vehicleKey: vehicleKey(1, plate),
    });
  }
  return fleet;
}

/** The vehicles generateTraffic uses for this seed and fleet size. */
export function simulatedFleet(seed: number, count: number): SimulatedVehicle[] {
  return buildFleet(count, seededRandom(seed));
}

export interface SimulatedRegistryOptions {
  seed: number;
  /** Fleet size: the traffic's `vehicles` for the same seed. */
  vehicles: number;
  /**
   * The simulated "now". Registrations are drawn as of the start of its year and permits as of the start
   * of its month, so that a simulation started again the same month publishes the same records (the
   * registry ignores a record equal to the stored one) instead of rewriting every vehicle and permit.
   */
  at: Date;
}

/** Share of a province's vehicles owned by transport companies (the rest: 个体运输户). */
const COMPANY_SHARE = 0.65;
const MIN_COMPANY_FLEET = 5;
const MAX_COMPANY_FLEET = 200;
const YEAR_MS = 365.25 * DAY_MS;
const RANDOM_STREAM = { owners: 1 } as const;

/**
 * The 运政 registration (SPEC §4.9 registry.vehicles.v1) of every vehicle of the simulated fleet:
 * individual owners (PERSON, 公民身份号码 with its GB 11643 check character, born in Huzhou or a
 * neighbouring county, 22–60 years old at the start of the year) and transport companies (COMPANY, e.g. 湖州鑫顺物流有限公司,
 * 统一社会信用代码 with its GB 32100 check character) with fleets of 5–200 vehicles, whose vehicles carry
 * the company as operatorId. Every vehicle has a 道路运输证号 and its registration region (车籍地, the
 * plate's city). Deterministic for (seed, vehicles, at); yielded owner by owner, so that half a million
 * records need not be held at once.
 */
export function* simulatedVehicleRecords(options: SimulatedRegistryOptions): Generator<VehicleRecord> {
  const fleet = simulatedFleet(options.seed, options.vehicles);
  const random = derivedRandom(options.seed, RANDOM_STREAM.owners);
  const asOf = shanghaiYearStart(options.at);
  const ids = new IdentityNumbers(random);
  const byProvince = new Map<string, SimulatedVehicle[]>();
  for (const v of fleet) {
    const list = byProvince.get(v.plate[0]!) ?? [];
    list.push(v);
    byProvince.set(v.plate[0]!, list);
  }
  for (const vehicles of byProvince.values()) {
    let companyLeft = Math.round(vehicles.length * COMPANY_SHARE);
    for (let next = 0; next < vehicles.length;) {
      const left = vehicles.length - next;
      if (companyLeft >= MIN_COMPANY_FLEET && random() < companyLeft / left) {
        let size = Math.min(
          MIN_COMPANY_FLEET + Math.floor((MAX_COMPANY_FLEET - MIN_COMPANY_FLEET + 1) * random() ** 3),
          companyLeft,
        );
        // The quota's tail joins this company rather than being too small for one of its own.
        if (companyLeft - size < MIN_COMPANY_FLEET) size = Math.min(companyLeft, MAX_COMPANY_FLEET);
        const fleetOf = vehicles.slice(next, next + size);
        yield* companyVehicles(fleetOf, ids, random, asOf);
        next += size;
        companyLeft -= size;
      } else {
        const roll = random();
        const size = Math.min(roll < 0.85 ? 1 : roll < 0.97 ? 2 : 3, left);
        yield* personVehicles(vehicles.slice(next, next + size), ids, random, asOf);
        next += size;
      }
    }
  }
}

function* companyVehicles(
  vehicles: SimulatedVehicle[],
  ids: IdentityNumbers,
  random: () => number,
  at: Date,
): Generator<VehicleRecord> {
  const home = plateRegion(vehicles[0]!.plate);
  const division = pick(random, home.divisions);
  const creditCode = ids.creditCode(division);
  const owner: VehicleOwner = {
    name: ids.companyName(COUNTY_CITY[division] ?? home.city),
    type: 'COMPANY',
    idNo: creditCode,
    phone: mobilePhone(random),
  };
  for (const v of vehicles) {
    // 挂靠: a company's vehicles are registered where the company is, unless their plate is another city's.
    const region = plateRegion(v.plate) === home ? division : pick(random, plateRegion(v.plate).divisions);
    yield registration(v, owner, creditCode, region, ids, random, at);
  }
}

function* personVehicles(
  vehicles: SimulatedVehicle[],
  ids: IdentityNumbers,
  random: () => number,
  at: Date,
): Generator<VehicleRecord> {
  const region = pick(random, plateRegion(vehicles[0]!.plate).divisions);
  const male = random() < 0.92;
  const owner: VehicleOwner = {
    name: personName(random, male),
    type: 'PERSON',
    idNo: ids.citizenId(random() < 0.6 ? region : pick(random, BIRTH_REGIONS), male, at),
    phone: random() < 0.9 ? mobilePhone(random) : null,
  };
  for (const v of vehicles) {
    const own =
      plateRegion(v.plate) === plateRegion(vehicles[0]!.plate) ? region : pick(random, plateRegion(v.plate).divisions);
    yield registration(v, owner, null, own, ids, random, at);
  }
}

function registration(
  v: SimulatedVehicle,
  owner: VehicleOwner,
  operatorId: string | null,
  region: string,
  ids: IdentityNumbers,
  random: () => number,
  at: Date,
): VehicleRecord {
  return {
    vehicleKey: v.vehicleKey,
    plate: v.plate,
    plateColor: v.plateColor,
    owner,
    operatorId,
    transportCertNo: `${v.plate[0]}交运管${plateRegion(v.plate).short}字${region}${ids.certSerial()}`,
    certIssuedAt: shanghaiDayStart(at.getTime() - Math.floor(random() * 8 * YEAR_MS)),
    registrationRegion: region,
  };
}

function personName(random: () => number, male: boolean): string {
  // The common surnames are much more common: bias the draw to the front of the list.
  const surname = SURNAMES[Math.floor(SURNAMES.length * random() ** 2)]!;
  const given = male ? GIVEN_MALE : GIVEN_FEMALE;
  return surname + pick(random, given) + (random() < 0.7 ? pick(random, given) : '');
}

function mobilePhone(random: () => number): string {
  return `1${pick(random, '35789')}${String(Math.floor(random() * 1e9)).padStart(9, '0')}`;
}

/** GB 11714 组织机构代码: 8 characters and a MOD 11 check character (X for 10). */
function organisationCode(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body8].reduce((s, ch, i) => s + parseInt(ch, 36) * weights[i]!, 0);
  const check = 11 - (sum % 11);
  return body8 + (check === 11 ? '0' : check === 10 ? 'X' : String(check));
}

/** Identity numbers and names that are unique within one fleet, like the registry's. */
class IdentityNumbers {
  private readonly citizenIds = new Set<string>();
  private readonly companyNames = new Set<string>();
  private companies = 0;
  private certs = 0;
  private readonly companySalt: number;
  private readonly certSalt: number;

  constructor(private readonly random: () => number) {
    this.companySalt = Math.floor(random() * 1e8);
    this.certSalt = Math.floor(random() * 1e6);
  }

  /** 身份证号: address code, birth date (22–60 years before `asOf`), sequence (odd for men), check. */
  citizenId(region: string, male: boolean, asOf: Date): string {
    for (;;) {
      const born = new Date(asOf.getTime() - (22 + this.random() * 38) * YEAR_MS);
      const sequence = intBetween(this.random, 0, 49) * 2 + (male ? 1 : 0) + intBetween(this.random, 0, 9) * 100;
      const first17 = `${region}${shanghaiYmd(born)}${String(sequence).padStart(3, '0')}`;
      const id = first17 + citizenIdCheckChar(first17);
      if (this.citizenIds.has(id)) continue;
      this.citizenIds.add(id);
      return id;
    }
  }

  /**
   * 统一社会信用代码: 9 (registered by the market regulator), 1 (enterprise), division code, the
   * organisation code, check. The organisation codes walk a permutation of 10^8, so none repeats.
   */
  creditCode(division: string): string {
    const body = String((this.companies++ * 7919 + this.companySalt) % 1e8).padStart(8, '0');
    const first17 = `91${division}${organisationCode(body)}`;
    return first17 + creditCodeCheckChar(first17);
  }

  companyName(city: string): string {
    for (let words = 2; ; words++) {
      for (let attempt = 0; attempt < 20; attempt++) {
        let brand = '';
        for (let i = 0; i < words; i++) brand += pick(this.random, COMPANY_WORDS);
        const name = `${city}${brand}${pick(this.random, COMPANY_TRADES)}有限公司`;
        if (this.companyNames.has(name)) continue;
        this.companyNames.add(name);
        return name;
      }
    }
  }

  /** The serial of a 道路运输证号: a permutation of 10^6 (7919 is prime to 10), so none repeats. */
  certSerial(): string {
    return String((this.certs++ * 7919 + this.certSalt) % 1e6).padStart(6, '0');
  }
}
