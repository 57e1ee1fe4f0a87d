import fc from 'fast-check';
import { DomainError } from '../errors/domain-error';
import { workingDayDeadline } from '../time/official-calendar';
import { applyListingSteps } from '../../../../test/harness/plan-apply';
import {
  deriveCompanyCandidacy,
  planCompanyCredit,
  type CompanyCreditCommand,
  type CompanyCreditFacts,
  type CompanyCreditPlan,
  type CompanyCreditRules,
  type CompanyGround,
} from './company-credit';

const sh = (local: string) => new Date(`${local}+08:00`);
const DAY = 86_400_000;
const OPERATOR = '91330500MA2B000001';

const RULES: CompanyCreditRules = {
  listingThreshold: 3,
  countWindowDays: 365,
  tripMergeMinutes: 60,
  listingValidityDays: 365,
  noticePeriodWorkingDays: 5,
  publicationDays: 730,
  postingEndsWithListing: false,
  companyListingPercent: 10,
};

const ground = (n: number, effectiveAt: Date, status: CompanyGround['status'] = 'LISTED'): CompanyGround => ({
  vehicleKey: `1:浙E0000${n}`,
  listingId: `L${n}`,
  status,
  effectiveAt,
});

/** What the writer stores, reduced to what the next plan reads (notices get deterministic ids). */
function apply(facts: CompanyCreditFacts, plan: CompanyCreditPlan): CompanyCreditFacts {
  const rows = [...plan.createdListings, ...plan.changedListings].map(({ operatorId: _o, ...columns }) => columns);
  return { ...facts, listings: applyListingSteps(facts.listings, rows, plan) };
}

let ids = 0;
function plan(facts: CompanyCreditFacts, now: Date, command?: CompanyCreditCommand, actor = 'system', rules = RULES) {
  return planCompanyCredit({
    facts,
    rules,
    deadline: (t, d) => workingDayDeadline(t, d),
    now,
    actor,
    newId: () => `C${++ids}`,
    command,
  });
}

const facts = (grounds: CompanyGround[], fleetSize = 10): CompanyCreditFacts => ({
  operatorId: OPERATOR,
  fleetSize,
  grounds,
  listings: [],
  objections: [],
});

describe('company candidacy (SPEC §4.9: more than COMPANY_LISTING_PERCENT of the fleet listed in the window)', () => {
  it('10 % of the fleet is not more than 10 %; the second listed vehicle of ten makes the company a candidate', () => {
    const one = [ground(1, sh('2026-09-01T10:00:00'))];
    expect(deriveCompanyCandidacy(one, 10, RULES, new Date(0))).toBeNull();
    const two = [...one, ground(2, sh('2026-09-10T10:00:00'))];
    expect(deriveCompanyCandidacy(two, 10, RULES, new Date(0))).toEqual({
      listedAt: sh('2026-09-10T10:00:00'),
      vehicleCount: 2,
      vehicleListingIds: ['L1', 'L2'],
    });
  });

  it('counts vehicles, not listings; a revoked or withdrawn listing is no ground; a repaired or expired one is', () => {
    const at = (d: string) => sh(`2026-${d}T10:00:00`);
    const same = { ...ground(1, at('03-01')), listingId: 'L1b' };
    expect(deriveCompanyCandidacy([ground(1, at('02-01')), same], 10, RULES, new Date(0))).toBeNull();
    expect(
      deriveCompanyCandidacy([ground(1, at('02-01'), 'REVOKED'), ground(2, at('03-01'))], 10, RULES, new Date(0)),
    ).toBeNull();
    expect(
      deriveCompanyCandidacy(
        [ground(1, at('02-01'), 'REPAIRED'), ground(2, at('03-01'), 'EXPIRED')],
        10,
        RULES,
        new Date(0),
      )?.vehicleCount,
    ).toBe(2);
  });

  it('effects more than COUNT_WINDOW_DAYS apart do not add up', () => {
    const grounds = [ground(1, sh('2025-01-01T10:00:00')), ground(2, sh('2026-01-02T10:00:00'))];
    expect(deriveCompanyCandidacy(grounds, 10, RULES, new Date(0))).toBeNull();
  });

  it('a company without a registered fleet is never a candidate', () => {
    expect(deriveCompanyCandidacy([ground(1, sh('2026-09-01T10:00:00'))], 0, RULES, new Date(0))).toBeNull();
  });

  it('property: any arrival order of the same grounds gives the same candidacy and listedAt', () => {
    const start = sh('2026-01-01T00:00:00').getTime();
    const groundArb = fc.record({
      n: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 0, max: 500 }),
      status: fc.constantFrom<CompanyGround['status']>('LISTED', 'PUBLISHED', 'REPAIRED', 'EXPIRED', 'REVOKED'),
    });
    fc.assert(
      fc.property(
        fc.array(groundArb, { maxLength: 25 }),
        fc.integer({ min: 1, max: 30 }),
        fc.context(),
        (gs, fleet, ctx) => {
          const grounds = gs.map((g, i) => ({
            ...ground(g.n, new Date(start + g.day * DAY), g.status),
            listingId: `L${i}`,
          }));
          const expected = deriveCompanyCandidacy(grounds, fleet, RULES, new Date(0));
          const shuffled = [...grounds].reverse();
          ctx.log(JSON.stringify(expected));
          expect(deriveCompanyCandidacy(shuffled, fleet, RULES, new Date(0))).toEqual(expected);
        },
      ),
    );
  });
});

describe('company listing due process (SPEC §4.4, §4.10 with the company as party)', () => {
  const crossing = sh('2026-09-10T10:00:00');
  const grounds = [ground(1, sh('2026-09-01T10:00:00')), ground(2, crossing)];

  it('candidate: PENDING with a notice at once, in effect 24:00 of the fifth working day after service, and it expires', () => {
    let f = facts(grounds);
    const created = plan(f, sh('2026-09-25T09:00:00'));
    expect(created.createdListings).toEqual([
      expect.objectContaining({
        status: 'PENDING',
        listedAt: crossing,
        vehicleCount: 2,
        fleetSize: 10,
        effectiveAt: null,
      }),
    ]);
    expect(created.noticesToIssue).toHaveLength(1);
    expect(created.events.map((e) => e.type)).toEqual(['PENDING']);
    f = apply(f, created);
    const id = created.createdListings[0]!.id;
    // Not yet served: nothing happens however long it waits.
    expect(plan(f, sh('2026-12-01T09:00:00')).changedListings).toEqual([]);
    const served = plan(f, sh('2026-09-28T11:00:00'), {
      type: 'SERVE_NOTICE',
      noticeId: `N-${id}`,
      servedAt: sh('2026-09-28T10:00:00'),
      method: 'POST',
    });
    // The 2026 calendar (as in the vehicle's story): 9-29, 9-30, 10-8, 10-9 and the 调休 Saturday 10-10.
    expect(served.noticeServices[0]!.periodEndsAt).toEqual(sh('2026-10-11T00:00:00'));
    f = apply(f, served);
    expect(plan(f, sh('2026-10-10T23:59:00')).changedListings).toEqual([]);
    const effective = plan(f, sh('2026-10-20T08:00:00'));
    expect(effective.changedListings[0]).toMatchObject({ status: 'LISTED', effectiveAt: sh('2026-10-11T00:00:00') });
    expect(effective.audit.map((a) => a.action)).toEqual(['COMPANY_LISTING_EFFECTIVE']);
    f = apply(f, effective);
    const expired = plan(f, sh('2027-10-12T00:00:00'));
    expect(expired.changedListings[0]).toMatchObject({ status: 'EXPIRED', endedAt: sh('2027-10-11T00:00:00') });
  });

  it('a revoked vehicle listing that takes the grounds away withdraws a pending candidacy and voids its notice', () => {
    let f = facts(grounds);
    const created = plan(f, sh('2026-09-25T09:00:00'));
    f = apply(f, created);
    f = { ...f, grounds: [grounds[0]!, { ...grounds[1]!, status: 'REVOKED' }] };
    const withdrawn = plan(f, sh('2026-09-26T09:00:00'));
    expect(withdrawn.changedListings[0]).toMatchObject({ status: 'WITHDRAWN', endReason: 'GROUNDS_REMOVED' });
    expect(withdrawn.voidedNotices).toHaveLength(1);
    f = apply(f, withdrawn);
    // A fresh start: the same grounds do not make it a candidate again.
    expect(plan({ ...f, grounds }, sh('2026-09-27T09:00:00')).createdListings).toEqual([]);
  });

  it('a pending objection holds it; the handler cannot decide (403); upheld it is withdrawn; publication takes two persons', () => {
    let f = facts(grounds);
    const created = plan(f, sh('2026-09-25T09:00:00'));
    f = apply(f, created);
    const id = created.createdListings[0]!.id;
    f = apply(
      f,
      plan(f, sh('2026-09-28T11:00:00'), {
        type: 'SERVE_NOTICE',
        noticeId: `N-${id}`,
        servedAt: sh('2026-09-28T10:00:00'),
        method: 'IN_PERSON',
      }),
    );
    const objection = { id: 'O1', listingId: id, violationIds: [], receivedAt: sh('2026-09-30T10:00:00') };
    const recorded = plan(
      f,
      sh('2026-09-30T10:05:00'),
      { type: 'RECORD_OBJECTION', objection, target: { type: 'LISTING', id } },
      'officer-a',
    );
    expect(recorded.audit.map((a) => a.action)).toEqual(['OBJECTION_RECORDED']);
    f = { ...f, objections: [{ ...objection, status: 'PENDING', decidedAt: null }] };
    expect(plan(f, sh('2026-10-20T08:00:00')).changedListings).toEqual([]);
    const decide = (uphold: boolean): CompanyCreditCommand => ({
      type: 'DECIDE_OBJECTION',
      objectionId: 'O1',
      handler: 'officer-a',
      target: { type: 'LISTING', id },
      listingId: id,
      uphold,
      reply: '答复',
    });
    expect(() => plan(f, sh('2026-10-20T09:00:00'), decide(true), 'officer-a')).toThrow(DomainError);
    const upheld = plan(f, sh('2026-10-20T09:00:00'), decide(true), 'legal-b');
    expect(upheld.changedListings[0]).toMatchObject({ status: 'WITHDRAWN', endReason: 'OBJECTION_UPHELD' });
    const rejected = plan(f, sh('2026-10-20T09:00:00'), decide(false), 'legal-b');
    expect(rejected.changedListings[0]).toMatchObject({ status: 'LISTED', effectiveAt: sh('2026-10-20T09:00:00') });

    f = apply(
      { ...f, objections: [{ ...objection, status: 'REJECTED', decidedAt: sh('2026-10-20T09:00:00') }] },
      rejected,
    );
    const proposed = plan(
      f,
      sh('2026-10-21T09:00:00'),
      {
        type: 'PROPOSE_PUBLICATION',
        listingId: id,
        decisionNo: '湖交超决〔2026〕1号',
        legalBasis: '交办公路〔2017〕8号',
      },
      'officer-a',
    );
    expect(proposed.changedListings[0]!.proposal?.contents.grounds).toContain('超过10%');
    f = apply(f, proposed);
    const review = { type: 'REVIEW_PUBLICATION', listingId: id, approve: true, opinion: '同意' } as const;
    expect(() => plan(f, sh('2026-10-22T09:00:00'), review, 'officer-a')).toThrow(DomainError);
    const published = plan(f, sh('2026-10-22T09:00:00'), review, 'legal-b');
    expect(published.changedListings[0]).toMatchObject({ status: 'PUBLISHED', posting: { status: 'POSTED' } });
    f = apply(f, published);
    // The posting outlives the listing's expiry (two years from publication) and is archived after.
    const afterExpiry = plan(f, sh('2027-10-21T09:00:00'));
    expect(afterExpiry.changedListings[0]).toMatchObject({ status: 'EXPIRED', posting: { status: 'POSTED' } });
    f = apply(f, afterExpiry);
    // An objection is to what still stands (docs/rules.md): the posting, no longer the expired listing.
    const objectTo = (type: 'LISTING' | 'POSTING', at: Date): CompanyCreditCommand => ({
      type: 'RECORD_OBJECTION',
      objection: { id: `O-${type}`, listingId: id, violationIds: [], receivedAt: at },
      target: { type, id },
    });
    const late = sh('2027-11-01T09:00:00');
    expect(() => plan(f, late, objectTo('LISTING', late), 'officer-a')).toThrow(/is EXPIRED/);
    expect(plan(f, late, objectTo('POSTING', late), 'officer-a').audit.map((a) => a.action)).toEqual([
      'OBJECTION_RECORDED',
    ]);
    const archived = plan(f, sh('2028-10-22T09:00:00'));
    expect(archived.changedListings[0]!.posting).toMatchObject({ status: 'ARCHIVED', reason: 'PERIOD_END' });
    expect(archived.events.map((e) => e.type)).toEqual(['POSTING_WITHDRAWN']);
    f = apply(f, archived);
    const later = sh('2028-11-01T09:00:00');
    expect(() => plan(f, later, objectTo('POSTING', later), 'officer-a')).toThrow(
      /nothing .* is posted \(posting ARCHIVED\)/,
    );
  });

  it('NOTICE_PERIOD_WORKING_DAYS=0: in effect at the crossing, the notice still issued', () => {
    const p = plan(facts(grounds), sh('2026-09-25T09:00:00'), undefined, 'system', {
      ...RULES,
      noticePeriodWorkingDays: 0,
    });
    expect(p.createdListings[0]).toMatchObject({ status: 'LISTED', effectiveAt: crossing });
    expect(p.noticesToIssue).toHaveLength(1);
  });
});
