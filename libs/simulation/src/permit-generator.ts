import type { PermitRegistryRecord } from '@oc/contracts';
import { limitKgFor } from '@oc/domain';
import type { SimulatedRegistryOptions, SimulatedVehicle } from './fleet-generator';
import { derivedRandom, intBetween } from './seeded-random';
import { DAY_MS, shanghaiDayEnd, shanghaiDayStart, shanghaiMonthStart } from './shanghai-time';
import { SIMULATED_STATIONS } from './simulated-stations';

/** Share of heavy vehicles (4 axles and more) holding a 超限运输车辆通行证 (大件运输许可). */
export const PERMIT_HOLDER_SHARE = 0.01;
const RANDOM_STREAM = { permits: 2 } as const;

/**
 * The permit registry (SPEC §4.9 registry.permits.v1) of the simulated fleet: about 1 % of its heavy
 * vehicles, at least one when it has any, hold a current permit valid from some days before the month of
 * `at` began to two months or more after it, for a gross weight well above their limit; every other holder's permit names its
 * route (2 of the simulated stations). Each holder also has its previous permit, expired before the
 * current one began, and every third holder's previous permit was revoked: the traffic's invalid uses
 * (62号令 第二十七条) need both. Deterministic for (seed, vehicles, at).
 */
export function simulatedPermits(
  fleet: readonly SimulatedVehicle[],
  options: SimulatedRegistryOptions,
): PermitRegistryRecord[] {
  const random = derivedRandom(options.seed, RANDOM_STREAM.permits);
  const heavy = fleet.filter((v) => v.axles >= 4);
  const holders = heavy.length === 0 ? 0 : Math.max(1, Math.round(heavy.length * PERMIT_HOLDER_SHARE));
  // A partial Fisher-Yates shuffle picks the holders without repeats.
  for (let i = 0; i < holders; i++) {
    const j = intBetween(random, i, heavy.length - 1);
    [heavy[i], heavy[j]] = [heavy[j]!, heavy[i]!];
  }
  const permits: PermitRegistryRecord[] = [];
  const month = shanghaiMonthStart(options.at);
  const at = month.getTime();
  // 浙湖超<month of issue><seed><serial>: a month's permits are new permits (the previous month's stay
  // as they were, and so do the weighings they exempted); unique per seed.
  const yyyymm = new Date(at + 8 * 3600_000).toISOString().slice(0, 7).replace('-', '');
  const serialOf = (n: number): string =>
    `浙湖超${yyyymm}${String(options.seed % 1000).padStart(3, '0')}${String(n).padStart(4, '0')}`;
  for (let i = 0; i < holders; i++) {
    const v = heavy[i]!;
    const validFrom = shanghaiDayStart(at - intBetween(random, 5, 40) * DAY_MS);
    const validTo = shanghaiDayEnd(at + intBetween(random, 60, 210) * DAY_MS);
    const previousTo = shanghaiDayEnd(validFrom.getTime() - intBetween(random, 2, 15) * DAY_MS);
    const previousFrom = shanghaiDayStart(previousTo.getTime() - intBetween(random, 20, 60) * DAY_MS);
    const route = i % 2 === 1 ? routeOf(random) : null;
    const base = {
      vehicleKey: v.vehicleKey,
      plate: v.plate,
      plateColor: v.plateColor,
      axles: random() < 0.7 ? v.axles : null,
    };
    permits.push({
      ...base,
      permitNo: serialOf(2 * i),
      validFrom: previousFrom,
      validTo: previousTo,
      maxGrossWeightKg: permittedWeight(v, random),
      stationIds: null,
      status: i % 3 === 1 ? 'REVOKED' : 'ISSUED',
    });
    permits.push({
      ...base,
      permitNo: serialOf(2 * i + 1),
      validFrom,
      validTo,
      maxGrossWeightKg: permittedWeight(v, random),
      stationIds: route,
      status: 'ISSUED',
    });
  }
  return permits;
}

/** 5–20 t above the vehicle's limit (62号令 第三条), in steps of 100 kg. */
function permittedWeight(v: SimulatedVehicle, random: () => number): number {
  return limitKgFor(v) + 5000 + intBetween(random, 0, 150) * 100;
}

/** Two distinct stations, sorted as the registry keeps them. */
function routeOf(random: () => number): string[] {
  const n = SIMULATED_STATIONS.length;
  const first = intBetween(random, 0, n - 1);
  const second = (first + intBetween(random, 1, n - 1)) % n;
  return [SIMULATED_STATIONS[first]!.stationId, SIMULATED_STATIONS[second]!.stationId].sort();
}
