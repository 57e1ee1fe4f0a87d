import { DomainError, DomainErrorCode } from '../errors/domain-error';

/** What the limit depends on (62号令 第三条). */
export interface AxleConfiguration {
  axles: number;
  /** 汽车列车 (tractor + trailer). Default: `axles >= 5`. */
  combination?: boolean;
  /** 6+ axle combination whose tractor has a single drive axle (牵引车驱动轴为单轴). */
  singleDriveAxle?: boolean;
}

export interface OverlimitLimitRow {
  /** Where the limit comes from, e.g. `第三条第一款第(五)项` (its (一)–(三) are height, width and length). */
  readonly clause: string;
  readonly description: string;
  readonly minAxles: number;
  /** Inclusive; Infinity for "6 axles and more". */
  readonly maxAxles: number;
  /** undefined: applies to trucks and combinations alike. */
  readonly combination?: boolean;
  /** undefined: applies whatever the drive axles. */
  readonly singleDriveAxle?: boolean;
  readonly limitKg: number;
}

/**
 * 《超限运输车辆行驶公路管理规定》(交通运输部令2016年第62号) 第三条第一款第(四)至(八)项: gross-weight limits. A vehicle is
 * overlimit when strictly heavier. The first matching row wins, so order matters. This table is the
 * only copy of the limits in the code base.
 *
 * Not in 第三条, decided here: a 5-axle vehicle not declared a combination gets the 5-axle limit (GB 1589
 * has no 5-axle rigid truck; treating it as one would make it stricter than the law); `singleDriveAxle`
 * only matters from 6 axles (a single-drive-axle tractor implies a combination).
 */
export const OVERLIMIT_LIMITS: readonly OverlimitLimitRow[] = [
  { clause: '第三条第一款第(四)项', description: '二轴货车', minAxles: 2, maxAxles: 2, limitKg: 18_000 },
  {
    clause: '第三条第一款第(五)项',
    description: '三轴货车',
    minAxles: 3,
    maxAxles: 3,
    combination: false,
    limitKg: 25_000,
  },
  {
    clause: '第三条第一款第(五)项',
    description: '三轴汽车列车',
    minAxles: 3,
    maxAxles: 3,
    combination: true,
    limitKg: 27_000,
  },
  {
    clause: '第三条第一款第(六)项',
    description: '四轴货车',
    minAxles: 4,
    maxAxles: 4,
    combination: false,
    limitKg: 31_000,
  },
  {
    clause: '第三条第一款第(六)项',
    description: '四轴汽车列车',
    minAxles: 4,
    maxAxles: 4,
    combination: true,
    limitKg: 36_000,
  },
  { clause: '第三条第一款第(七)项', description: '五轴汽车列车', minAxles: 5, maxAxles: 5, limitKg: 43_000 },
  {
    clause: '第三条第一款第(八)项',
    description: '六轴及以上汽车列车, 牵引车驱动轴为单轴',
    minAxles: 6,
    maxAxles: Infinity,
    singleDriveAxle: true,
    limitKg: 46_000,
  },
  {
    clause: '第三条第一款第(八)项',
    description: '六轴及以上汽车列车',
    minAxles: 6,
    maxAxles: Infinity,
    limitKg: 49_000,
  },
];

/** §3: `combination` defaults to `axles >= 5`. */
export function isCombination(vehicle: AxleConfiguration): boolean {
  return vehicle.combination ?? vehicle.axles >= 5;
}

export function limitRowFor(vehicle: AxleConfiguration): OverlimitLimitRow {
  const { axles } = vehicle;
  if (!Number.isInteger(axles) || axles < 2) {
    throw new DomainError(DomainErrorCode.INVALID_ARGUMENT, `axles must be an integer >= 2, got ${axles}`, [
      { field: 'axles', message: 'must be an integer >= 2' },
    ]);
  }
  const combination = isCombination(vehicle);
  const singleDriveAxle = vehicle.singleDriveAxle ?? false;
  const row = OVERLIMIT_LIMITS.find(
    (r) =>
      axles >= r.minAxles &&
      axles <= r.maxAxles &&
      (r.combination === undefined || r.combination === combination) &&
      (r.singleDriveAxle === undefined || r.singleDriveAxle === singleDriveAxle),
  );
  // The table covers every integer >= 2; a miss is a bug in the table, not in the input.
  if (!row) throw new Error(`no overlimit limit for ${JSON.stringify(vehicle)}`);
  return row;
}

/** 62号令 第三条: the gross-weight limit in kg for this axle configuration. */
export function limitKgFor(vehicle: AxleConfiguration): number {
  return limitRowFor(vehicle).limitKg;
}
