import { parseWeighEvent } from './parse-weigh-event';
import {
  canonicalWeighEventContent,
  WEIGH_EVENT_CONTENT_FIELDS,
  weighEventContentDifferences,
  weighEventContentHash,
  type WeighEventContent,
} from './weigh-event-content';

const receivedAt = new Date('2026-11-26T10:00:00Z');
const raw = {
  eventId: 'st-330500001:2026-11-26:0001',
  source: 'TOLL_ENTRY',
  stationId: '330500001',
  laneId: 'L3',
  measuredAt: '2026-11-26T17:59:00+08:00',
  plate: '浙E12345',
  plateColor: 1,
  axles: 6,
  grossWeightKg: 52000,
  cargo: 'LADEN',
  evidence: { imageUrls: ['https://cam.example/1.jpg'], deviceCertNo: 'JJG-1' },
};
const parsed = (patch: Record<string, unknown> = {}): WeighEventContent => {
  const r = parseWeighEvent(Buffer.from(JSON.stringify({ ...raw, ...patch })), receivedAt);
  if (!r.ok) throw new Error(JSON.stringify(r.details));
  return r.event;
};

describe('weigh event content (SPEC §3 duplicates, docs/rules.md "Repeated eventIds")', () => {
  it('is the same for two spellings of the same facts', () => {
    const a = weighEventContentHash(parsed());
    expect(
      weighEventContentHash(
        parsed({
          plate: ' 浙e·12345 ',
          plateColor: 'yellow',
          measuredAt: '2026-11-26T09:59:00.000Z',
          combination: true,
        }),
      ),
    ).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Record<string, unknown>]>([
    ['source', { source: 'WEIGH_STATION' }],
    ['stationId', { stationId: '330500002' }],
    ['laneId', { laneId: 'L4' }],
    ['laneId', { laneId: undefined }],
    ['measuredAt', { measuredAt: '2026-11-26T17:59:00.001+08:00' }],
    ['plate', { plate: '浙E12346' }],
    ['plateColor', { plateColor: 2 }],
    ['axles', { axles: 5 }],
    ['combination', { combination: false }],
    ['singleDriveAxle', { singleDriveAxle: true }],
    ['grossWeightKg', { grossWeightKg: 52001 }],
    ['cargo', { cargo: 'EMPTY' }],
    ['permitNo', { permitNo: 'P-1' }],
    ['evidence', { evidence: undefined }],
    ['evidence', { evidence: { imageUrls: [] } }],
    ['evidence', { evidence: { imageUrls: ['https://cam.example/1.jpg'] } }],
    ['evidence', { evidence: { imageUrls: ['https://cam.example/1.jpg', 'https://cam.example/2.jpg'] } }],
  ])('differs when %s differs (%j), and names that field', (field, patch) => {
    const other = parsed(patch);
    expect(weighEventContentHash(other)).not.toBe(weighEventContentHash(parsed()));
    expect(weighEventContentDifferences(parsed(), other)).toContain(field);
  });

  it('covers every field of the event except the derived vehicle key', () => {
    const event = parsed() as unknown as Record<string, unknown>;
    expect([...WEIGH_EVENT_CONTENT_FIELDS].sort()).toEqual(
      Object.keys(event)
        .filter((k) => k !== 'vehicleKey')
        .sort(),
    );
  });

  it('cannot be forged by moving text between fields (each value carries its length)', () => {
    const a = { ...parsed(), laneId: 'A:B', permitNo: null };
    const b = { ...parsed(), laneId: 'A', permitNo: 'B' };
    expect(canonicalWeighEventContent(a)).not.toBe(canonicalWeighEventContent(b));
  });
});
