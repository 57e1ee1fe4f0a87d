import fc from 'fast-check';
import {
  MAX_REGISTRY_RECORD_BYTES,
  parseRegistryMessage,
  REGISTRY_KINDS,
  validateRegistryRecord,
  type RegistryKind,
  type RegistryParseResult,
} from './parse-registry-record';

// SPEC §4.9 record shapes.
const station = {
  stationId: '330521001',
  name: '德清北收费站入口',
  divisionCode: '330521',
  kind: 'TOLL_ENTRY',
  activeFrom: '2026-01-01T00:00:00+08:00',
  activeTo: '2027-01-01T00:00:00+08:00',
};
const personVehicle = {
  plate: ' 浙e·12345 ',
  plateColor: 'yellow',
  owner: { name: '张三', type: 'PERSON', idNo: '11010519491231002X', phone: '+86 138-0000-0000' },
  transportCertNo: '浙交运管湖字330500012345号',
  certIssuedAt: '2024-03-01T09:00:00+08:00',
  registrationRegion: '330521',
};
const companyVehicle = {
  plate: '浙E6789挂',
  plateColor: 1,
  owner: { name: '湖州某某物流有限公司', type: 'COMPANY', idNo: '91350100M000100Y43' },
  operatorId: '91350100M000100Y43',
  registrationRegion: '330500',
};
const permit = {
  permitNo: 'ZJ-DJ-2026-000123',
  plate: '浙E12345',
  plateColor: '1',
  validFrom: '2026-06-01T00:00:00+08:00',
  validTo: '2026-06-30T23:59:59+08:00',
  maxGrossWeightKg: 80_000,
  axles: 6,
  stationIds: ['330522007', '330521001', '330522007'],
  status: 'ISSUED',
};
const VALID: Record<RegistryKind, [string, object]> = {
  stations: ['330521001', station],
  vehicles: ['1:浙E12345', personVehicle],
  permits: ['ZJ-DJ-2026-000123', permit],
};

const message = <K extends RegistryKind>(kind: K, key: string | null, value: unknown): RegistryParseResult<K> =>
  parseRegistryMessage(
    kind,
    key === null ? null : Buffer.from(key),
    value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  );

const fieldsOf = (result: RegistryParseResult<RegistryKind>) => (result.ok ? [] : result.details.map((d) => d.field));

describe('parseRegistryMessage / validateRegistryRecord (SPEC §4.9)', () => {
  describe('valid records, normalised', () => {
    it('a station: times as Dates, the bounds null when absent', () => {
      expect(message('stations', '330521001', station)).toEqual({
        ok: true,
        change: {
          kind: 'stations',
          key: '330521001',
          record: {
            stationId: '330521001',
            name: '德清北收费站入口',
            divisionCode: '330521',
            kind: 'TOLL_ENTRY',
            activeFrom: new Date('2025-12-31T16:00:00Z'),
            activeTo: new Date('2026-12-31T16:00:00Z'),
          },
        },
      });
      const { activeFrom: _from, activeTo: _to, ...unbounded } = station;
      expect(message('stations', '330521001', { ...unbounded, kind: 'WEIGH_STATION' })).toEqual({
        ok: true,
        change: {
          kind: 'stations',
          key: '330521001',
          record: { ...unbounded, kind: 'WEIGH_STATION', activeFrom: null, activeTo: null },
        },
      });
    });

    it('a person’s vehicle: plate normalised (§4.1), colour as its code, the key built from both', () => {
      expect(message('vehicles', '1:浙E12345', personVehicle)).toEqual({
        ok: true,
        change: {
          kind: 'vehicles',
          key: '1:浙E12345',
          record: {
            vehicleKey: '1:浙E12345',
            plate: '浙E12345',
            plateColor: 1,
            owner: { name: '张三', type: 'PERSON', idNo: '11010519491231002X', phone: '+86 138-0000-0000' },
            operatorId: null,
            transportCertNo: '浙交运管湖字330500012345号',
            certIssuedAt: new Date('2024-03-01T01:00:00Z'),
            registrationRegion: '330521',
          },
        },
      });
    });

    it('a company’s trailer: the optional fields null when absent', () => {
      expect(message('vehicles', '1:浙E6789挂', companyVehicle)).toEqual({
        ok: true,
        change: {
          kind: 'vehicles',
          key: '1:浙E6789挂',
          record: {
            vehicleKey: '1:浙E6789挂',
            plate: '浙E6789挂',
            plateColor: 1,
            owner: { name: '湖州某某物流有限公司', type: 'COMPANY', idNo: '91350100M000100Y43', phone: null },
            operatorId: '91350100M000100Y43',
            transportCertNo: null,
            certIssuedAt: null,
            registrationRegion: '330500',
          },
        },
      });
    });

    it('a permit: the vehicle key, times as Dates, stations deduplicated and sorted', () => {
      expect(message('permits', 'ZJ-DJ-2026-000123', permit)).toEqual({
        ok: true,
        change: {
          kind: 'permits',
          key: 'ZJ-DJ-2026-000123',
          record: {
            permitNo: 'ZJ-DJ-2026-000123',
            vehicleKey: '1:浙E12345',
            plate: '浙E12345',
            plateColor: 1,
            validFrom: new Date('2026-05-31T16:00:00Z'),
            validTo: new Date('2026-06-30T15:59:59Z'),
            maxGrossWeightKg: 80_000,
            axles: 6,
            stationIds: ['330521001', '330522007'],
            status: 'ISSUED',
          },
        },
      });
    });

    it('a permit without axles or stations, or with an empty station list: both null (no route)', () => {
      const { axles: _axles, stationIds: _stations, ...bare } = permit;
      for (const value of [bare, { ...bare, stationIds: [] }]) {
        const r = message('permits', permit.permitNo, { ...value, status: 'REVOKED' });
        expect(r.ok && r.change.record).toEqual(
          expect.objectContaining({ axles: null, stationIds: null, status: 'REVOKED' }),
        );
      }
    });

    it('the colour by code, numeric string or name, and the key’s plate normalised', () => {
      for (const plateColor of [1, '1', 'YELLOW', 'Yellow']) {
        const r = message('vehicles', '1:浙e·12345', { ...personVehicle, plateColor });
        expect(r.ok && r.change.key).toBe('1:浙E12345');
      }
    });

    it('a validity or an activity of one instant is allowed (bounds equal)', () => {
      expect(message('permits', permit.permitNo, { ...permit, validTo: permit.validFrom }).ok).toBe(true);
      expect(message('stations', station.stationId, { ...station, activeTo: station.activeFrom }).ok).toBe(true);
    });

    it('without an expected key (a CSV row), the record’s own key', () => {
      for (const kind of REGISTRY_KINDS) {
        const [key, value] = VALID[kind];
        const r = validateRegistryRecord(kind, value);
        expect(r.ok && r.change.key).toBe(key);
      }
    });
  });

  describe.each<[RegistryKind, string, Record<string, unknown>, string]>([
    [
      'stations',
      'stationId',
      { stationId: 'HZ-001' },
      'stationId must start with a 6-digit administrative division code',
    ],
    ['stations', 'stationId', { stationId: '3'.repeat(33), divisionCode: '333333' }, 'stationId must be'],
    ['stations', 'stationId', { stationId: 330521001 }, 'stationId must'],
    ['stations', 'name', { name: '' }, 'name must be'],
    ['stations', 'name', { name: 'x'.repeat(101) }, 'name must be'],
    ['stations', 'divisionCode', { divisionCode: '33052' }, 'divisionCode must be 6 digits'],
    ['stations', 'kind', { kind: 'DRONE' }, 'kind must be one of TOLL_ENTRY, WEIGH_STATION, MOBILE_UNIT'],
    ['stations', 'kind', { kind: undefined }, 'kind must be one of'],
    [
      'stations',
      'activeFrom',
      { activeFrom: '2026-01-01T00:00:00' },
      'activeFrom must be an ISO 8601 date-time with an offset',
    ],
    ['stations', 'activeTo', { activeTo: '2026-01-01' }, 'activeTo must be an ISO 8601 date-time with an offset'],
    ['stations', 'activeTo', { activeTo: '2026-13-01T00:00:00+08:00' }, 'activeTo is not a real date-time'],
    ['vehicles', 'plate', { plate: 'AB12345' }, 'is not a province abbreviation'],
    ['vehicles', 'plate', { plate: 'UNKNOWN' }, 'UNKNOWN is not a registered plate'],
    ['vehicles', 'plate', { plate: 12345 }, 'plate must be a string'],
    ['vehicles', 'plateColor', { plateColor: 'PURPLE' }, 'plateColor must be one of the codes'],
    ['vehicles', 'plateColor', { plateColor: 9 }, 'plateColor must be one of the codes'],
    ['vehicles', 'owner', { owner: undefined }, 'owner must be an object'],
    ['vehicles', 'owner', { owner: '张三' }, 'owner must be an object'],
    ['vehicles', 'owner.name', { owner: { ...personVehicle.owner, name: '' } }, 'name must be'],
    [
      'vehicles',
      'owner.type',
      { owner: { ...personVehicle.owner, type: 'GOVERNMENT' } },
      'type must be one of PERSON, COMPANY',
    ],
    ['vehicles', 'owner.idNo', { owner: { ...personVehicle.owner, idNo: '110105194912310021' } }, '公民身份号码'],
    ['vehicles', 'owner.idNo', { owner: { ...personVehicle.owner, idNo: 11010519491231 } }, 'idNo must be a string'],
    ['vehicles', 'owner.phone', { owner: { ...personVehicle.owner, phone: '138' } }, 'phone must be'],
    [
      'vehicles',
      'operatorId',
      { operatorId: '91350100M000100Y44' },
      'operatorId must be an 18-character 统一社会信用代码',
    ],
    ['vehicles', 'transportCertNo', { transportCertNo: 'x'.repeat(33) }, 'transportCertNo must be'],
    ['vehicles', 'certIssuedAt', { certIssuedAt: '2024-03-01 09:00' }, 'certIssuedAt must be an ISO 8601'],
    [
      'vehicles',
      'registrationRegion',
      { registrationRegion: '浙江湖州' },
      'registrationRegion must be a 6-digit division code',
    ],
    ['permits', 'permitNo', { permitNo: '' }, 'permitNo must be'],
    ['permits', 'permitNo', { permitNo: 'P'.repeat(65) }, 'permitNo must be'],
    ['permits', 'plate', { plate: '浙E1234' }, 'expected 5 letters/digits'],
    ['permits', 'plateColor', { plateColor: 'PINK' }, 'plateColor must be one of the codes'],
    ['permits', 'validFrom', { validFrom: '2026-06-01' }, 'validFrom must be an ISO 8601 date-time with an offset'],
    ['permits', 'validTo', { validTo: undefined }, 'validTo must be'],
    ['permits', 'maxGrossWeightKg', { maxGrossWeightKg: 0 }, 'maxGrossWeightKg must not be less than 1'],
    ['permits', 'maxGrossWeightKg', { maxGrossWeightKg: 200_001 }, 'maxGrossWeightKg must not be greater than 200000'],
    ['permits', 'maxGrossWeightKg', { maxGrossWeightKg: 49_000.5 }, 'maxGrossWeightKg must be an integer'],
    ['permits', 'maxGrossWeightKg', { maxGrossWeightKg: '80000' }, 'maxGrossWeightKg must be an integer'],
    ['permits', 'axles', { axles: 1 }, 'axles must not be less than 2'],
    ['permits', 'axles', { axles: 13 }, 'axles must not be greater than 12'],
    ['permits', 'stationIds', { stationIds: '330521001' }, 'stationIds must be an array'],
    ['permits', 'stationIds', { stationIds: ['330521001', ''] }, 'each value in stationIds must be longer'],
    [
      'permits',
      'stationIds',
      { stationIds: Array.from({ length: 51 }, (_, i) => `330521${i}`) },
      'stationIds must contain no more than 50',
    ],
    ['permits', 'status', { status: 'PENDING' }, 'status must be one of ISSUED, REVOKED'],
  ])('%s: a wrong %s', (kind, field, change, message_) => {
    it(`is refused with SCHEMA_INVALID naming ${field}: ${JSON.stringify(change).slice(0, 60)}`, () => {
      const [key, value] = VALID[kind];
      const r = message(kind, key, { ...value, ...change });
      expect(r).toEqual({
        ok: false,
        code: 'SCHEMA_INVALID',
        details: [{ field, message: expect.stringContaining(message_) }],
      });
    });
  });

  it('several wrong fields are all named', () => {
    const r = message('permits', permit.permitNo, { ...permit, plateColor: 'PINK', maxGrossWeightKg: 0, status: 'X' });
    expect(fieldsOf(r).sort()).toEqual(['maxGrossWeightKg', 'plateColor', 'status']);
  });

  it('a required field missing is named', () => {
    for (const kind of REGISTRY_KINDS) {
      const [key, value] = VALID[kind];
      const required = {
        stations: ['stationId', 'name', 'divisionCode', 'kind'],
        vehicles: ['plate', 'plateColor', 'owner', 'registrationRegion'],
        permits: ['permitNo', 'plate', 'plateColor', 'validFrom', 'validTo', 'maxGrossWeightKg', 'status'],
      }[kind];
      for (const field of required) {
        const { [field]: _dropped, ...rest } = value as Record<string, unknown>;
        const r = message(kind, key, rest);
        expect(r.ok).toBe(false);
        expect(fieldsOf(r)).toContain(field);
      }
    }
    const { idNo: _idNo, ...owner } = personVehicle.owner;
    expect(fieldsOf(message('vehicles', '1:浙E12345', { ...personVehicle, owner }))).toEqual(['owner.idNo']);
  });

  describe('the owner’s id number matches the owner’s type', () => {
    it('a PERSON with a 统一社会信用代码 is refused', () => {
      const owner = { ...personVehicle.owner, idNo: '91350100M000100Y43' };
      const r = message('vehicles', '1:浙E12345', { ...personVehicle, owner });
      expect(r).toEqual({
        ok: false,
        code: 'SCHEMA_INVALID',
        details: [{ field: 'owner.idNo', message: expect.stringContaining('公民身份号码') }],
      });
    });

    it('a COMPANY with a 身份证号 is refused', () => {
      const owner = { ...companyVehicle.owner, idNo: '11010519491231002X' };
      const r = message('vehicles', '1:浙E6789挂', { ...companyVehicle, owner });
      expect(r).toEqual({
        ok: false,
        code: 'SCHEMA_INVALID',
        details: [{ field: 'owner.idNo', message: expect.stringContaining('统一社会信用代码') }],
      });
    });
  });

  describe('unknown fields are refused (SPEC §4.9)', () => {
    it.each(REGISTRY_KINDS)('%s: an extra top-level field', (kind) => {
      const [key, value] = VALID[kind];
      expect(message(kind, key, { ...value, comment: 'x' })).toEqual({
        ok: false,
        code: 'SCHEMA_INVALID',
        details: [{ field: 'comment', message: expect.stringContaining('should not exist') }],
      });
    });

    it('vehicles: an extra field in the owner, named with its path', () => {
      const r = message('vehicles', '1:浙E12345', {
        ...personVehicle,
        owner: { ...personVehicle.owner, email: 'a@b.cn' },
      });
      expect(fieldsOf(r)).toEqual(['owner.email']);
    });

    it('snake_case is not camelCase', () => {
      const { stationId, ...rest } = station;
      expect(fieldsOf(message('stations', stationId, { ...rest, station_id: stationId }))).toEqual(
        expect.arrayContaining(['station_id', 'stationId']),
      );
    });
  });

  describe('ordered bounds', () => {
    it('activeFrom after activeTo is refused, naming activeTo', () => {
      const r = message('stations', station.stationId, {
        ...station,
        activeFrom: '2026-06-01T00:00:00+08:00',
        activeTo: '2026-05-31T23:59:59+08:00',
      });
      expect(r).toEqual({
        ok: false,
        code: 'SCHEMA_INVALID',
        details: [{ field: 'activeTo', message: expect.any(String) }],
      });
    });

    it('validFrom after validTo is refused, naming validTo (1 ms is enough; offsets compared as instants)', () => {
      expect(
        fieldsOf(message('permits', permit.permitNo, { ...permit, validTo: '2026-05-31T23:59:59.999+08:00' })),
      ).toEqual(['validTo']);
      // 2026-06-01T00:00+08:00 is 2026-05-31T16:00Z: a validTo of 15:59Z is before it although its date is the same.
      expect(fieldsOf(message('permits', permit.permitNo, { ...permit, validTo: '2026-05-31T15:59:00Z' }))).toEqual([
        'validTo',
      ]);
      expect(message('permits', permit.permitNo, { ...permit, validTo: '2026-05-31T16:00:00Z' }).ok).toBe(true);
    });
  });

  it('divisionCode must be the first 6 digits of stationId', () => {
    expect(message('stations', station.stationId, { ...station, divisionCode: '330500' })).toEqual({
      ok: false,
      code: 'SCHEMA_INVALID',
      details: [{ field: 'divisionCode', message: expect.stringContaining('first 6 digits of stationId') }],
    });
  });

  describe('the message key must be the record’s key (KEY_MISMATCH)', () => {
    it.each<[RegistryKind, string | null]>([
      ['stations', '330521002'],
      ['stations', null],
      ['vehicles', '1:浙E54321'],
      ['vehicles', '2:浙E12345'],
      ['vehicles', 'YELLOW:浙E12345'],
      ['vehicles', '浙E12345'],
      ['permits', 'ZJ-DJ-2026-000124'],
      ['permits', ' ZJ-DJ-2026-000123'],
      ['permits', ''],
    ])('%s under the key %p', (kind, key) => {
      const [, value] = VALID[kind];
      expect(message(kind, key, value)).toEqual({
        ok: false,
        code: 'KEY_MISMATCH',
        details: [{ field: '(key)', message: expect.any(String) }],
      });
    });

    it('a valid record with a wrong field is refused for the field first', () => {
      expect(message('stations', 'other', { ...station, kind: 'DRONE' })).toMatchObject({ code: 'SCHEMA_INVALID' });
    });
  });

  // A NUL byte failed in the database as PROCESSING_FAILED naming no field; other control characters
  // were stored (docs/security.md).
  describe('control characters (a NUL byte included) are refused, naming the field', () => {
    it.each<[RegistryKind, object, string]>([
      ['stations', { ...station, name: '德清\u0000北' }, 'name'],
      ['stations', { ...station, name: '德清\t北' }, 'name'],
      ['vehicles', { ...personVehicle, owner: { ...personVehicle.owner, name: '张\u001b[2J三' } }, 'owner.name'],
      ['vehicles', { ...personVehicle, transportCertNo: '浙交\u007f运' }, 'transportCertNo'],
      ['permits', { ...permit, stationIds: ['330521001', '33052\u00001002'] }, 'stationIds.1'],
      ['permits', { ...permit, 'status\u0000': 'ISSUED' }, 'status\u0000 (the field name)'],
    ])('%s: %s', (kind, record, field) => {
      const result = validateRegistryRecord(kind, record);
      expect(result).toMatchObject({ ok: false, code: 'SCHEMA_INVALID' });
      expect(fieldsOf(result)).toContain(field);
    });
  });

  describe('tombstones (null value): the key deleted', () => {
    it.each<[RegistryKind, string, string]>([
      ['stations', '330521001', '330521001'],
      ['vehicles', '1:浙E12345', '1:浙E12345'],
      ['vehicles', '1:浙e·12345', '1:浙E12345'],
      ['vehicles', '12:浙E6789挂', '12:浙E6789挂'],
      ['permits', 'ZJ-DJ-2026-000123', 'ZJ-DJ-2026-000123'],
      ['permits', 'P'.repeat(64), 'P'.repeat(64)],
    ])('%s %p → key %p', (kind, key, normalized) => {
      expect(message(kind, key, null)).toEqual({ ok: true, change: { kind, key: normalized, record: null } });
    });

    it.each<[RegistryKind, string | null]>([
      ['stations', ''],
      ['stations', null],
      ['stations', 'HZ-001'],
      ['stations', `330521${'0'.repeat(27)}`],
      ['vehicles', ''],
      ['vehicles', '浙E12345'],
      ['vehicles', '9:浙E12345'],
      ['vehicles', '1:UNKNOWN'],
      ['vehicles', '1:AB12345'],
      ['permits', ''],
      ['permits', null],
      ['permits', 'P'.repeat(65)],
      ['stations', '330521\u0000001'],
      ['permits', 'ZJ-DJ\u0000-1'],
      ['permits', 'ZJ-DJ\n-1'],
    ])('%s with the key %p is refused, naming the key', (kind, key) => {
      expect(message(kind, key, null)).toEqual({
        ok: false,
        code: 'SCHEMA_INVALID',
        details: [{ field: '(key)', message: expect.any(String) }],
      });
    });

    it('a JSON null value is not a tombstone', () => {
      expect(message('stations', '330521001', 'null')).toMatchObject({ ok: false, code: 'SCHEMA_INVALID' });
    });
  });

  describe('malformed messages', () => {
    it.each(['{', '{"stationId": "330521001",}', 'station', '', '\u00ff'])('bad JSON %p → BAD_JSON', (text) => {
      expect(message('stations', '330521001', text)).toEqual({
        ok: false,
        code: 'BAD_JSON',
        details: [{ field: '(message)', message: expect.stringContaining('not JSON') }],
      });
    });

    it.each(['[]', '"330521001"', '42', 'true'])('JSON %p is not an object → SCHEMA_INVALID', (text) => {
      expect(message('stations', '330521001', text)).toEqual({
        ok: false,
        code: 'SCHEMA_INVALID',
        details: [{ field: '(message)', message: 'value must be a JSON object' }],
      });
    });

    it('too large: more than 64 KiB is TOO_LARGE before parsing; exactly 64 KiB is read', () => {
      const json = JSON.stringify(station);
      const padded = (bytes: number) => json.slice(0, -1) + ' '.repeat(bytes - Buffer.byteLength(json)) + '}';
      expect(Buffer.byteLength(padded(MAX_REGISTRY_RECORD_BYTES))).toBe(64 * 1024);
      expect(message('stations', '330521001', padded(MAX_REGISTRY_RECORD_BYTES)).ok).toBe(true);
      expect(message('stations', '330521001', padded(MAX_REGISTRY_RECORD_BYTES + 1))).toEqual({
        ok: false,
        code: 'TOO_LARGE',
        details: [{ field: '(message)', message: expect.stringContaining('65537 bytes') }],
      });
      // Not JSON at all, and still TOO_LARGE: the size is checked first.
      expect(message('stations', '330521001', '{'.repeat(MAX_REGISTRY_RECORD_BYTES + 1))).toMatchObject({
        code: 'TOO_LARGE',
      });
    });
  });

  it('property: never throws; a failure always names at least one field', () => {
    const valueArb = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      // Valid records with one field replaced by anything.
      fc
        .tuple(
          fc.constantFrom(...REGISTRY_KINDS),
          fc.string({ maxLength: 20 }),
          fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        )
        .map(([kind, field, value]) => {
          const [, valid] = VALID[kind];
          const keys = Object.keys(valid);
          const name = keys.includes(field) ? field : keys[field.length % keys.length];
          return JSON.stringify({ ...valid, [name]: value });
        }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...REGISTRY_KINDS),
        fc.option(fc.oneof(fc.string(), fc.constantFrom('330521001', '1:浙E12345', 'ZJ-DJ-2026-000123')), {
          nil: null,
        }),
        fc.option(valueArb, { nil: null }),
        (kind, key, value) => {
          const r = message(kind, key, value);
          if (!r.ok) {
            expect(['TOO_LARGE', 'BAD_JSON', 'SCHEMA_INVALID', 'KEY_MISMATCH']).toContain(r.code);
            expect(r.details.length).toBeGreaterThan(0);
            for (const d of r.details) {
              expect(d.field).toEqual(expect.any(String));
              expect(d.message).toEqual(expect.any(String));
            }
          } else if (r.change.record !== null) {
            // A stored record is always under its own key.
            const record = r.change.record as unknown as Record<string, unknown>;
            expect(r.change.key).toBe(
              kind === 'stations' ? record.stationId : kind === 'vehicles' ? record.vehicleKey : record.permitNo,
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    [
      'permits',
      'ZJ-DJ-2026-000123',
      { validFrom: '2026-02-01T00:00:00+08:00', validTo: '2026-02-30T23:59:59+08:00' },
      'validTo',
    ],
    ['stations', '330521001', { activeFrom: '2026-04-31T00:00:00+08:00', activeTo: undefined }, 'activeFrom'],
    ['stations', '330521001', { activeFrom: undefined, activeTo: '2026-02-29T00:00:00+08:00' }, 'activeTo'],
  ] as const)('%s: a date that does not exist is refused (%s)', (kind, key, change, field) => {
    const base = kind === 'permits' ? permit : station;
    expect(message(kind, key, { ...base, ...change })).toEqual({
      ok: false,
      code: 'SCHEMA_INVALID',
      details: [{ field, message: `${field} is not a real date-time` }],
    });
  });
});
