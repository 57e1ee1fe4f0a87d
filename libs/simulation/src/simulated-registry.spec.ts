import {
  validateRegistryRecord,
  type PermitRegistryRecord,
  type RegistryKind,
  type RegistryRecordOf,
  type VehicleRecord,
} from '@oc/contracts';
import { isDeepStrictEqual } from 'node:util';
import { isCitizenIdNo, isUnifiedSocialCreditCode, limitKgFor, validatePlate } from '@oc/domain';
import { BIRTH_REGIONS, PLATE_REGIONS, plateRegion } from './fleet-data';
import { simulatedFleet, simulatedVehicleRecords } from './fleet-generator';
import { simulatedPermits } from './permit-generator';
import {
  registryMessages,
  registryValue,
  simulatedRegistry,
  VEHICLE_CSV_COLUMNS,
  vehicleCsvRow,
} from './simulated-registry';
import { SIMULATED_STATIONS } from './simulated-stations';

const AT = new Date('2026-12-01T10:00:00+08:00');
/** Registrations are drawn as of the start of the simulated year. */
const YEAR_START = Date.parse('2026-01-01T00:00:00+08:00');
const YEAR = 365.25 * 86_400_000;

/** What ingest makes of a record as the topic carries it: validated, normalised, under its key. */
function roundTrip<K extends RegistryKind>(kind: K, record: RegistryRecordOf[K], key: string) {
  const result = validateRegistryRecord(kind, JSON.parse(JSON.stringify(registryValue(kind, record))), key);
  if (!result.ok) throw new Error(`${kind} ${key}: ${result.code} ${JSON.stringify(result.details)}`);
  return result.change;
}

describe('SIMULATED_STATIONS', () => {
  it('are valid station records whose division code is the first 6 digits of their id', () => {
    expect(SIMULATED_STATIONS.length).toBeGreaterThan(0);
    for (const s of SIMULATED_STATIONS) {
      expect(roundTrip('stations', s, s.stationId)).toEqual({ kind: 'stations', key: s.stationId, record: s });
      expect(s.divisionCode).toBe(s.stationId.slice(0, 6));
      expect(s.name).toMatch(/^[\u4e00-\u9fff（）]+$/u);
    }
    expect(new Set(SIMULATED_STATIONS.map((s) => s.kind))).toEqual(
      new Set(['TOLL_ENTRY', 'WEIGH_STATION', 'MOBILE_UNIT']),
    );
  });
});

describe('simulatedVehicleRecords', () => {
  const VEHICLES = 10_000;
  let records: VehicleRecord[];
  beforeAll(() => {
    records = [...simulatedVehicleRecords({ seed: 11, vehicles: VEHICLES, at: AT })];
  });

  it('registers exactly the vehicles of the traffic, each once, as valid SPEC §4.9 records', () => {
    const fleet = simulatedFleet(11, VEHICLES);
    expect(records.map((r) => r.vehicleKey).sort()).toEqual(fleet.map((v) => v.vehicleKey).sort());
    const refused = records.filter(
      (r) => !validatePlate(r.plate).ok || !isDeepStrictEqual(roundTrip('vehicles', r, r.vehicleKey).record, r),
    );
    expect(refused).toEqual([]);
  });

  it('gives individual owners well-formed 身份证号 of people born in Huzhou or nearby, 22 to 60 years before the year began', () => {
    const people = records.filter((r) => r.owner.type === 'PERSON');
    expect(people.length).toBeGreaterThan(VEHICLES * 0.25);
    const owners = new Map<string, VehicleRecord[]>();
    for (const r of people) owners.set(r.owner.idNo, [...(owners.get(r.owner.idNo) ?? []), r]);
    const wrong = [...owners].filter(([id, vehicles]) => {
      const born = Date.parse(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}T00:00:00+08:00`);
      const age = (YEAR_START - born) / YEAR;
      const regions = [...BIRTH_REGIONS, ...vehicles.flatMap((v) => plateRegion(v.plate).divisions)];
      return (
        !isCitizenIdNo(id) ||
        !regions.includes(id.slice(0, 6)) ||
        !(age > 21.9 && age < 60.1) ||
        // One number, one person, and a person is no transport company.
        new Set(vehicles.map((v) => v.owner.name)).size !== 1 ||
        !/^[\u4e00-\u9fff]{2,3}$/u.test(vehicles[0]!.owner.name) ||
        vehicles.some((v) => v.operatorId !== null)
      );
    });
    expect(wrong).toEqual([]);
    expect([...owners.values()].some((vehicles) => vehicles.length > 1)).toBe(true);
  });

  it('puts most vehicles in transport companies with fleets of 5 to 200, valid 统一社会信用代码 and unique names', () => {
    const fleets = new Map<string, VehicleRecord[]>();
    for (const r of records.filter((x) => x.owner.type === 'COMPANY')) {
      const f = fleets.get(r.owner.idNo) ?? [];
      f.push(r);
      fleets.set(r.owner.idNo, f);
    }
    const wrong = [...fleets].filter(
      ([id, f]) =>
        !isUnifiedSocialCreditCode(id) ||
        f.some((r) => r.operatorId !== id || r.owner.name !== f[0]!.owner.name) ||
        !/^[\u4e00-\u9fff]{2,3}[\u4e00-\u9fff]{2,}(物流|运输|货运|供应链管理)有限公司$/u.test(f[0]!.owner.name),
    );
    expect(wrong).toEqual([]);
    const sizes = [...fleets.values()].map((f) => f.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(200);
    expect(Math.max(...sizes)).toBeGreaterThan(100);
    const companyShare = sizes.reduce((a, b) => a + b, 0) / VEHICLES;
    expect(companyShare).toBeGreaterThan(0.55);
    expect(companyShare).toBeLessThan(0.75);
    const names = [...fleets.values()].map((f) => f[0]!.owner.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.some((n) => n.startsWith('湖州'))).toBe(true);
  });

  it('gives every vehicle a 道路运输证号, its issue date and the registration region of its plate', () => {
    const wrong = records.filter((r) => {
      const region = plateRegion(r.plate);
      const issued = r.certIssuedAt!.getTime();
      return (
        !region.divisions.includes(r.registrationRegion) ||
        !r.transportCertNo!.startsWith(`${r.plate[0]}交运管${region.short}字${r.registrationRegion}`) ||
        !/\d{6}$/.test(r.transportCertNo!) ||
        issued > YEAR_START ||
        issued < YEAR_START - 8.1 * YEAR
      );
    });
    expect(wrong).toEqual([]);
    expect(new Set(records.map((r) => r.transportCertNo)).size).toBe(records.length);
    expect(records.every((r) => PLATE_REGIONS[r.plate.slice(0, 2)] || r.plate.startsWith('沪'))).toBe(true);
  });

  it('is deterministic: the same seed, size and time give the same registry; another seed another one', () => {
    const again = [...simulatedVehicleRecords({ seed: 11, vehicles: VEHICLES, at: AT })];
    expect(isDeepStrictEqual(again, records)).toBe(true);
    const other = [...simulatedVehicleRecords({ seed: 12, vehicles: 500, at: AT })];
    expect(other.map((r) => r.owner.idNo)).not.toEqual(records.slice(0, 500).map((r) => r.owner.idNo));
  });

  it('publishes the same registry when the simulation starts again in the same month, new permits the next', () => {
    const later = simulatedRegistry({ seed: 3, vehicles: 300, at: new Date(AT.getTime() + 20 * 86_400_000) });
    expect(isDeepStrictEqual(later, simulatedRegistry({ seed: 3, vehicles: 300, at: AT }))).toBe(true);
    const nextMonth = simulatedRegistry({ seed: 3, vehicles: 300, at: new Date('2027-01-02T10:00:00+08:00') });
    const numbers = new Set(later.permits.map((p) => p.permitNo));
    expect(nextMonth.permits.some((p) => numbers.has(p.permitNo))).toBe(false);
  });

  it('has a company even in the small fleet of a test (100 vehicles), and writes the CSV columns of the import', () => {
    const small = [...simulatedVehicleRecords({ seed: 3, vehicles: 100, at: AT })];
    expect(small.some((r) => r.owner.type === 'COMPANY')).toBe(true);
    expect(small.some((r) => r.owner.type === 'PERSON')).toBe(true);
    const r = small[0]!;
    const row = vehicleCsvRow(r).split(',');
    expect(row).toHaveLength(VEHICLE_CSV_COLUMNS.length);
    expect(Object.fromEntries(VEHICLE_CSV_COLUMNS.map((c, i) => [c, row[i]]))).toEqual({
      plate: r.plate,
      plateColor: '1',
      ownerName: r.owner.name,
      ownerType: r.owner.type,
      ownerIdNo: r.owner.idNo,
      ownerPhone: r.owner.phone ?? '',
      operatorId: r.operatorId ?? '',
      transportCertNo: r.transportCertNo,
      certIssuedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00\+08:00$/),
      registrationRegion: r.registrationRegion,
    });
  });
});

describe('simulatedPermits', () => {
  const fleet = simulatedFleet(5, 30_000);
  const permits = simulatedPermits(fleet, { seed: 5, vehicles: 30_000, at: AT });
  const byKey = new Map(fleet.map((v) => [v.vehicleKey, v]));

  it('are valid permit records of about 1 % of the heavy vehicles, each with its current and its previous permit', () => {
    const heavy = fleet.filter((v) => v.axles >= 4).length;
    const holders = new Set(permits.map((p) => p.vehicleKey));
    expect(holders.size).toBe(Math.round(heavy * 0.01));
    expect(permits).toHaveLength(2 * holders.size);
    for (const p of permits) {
      expect(roundTrip('permits', p, p.permitNo).record).toEqual(p);
      const v = byKey.get(p.vehicleKey)!;
      expect(v.axles).toBeGreaterThanOrEqual(4);
      expect(p.axles === null || p.axles === v.axles).toBe(true);
      expect(p.maxGrossWeightKg).toBeGreaterThanOrEqual(limitKgFor(v) + 5000);
    }
    expect(new Set(permits.map((p) => p.permitNo)).size).toBe(permits.length);
  });

  it('has current permits valid around the simulated time, expired and revoked earlier ones, and routes', () => {
    const current = permits.filter((_, i) => i % 2 === 1);
    const previous = permits.filter((_, i) => i % 2 === 0);
    const validAt = (p: PermitRegistryRecord, t: number) => p.validFrom.getTime() <= t && t <= p.validTo.getTime();
    expect(current.every((p) => p.status === 'ISSUED' && validAt(p, AT.getTime()))).toBe(true);
    expect(current.every((p) => validAt(p, AT.getTime() - 5 * 86_400_000))).toBe(true);
    expect(previous.every((p, i) => p.validTo < current[i]!.validFrom && p.validTo < AT)).toBe(true);
    expect(previous.some((p) => p.status === 'REVOKED')).toBe(true);
    const routes = current.filter((p) => p.stationIds !== null);
    expect(routes.length).toBeGreaterThan(0);
    const stationIds = new Set(SIMULATED_STATIONS.map((s) => s.stationId));
    expect(routes.every((p) => p.stationIds!.length === 2 && p.stationIds!.every((s) => stationIds.has(s)))).toBe(true);
  });

  it('gives a fleet with heavy vehicles at least one permit holder', () => {
    expect(
      new Set(simulatedPermits(simulatedFleet(3, 100), { seed: 3, vehicles: 100, at: AT }).map((p) => p.vehicleKey))
        .size,
    ).toBe(1);
  });
});

describe('registryMessages', () => {
  it('keys each record as SPEC §4.9 says and carries a value its registry accepts under that key', () => {
    const registry = simulatedRegistry({ seed: 2, vehicles: 300, at: AT });
    for (const kind of ['stations', 'vehicles', 'permits'] as const) {
      const records = registry[kind] as RegistryRecordOf[typeof kind][];
      const messages = registryMessages(kind, records);
      expect(messages).toHaveLength(records.length);
      messages.forEach((m, i) => {
        const result = validateRegistryRecord(kind, JSON.parse(m.value), m.key);
        expect(result).toEqual({ ok: true, change: { kind, key: m.key, record: records[i] } });
      });
    }
    expect(registryMessages('vehicles', registry.vehicles)[0]!.key).toMatch(/^1:[浙苏皖沪赣闽][A-H]\d{5}$/u);
    expect(registryMessages('permits', registry.permits).map((m) => m.key)).toEqual(
      registry.permits.map((p) => p.permitNo),
    );
  });
});
