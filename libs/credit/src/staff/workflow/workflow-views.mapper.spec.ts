import type { ListingRecord, ViolationRecord } from '@oc/persistence';
import { toListingView, toViolationView } from './workflow-views.mapper';

const listing = (over: Partial<ListingRecord> = {}): ListingRecord => ({
  id: 'l-1',
  vehicleKey: '1:浙E50001',
  plate: '浙E50001',
  plateColor: 1,
  status: 'LISTED',
  // Monday 2026-03-02 10:00 Asia/Shanghai.
  listedAt: new Date('2026-03-02T02:00:00Z'),
  expiresAt: new Date('2027-03-02T02:00:00Z'),
  violationCount: 3,
  proposal: null,
  publishedAt: null,
  publicationEndsAt: null,
  endedAt: null,
  endReason: null,
  ...over,
});

describe('toListingView', () => {
  // 7 working days after Monday 2 March: Wednesday 11 March, end of day in Asia/Shanghai.
  const dueBy = '2026-03-11T15:59:59.999Z';

  it.each([
    ['LISTED, on the due day', {}, '2026-03-11T15:00:00Z', false],
    ['LISTED, past the due day', {}, '2026-03-11T16:00:00Z', true],
    ['PUBLISHED late is not overdue', { status: 'PUBLISHED' as const }, '2026-04-01T00:00:00Z', false],
    ['an ended listing is not overdue', { status: 'REVOKED' as const }, '2026-04-01T00:00:00Z', false],
  ])('%s', (_case, over, now, overdue) => {
    const view = toListingView(listing(over), new Date(now), 7);
    expect(view.publicationDueBy).toBe(dueBy);
    expect(view.overdue).toBe(overdue);
  });

  it('leaves out what does not apply and keeps what does', () => {
    expect(Object.keys(toListingView(listing(), new Date('2026-03-03T00:00:00Z'), 7)).sort()).toEqual([
      'id',
      'listedAt',
      'overdue',
      'plate',
      'plateColor',
      'publicationDueBy',
      'status',
      'violationCount',
    ]);
    const proposal = {
      decisionNo: 'D-1',
      legalBasis: 'B',
      proposedBy: 'officer-a',
      proposedAt: '2026-03-03T00:00:00.000Z',
    };
    const published = toListingView(
      listing({ status: 'PUBLISHED', proposal, publishedAt: new Date('2026-03-04T00:00:00Z') }),
      new Date('2026-03-05T00:00:00Z'),
      7,
    );
    expect(published).toMatchObject({ proposal, publishedAt: '2026-03-04T00:00:00.000Z' });
    expect(published.endedAt).toBeUndefined();
  });
});

describe('toViolationView', () => {
  const open: ViolationRecord = {
    id: 'v-1',
    eventId: 'e-1',
    vehicleKey: '1:浙E50001',
    stationId: '330500001',
    measuredAt: new Date('2026-03-01T00:00:00Z'),
    axles: 2,
    grossWeightKg: 20000,
    limitKg: 18000,
    overKg: 2000,
    suggestedFineYuan: 500,
    tripId: 'v-1',
    listingId: null,
    status: 'OPEN',
    caseNo: null,
    fineYuan: null,
    processedAt: null,
    revokedReason: null,
  };

  it('shows case fields only once processed, a fine of 0 included', () => {
    expect(toViolationView(open)).not.toHaveProperty('caseNo');
    expect(
      toViolationView({
        ...open,
        status: 'PROCESSED',
        caseNo: 'C-1',
        fineYuan: 0,
        processedAt: new Date('2026-03-02T00:00:00Z'),
      }),
    ).toMatchObject({ status: 'PROCESSED', caseNo: 'C-1', fineYuan: 0, processedAt: '2026-03-02T00:00:00.000Z' });
  });
});
