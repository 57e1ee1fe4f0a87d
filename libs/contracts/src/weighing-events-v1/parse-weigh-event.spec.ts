import { MAX_EVENT_BYTES, parseWeighEvent } from './parse-weigh-event';

const receivedAt = new Date('2026-11-26T10:00:00Z');
const valid = {
  eventId: 'st-330500001:2026-11-26:0001',
  source: 'TOLL_ENTRY',
  stationId: '330500001',
  laneId: 'L3',
  measuredAt: '2026-11-26T17:59:00+08:00',
  plate: ' 浙e·12345 ',
  plateColor: 'yellow',
  axles: 6,
  grossWeightKg: 52000,
  cargo: 'LADEN',
  evidence: { imageUrls: ['https://cam.example/1.jpg'], deviceCertNo: 'JJG-1' },
};
const parse = (value: unknown) =>
  parseWeighEvent(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), receivedAt);

describe('parseWeighEvent (SPEC §3, §4.1)', () => {
  it('normalises a valid event', () => {
    const result = parse(valid);
    expect(result).toEqual({
      ok: true,
      event: expect.objectContaining({
        plate: '浙E12345',
        plateColor: 1,
        vehicleKey: '1:浙E12345',
        combination: true, // default axles >= 5
        singleDriveAxle: false,
        permitNo: null,
        measuredAt: new Date('2026-11-26T09:59:00Z'),
      }),
    });
  });

  it('accepts the colour as a code, a numeric string or a name', () => {
    for (const plateColor of [1, '1', 'YELLOW', 'Yellow']) {
      const r = parse({ ...valid, plateColor });
      expect(r.ok && r.event.plateColor).toBe(1);
    }
  });

  it('accepts UNKNOWN as the plate the camera could not read', () => {
    const r = parse({ ...valid, plate: 'UNKNOWN' });
    expect(r.ok && r.event.vehicleKey).toBe('1:UNKNOWN');
  });

  it('accepts late uploads and events up to 5 minutes ahead of receipt', () => {
    expect(parse({ ...valid, measuredAt: '2025-01-01T00:00:00Z' }).ok).toBe(true);
    expect(parse({ ...valid, measuredAt: '2026-11-26T10:05:00Z' }).ok).toBe(true);
  });

  it.each([
    ['eventId', { eventId: 'has space' }, 'eventId must be 1-64 characters'],
    ['eventId', { eventId: 'x'.repeat(65) }, 'eventId must be 1-64 characters'],
    ['source', { source: 'DRONE' }, 'source must be one of'],
    ['stationId', { stationId: 'ABC' }, 'stationId must start with a 6-digit'],
    ['measuredAt', { measuredAt: '2026-11-26 10:00' }, 'measuredAt must be an ISO 8601 date-time with an offset'],
    ['measuredAt', { measuredAt: '2026-11-26T10:00:00' }, 'measuredAt must be an ISO 8601 date-time with an offset'],
    // RFC 3339 also allows a lower-case t or a space; the reason names the one form accepted here.
    ['measuredAt', { measuredAt: '2026-11-26t10:00:00Z' }, 'in the form 2026-12-03T08:00:00+08:00 (upper-case T'],
    ['measuredAt', { measuredAt: '2026-11-26 10:00:00Z' }, 'in the form 2026-12-03T08:00:00+08:00 (upper-case T'],
    ['measuredAt', { measuredAt: '2026-11-26T10:05:01Z' }, 'more than 5 minutes after receipt'],
    ['measuredAt', { measuredAt: '2026-13-45T10:00:00Z' }, 'not a real date-time'],
    // new Date() would roll these over to 2 March and 1 May without a word.
    ['measuredAt', { measuredAt: '2026-02-30T10:00:00+08:00' }, 'not a real date-time'],
    ['measuredAt', { measuredAt: '2026-04-31T10:00:00+08:00' }, 'not a real date-time'],
    ['measuredAt', { measuredAt: '2026-11-26T24:00:00+08:00' }, 'not a real date-time'],
    ['plate', { plate: 'AB12345' }, '"A" is not a province abbreviation (京津沪'],
    ['plate', { plate: '浙112345' }, 'the second character must be a letter'],
    ['plate', { plate: '浙E1234挂5' }, 'only letters and digits may follow the issuing-authority letter'],
    ['plate', { plate: '浙E123挂' }, 'a trailer plate has exactly 4 letters/digits before 挂'],
    [
      'plate',
      { plate: '浙E1234' },
      'expected 5 letters/digits (6 for new-energy) after the issuing-authority letter, got 4',
    ],
    ['plate', { plate: ' · ' }, 'plate is empty'],
    ['plate', { plate: 12345 }, 'plate must be a string'],
    ['plateColor', { plateColor: 'PURPLE' }, 'plateColor must be one of the codes'],
    ['plateColor', { plateColor: 9 }, 'plateColor must be one of the codes'],
    ['axles', { axles: 1 }, 'axles must not be less than 2'],
    ['axles', { axles: 13 }, 'axles must not be greater than 12'],
    ['axles', { axles: 2.5 }, 'axles must be an integer'],
    ['grossWeightKg', { grossWeightKg: -1 }, 'grossWeightKg must not be less than 0'],
    ['grossWeightKg', { grossWeightKg: 200001 }, 'grossWeightKg must not be greater than 200000'],
    ['grossWeightKg', { grossWeightKg: '20000' }, 'grossWeightKg must be an integer'],
    ['cargo', { cargo: 'FULL' }, 'cargo must be one of'],
    ['permitNo', { permitNo: 'p'.repeat(65) }, 'permitNo must be shorter'],
    ['evidence.imageUrls', { evidence: { imageUrls: ['ftp://x/1.jpg'] } }, 'http or https URL'],
    ['evidence', { evidence: [] }, 'evidence must be an object'],
    ['evidence', { evidence: [{ imageUrls: [] }] }, 'evidence must be an object'],
    [
      'evidence.imageUrls',
      { evidence: { imageUrls: Array(11).fill('https://x.example/1.jpg') } },
      'must contain no more than 10',
    ],
    ['singleDriveAxle', { axles: 5, singleDriveAxle: true }, 'singleDriveAxle applies only'],
    ['combination', { combination: 'yes' }, 'combination must be a boolean'],
    ['unknownField', { unknownField: 1 }, 'should not exist'],
  ])('rejects a bad %s (%j) with the field and the reason', (field, patch, message) => {
    // Every row names its reason: an empty expectation would match any message.
    expect(message.length).toBeGreaterThan(10);
    const r = parse({ ...valid, ...patch });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('SCHEMA_INVALID');
    const detail = r.details.find((d) => d.field === field);
    expect(detail).toBeDefined();
    expect(detail!.message).toContain(message);
  });

  it('names every missing required field', () => {
    const r = parse({});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.details.map((d) => d.field).sort()).toEqual(
      ['axles', 'cargo', 'eventId', 'grossWeightKg', 'measuredAt', 'plate', 'plateColor', 'source', 'stationId'].sort(),
    );
  });

  it.each([
    ['broken JSON', '{"eventId":', 'BAD_JSON'],
    ['an array', '[1,2]', 'SCHEMA_INVALID'],
    ['null', 'null', 'SCHEMA_INVALID'],
    ['a string', '"x"', 'SCHEMA_INVALID'],
  ])('rejects %s', (_name, value, code) => {
    const r = parse(value);
    expect(r).toMatchObject({ ok: false, code });
  });

  it('rejects an empty value and a value over 64 KiB', () => {
    expect(parseWeighEvent(null, receivedAt)).toMatchObject({ ok: false, code: 'BAD_JSON' });
    const huge = Buffer.from(JSON.stringify({ ...valid, laneId: 'x'.repeat(MAX_EVENT_BYTES) }));
    expect(parseWeighEvent(huge, receivedAt)).toMatchObject({ ok: false, code: 'TOO_LARGE' });
  });
});
