import { validateRegistryRecord } from '@oc/contracts';
import { csvColumns, csvField, csvRecord, csvRowKey, CSV_HEADER } from './registry-csv';

const columns = (kind: 'stations' | 'vehicles' | 'permits', header = CSV_HEADER[kind]) => {
  const c = csvColumns(kind, header);
  if (Array.isArray(c)) throw new Error(c.join('; '));
  return c;
};

describe('registry CSV rows', () => {
  it('turns a vehicle row into the SPEC §4.9 record: the owner nested, empty cells absent, cells trimmed', () => {
    const row = [' 浙e 12345 ', 'YELLOW', '张三', 'PERSON', '330502198001010011', '', '', '', '', '330502'];
    expect(csvRecord('vehicles', columns('vehicles'), row)).toEqual({
      plate: '浙e 12345',
      plateColor: 'YELLOW',
      owner: { name: '张三', type: 'PERSON', idNo: '330502198001010011' },
      registrationRegion: '330502',
    });
  });

  it('gives a permit row its integers and its stationIds list, and leaves a non-integer for validation to refuse', () => {
    const c = columns('permits');
    const row = (weight: string, stations: string) => [
      'P-1',
      '浙E12345',
      '1',
      '2026-11-01T00:00:00+08:00',
      '2026-11-30T00:00:00+08:00',
      weight,
      '6',
      stations,
      'ISSUED',
    ];
    expect(csvRecord('permits', c, row('49000', '330500001; 330500002'))).toMatchObject({
      maxGrossWeightKg: 49000,
      axles: 6,
      stationIds: ['330500001', '330500002'],
    });
    const bad = validateRegistryRecord('permits', csvRecord('permits', c, row('49 t', '')));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.details.map(csvField).map((d) => d.field)).toEqual(['maxGrossWeightKg']);
  });

  it('computes without validating the key a valid row will have', () => {
    const c = columns('vehicles');
    const raw = csvRecord('vehicles', c, [
      '浙e·12345',
      'yellow',
      '张三',
      'PERSON',
      '33050219800101001X',
      '',
      '',
      '',
      '',
      '330502',
    ]);
    const valid = validateRegistryRecord('vehicles', raw);
    expect(valid.ok && valid.change.key).toBe('1:浙E12345');
    expect(csvRowKey('vehicles', raw)).toBe('1:浙E12345');
  });

  it('names the CSV column of an owner field', () => {
    expect(csvField({ field: 'owner.idNo', message: 'idNo must be an 18-character 公民身份号码' })).toEqual({
      field: 'ownerIdNo',
      message: 'ownerIdNo must be an 18-character 公民身份号码',
    });
    expect(csvField({ field: '(message)', message: 'value must be a JSON object' }).field).toBe('(row)');
  });

  it('refuses a header with an unknown, a repeated or a missing column', () => {
    expect(csvColumns('permits', ['permitNo', 'permitNo', 'plate', 'colour'])).toEqual([
      'column "permitNo" appears twice',
      'unknown column "colour" (column 4)',
      'column "plateColor" is missing',
      'column "validFrom" is missing',
      'column "validTo" is missing',
      'column "maxGrossWeightKg" is missing',
      'column "status" is missing',
    ]);
  });
});
