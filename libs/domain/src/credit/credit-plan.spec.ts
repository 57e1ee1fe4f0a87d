import fc from 'fast-check';
import { DomainError, DomainErrorCode } from '../errors/domain-error';
import { workingDayDeadline } from '../time/official-calendar';
import { applyListingSteps } from '../../../../test/harness/plan-apply';
import {
  PERMIT_EXEMPTED,
  planCredit,
  type CreditCommand,
  type CreditPlan,
  type CreditPlanRules,
  type PlanViolation,
  type VehicleCreditFacts,
} from './credit-plan';

const sh = (local: string) => new Date(`${local}+08:00`);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const KEY = '1:浙E12345';

const RULES: CreditPlanRules = {
  listingThreshold: 3,
  countWindowDays: 365,
  tripMergeMinutes: 60,
  listingValidityDays: 365,
  noticePeriodWorkingDays: 5,
  publicationDays: 730,
  postingEndsWithListing: false,
};

/**
 * The writer of libs/credit, reduced to what the plan's next call reads: applies a plan to the facts as
 * the database would hold them afterwards. A notice is issued with a deterministic id.
 */
function apply(facts: VehicleCreditFacts, plan: CreditPlan): VehicleCreditFacts {
  const rows = [...plan.createdListings, ...plan.changedListings].map(
    ({ vehicleKey: _k, plate: _p, plateColor: _c, ...columns }) => columns,
  );
  const listings = applyListingSteps(facts.listings, rows, plan);
  const violations: PlanViolation[] = facts.violations.map((v) => {
    const a = plan.assignments.find((x) => x.id === v.id);
    const revoked = plan.revokedViolations.some((x) => x.id === v.id);
    const processed = plan.processedViolations.some((x) => x.id === v.id);
    return {
      ...v,
      ...(a ? { tripId: a.tripId, listingId: a.listingId } : {}),
      status: revoked ? 'REVOKED' : processed ? 'PROCESSED' : v.status,
    };
  });
  return {
    vehicleKey: facts.vehicleKey,
    violations,
    listings,
    objections: facts.objections,
    state: plan.state ?? facts.state,
  };
}

let ids = 0;
const run = (facts: VehicleCreditFacts, now: Date, command?: CreditCommand, actor = 'officer-a', rules = RULES) => {
  const plan = planCredit({
    facts,
    rules,
    deadline: (trigger, days) => workingDayDeadline(trigger, days),
    now,
    actor,
    newId: () => `L${++ids}`,
    command,
  });
  return { plan, facts: apply(facts, plan) };
};

const violation = (id: string, measuredAt: Date): PlanViolation => ({
  id,
  eventId: `e-${id}`,
  measuredAt,
  status: 'OPEN',
  tripId: null,
  listingId: null,
});

const empty = (): VehicleCreditFacts => ({
  vehicleKey: KEY,
  violations: [],
  listings: [],
  objections: [],
  state: null,
});

/** Three trips on 1, 10 and 20 September 2026: the third reaches the threshold. */
function threeTrips(rules = RULES): { plan: CreditPlan; facts: VehicleCreditFacts } {
  let facts = empty();
  let last: CreditPlan | undefined;
  for (const [i, day] of ['2026-09-01', '2026-09-10', '2026-09-20'].entries()) {
    facts = { ...facts, violations: [...facts.violations, violation(`v${i}`, sh(`${day}T10:00:00`))] };
    ({ plan: last, facts } = run(facts, sh(`${day}T10:05:00`), undefined, 'system', rules));
  }
  return { plan: last!, facts };
}

const listingOf = (facts: VehicleCreditFacts) => facts.listings[0]!;
const noticeOf = (facts: VehicleCreditFacts) => listingOf(facts).notice!;
const serve = (facts: VehicleCreditFacts, servedAt: Date) =>
  run(facts, servedAt, { type: 'SERVE_NOTICE', noticeId: noticeOf(facts).id, servedAt, method: 'IN_PERSON' });

describe('planCredit: due process before effect (SPEC §4.4, §4.10)', () => {
  it('the third trip makes a PENDING listing with a notice to issue, and the gate sees nothing to turn back', () => {
    const { plan, facts } = threeTrips();
    expect(plan.createdListings).toEqual([
      expect.objectContaining({
        status: 'PENDING',
        listedAt: sh('2026-09-20T10:00:00'),
        effectiveAt: null,
        expiresAt: null,
      }),
    ]);
    expect(plan.noticesToIssue).toEqual([listingOf(facts).id]);
    expect(plan.events.map((e) => e.type)).toEqual(['PENDING']);
    expect(plan.state).toMatchObject({ state: 'PENDING', countInWindow: 3 });
    expect(plan.cache).toEqual({ listing: null });
    expect(plan.audit.map((a) => a.action)).toContain('LISTING_CREATED');
  });

  it('service on 2026-09-28 → in effect at 24:00 of 10 October (National Day, 调休 Saturday), whenever the scheduler runs', () => {
    const served = serve(threeTrips().facts, sh('2026-09-28T15:30:00'));
    expect(served.plan.noticeServices).toEqual([
      expect.objectContaining({ periodEndsAt: sh('2026-10-11T00:00:00'), calendarMissing: false }),
    ]);
    expect(served.plan.state).toBeNull(); // service alone changes nothing the gate reads

    const before = run(served.facts, sh('2026-10-10T23:59:59.999'), { type: 'SCHEDULED' });
    expect(before.plan.changedListings).toEqual([]);
    expect(before.plan.cache?.listing ?? null).toBeNull();

    for (const late of ['2026-10-11T00:00:00', '2026-10-19T08:00:00']) {
      const after = run(served.facts, sh(late), { type: 'SCHEDULED' });
      expect(after.plan.changedListings).toEqual([
        expect.objectContaining({
          status: 'LISTED',
          effectiveAt: sh('2026-10-11T00:00:00'),
          expiresAt: new Date(sh('2026-10-11T00:00:00').getTime() + 365 * DAY),
        }),
      ]);
      expect(after.plan.events).toEqual([
        expect.objectContaining({ type: 'LISTED', at: sh('2026-10-11T00:00:00').toISOString() }),
      ]);
      expect(after.plan.cache?.listing).toMatchObject({ status: 'LISTED' });
      expect(after.plan.state).toMatchObject({ state: 'LISTED' });
    }
  });

  it('without service a pending listing waits, however long; a late weighing attaches to it', () => {
    const { facts } = threeTrips();
    const withFourth = { ...facts, violations: [...facts.violations, violation('v3', sh('2026-11-01T10:00:00'))] };
    const later = run(withFourth, sh('2027-12-01T00:00:00'), { type: 'SCHEDULED' });
    expect(listingOf(later.facts)).toMatchObject({ status: 'PENDING', violationCount: 4, expiresAt: null });
    expect(later.plan.cache?.listing ?? null).toBeNull();
  });

  it('an objection received before the period ends holds the listing past it; rejected later, it takes effect then', () => {
    const served = serve(threeTrips().facts, sh('2026-09-28T15:30:00')).facts;
    const objection = {
      id: 'O1',
      listingId: listingOf(served).id,
      violationIds: [],
      receivedAt: sh('2026-10-09T09:00:00'),
    };
    const recorded = run(served, sh('2026-10-09T09:10:00'), {
      type: 'RECORD_OBJECTION',
      objection,
      target: { type: 'LISTING', id: objection.listingId },
    });
    expect(recorded.plan.audit.map((a) => a.action)).toEqual(['OBJECTION_RECORDED']);
    const held = { ...recorded.facts, objections: [{ ...objection, status: 'PENDING' as const, decidedAt: null }] };
    expect(run(held, sh('2026-10-15T00:00:00'), { type: 'SCHEDULED' }).plan.changedListings).toEqual([]);

    const decide = (actor: string, uphold: boolean) =>
      run(
        held,
        sh('2026-10-16T14:00:00'),
        {
          type: 'DECIDE_OBJECTION',
          objectionId: 'O1',
          handler: 'officer-a',
          target: { type: 'LISTING', id: objection.listingId },
          listingId: objection.listingId,
          violationIds: [],
          uphold,
          reply: uphold ? '异议成立' : '经核实，称重数据准确',
        },
        actor,
      );
    expect(() => decide('officer-a', false)).toThrow(
      expect.objectContaining({ code: DomainErrorCode.TWO_PERSON_RULE }),
    );

    const rejected = decide('legal-b', false);
    expect(rejected.plan.changedListings).toEqual([
      expect.objectContaining({ status: 'LISTED', effectiveAt: sh('2026-10-16T14:00:00') }),
    ]);
    expect(rejected.plan.cache?.listing).toMatchObject({ status: 'LISTED' });

    const upheld = decide('legal-b', true);
    expect(upheld.plan.changedListings).toEqual([
      expect.objectContaining({ status: 'WITHDRAWN', endReason: 'OBJECTION_UPHELD', effectiveAt: null }),
    ]);
    expect(upheld.plan.events.map((e) => e.type)).toEqual(['WITHDRAWN']);
    expect(upheld.plan.cache).toEqual({ listing: null });

    // Withdrawn, there is nothing left to object to (docs/rules.md): not the listing, and no posting.
    const again = (type: 'LISTING' | 'POSTING') =>
      run(upheld.facts, sh('2026-10-19T09:00:00'), {
        type: 'RECORD_OBJECTION',
        objection: { ...objection, id: `O-${type}`, receivedAt: sh('2026-10-19T09:00:00') },
        target: { type, id: objection.listingId },
      });
    expect(() => again('LISTING')).toThrow(/the listing is WITHDRAWN/);
    expect(() => again('POSTING')).toThrow(/nothing of this listing is posted \(posting none\)/);
  });

  it('an objection received after the period ended does not hold the effect (it is answered all the same)', () => {
    const served = serve(threeTrips().facts, sh('2026-09-28T15:30:00')).facts;
    const late = {
      ...served,
      objections: [
        {
          id: 'O2',
          status: 'PENDING' as const,
          listingId: listingOf(served).id,
          violationIds: [],
          receivedAt: sh('2026-10-12T09:00:00'),
          decidedAt: null,
        },
      ],
    };
    expect(run(late, sh('2026-10-12T10:00:00'), { type: 'SCHEDULED' }).plan.changedListings).toEqual([
      expect.objectContaining({ status: 'LISTED', effectiveAt: sh('2026-10-11T00:00:00') }),
    ]);
  });

  it('a notice period past the known calendar is flagged, never guessed: the listing waits', () => {
    const served = serve(threeTrips().facts, sh('2026-12-28T10:00:00'));
    expect(served.plan.noticeServices).toEqual([
      expect.objectContaining({ periodEndsAt: null, calendarMissing: true }),
    ]);
    expect(run(served.facts, sh('2027-03-01T00:00:00'), { type: 'SCHEDULED' }).plan.changedListings).toEqual([]);
  });

  it('NOTICE_PERIOD_WORKING_DAYS=0: in effect at listedAt, the notice still issued', () => {
    const { plan } = threeTrips({ ...RULES, noticePeriodWorkingDays: 0 });
    expect(plan.createdListings).toEqual([
      expect.objectContaining({ status: 'LISTED', effectiveAt: sh('2026-09-20T10:00:00') }),
    ]);
    expect(plan.noticesToIssue).toHaveLength(1);
    expect(plan.cache?.listing).toMatchObject({ status: 'LISTED' });
  });
});

describe('planCredit: two-person revocation (SPEC §4.4)', () => {
  const effective = () => {
    const served = serve(threeTrips().facts, sh('2026-09-28T15:30:00')).facts;
    return run(served, sh('2026-10-11T00:00:05'), { type: 'SCHEDULED' }).facts;
  };

  it('a proposal changes nothing but the record', () => {
    const { plan } = run(effective(), sh('2026-10-12T09:00:00'), {
      type: 'PROPOSE_REVOCATION',
      violationId: 'v1',
      revocationId: 'R1',
      reason: '称重设备检定过期',
    });
    expect(plan).toMatchObject({ changedListings: [], revokedViolations: [], events: [], state: null, cache: null });
    expect(plan.audit.map((a) => [a.action, a.entityType])).toEqual([['REVOCATION_PROPOSED', 'violation_revocation']]);
  });

  it('the proposer cannot approve; another reviewer approves: revoked, the listing ends, the truck is free', () => {
    const command = (approve: boolean): CreditCommand => ({
      type: 'REVIEW_REVOCATION',
      violationId: 'v1',
      revocationId: 'R1',
      proposedBy: 'officer-a',
      reason: '称重设备检定过期',
      approve,
      opinion: '同意',
    });
    const facts = effective();
    expect(() => run(facts, sh('2026-10-12T10:00:00'), command(true), 'officer-a')).toThrow(DomainError);
    const rejected = run(facts, sh('2026-10-12T10:00:00'), command(false), 'legal-b');
    expect(rejected.plan.revokedViolations).toEqual([]);
    const approved = run(facts, sh('2026-10-12T10:00:00'), command(true), 'legal-b');
    expect(approved.plan.revokedViolations).toEqual([expect.objectContaining({ id: 'v1' })]);
    expect(approved.plan.changedListings).toEqual([
      expect.objectContaining({
        status: 'REVOKED',
        endReason: 'RECOUNT_BELOW_THRESHOLD',
        endedAt: sh('2026-10-12T10:00:00'),
      }),
    ]);
    expect(approved.plan.cache).toEqual({ listing: null });
    // §4.3: a revoked listing is a fresh start: the two remaining trips no longer count.
    expect(approved.plan.state).toMatchObject({ state: 'CLEAR', countInWindow: 0 });
  });

  it('revoking before effect withdraws the pending listing (it never turned anyone back)', () => {
    const { plan } = run(
      threeTrips().facts,
      sh('2026-09-22T10:00:00'),
      {
        type: 'REVIEW_REVOCATION',
        violationId: 'v2',
        revocationId: 'R2',
        proposedBy: 'officer-a',
        reason: '误判',
        approve: true,
        opinion: '同意',
      },
      'legal-b',
    );
    expect(plan.changedListings).toEqual([expect.objectContaining({ status: 'WITHDRAWN' })]);
    expect(plan.voidedNotices).toHaveLength(1);
    expect(plan.events.map((e) => e.type)).toEqual(['WITHDRAWN']);
  });
});

describe('planCredit: postings (SPEC §4.4)', () => {
  const published = () => {
    let facts = serve(threeTrips().facts, sh('2026-09-28T15:30:00')).facts;
    facts = run(facts, sh('2026-10-11T00:00:05'), { type: 'SCHEDULED' }).facts;
    const listingId = listingOf(facts).id;
    facts = run(facts, sh('2026-10-13T09:00:00'), {
      type: 'PROPOSE_PUBLICATION',
      listingId,
      decisionNo: '湖交超决〔2026〕1号',
      legalBasis: '62号令',
    }).facts;
    expect(() =>
      run(
        facts,
        sh('2026-10-13T10:00:00'),
        { type: 'REVIEW_PUBLICATION', listingId, approve: true, opinion: '同意' },
        'officer-a',
      ),
    ).toThrow(DomainError);
    return run(
      facts,
      sh('2026-10-13T10:00:00'),
      { type: 'REVIEW_PUBLICATION', listingId, approve: true, opinion: '同意' },
      'legal-b',
    );
  };

  it('a posting outlives the listing: up two years from publication, then archived with PERIOD_END', () => {
    const { plan, facts } = published();
    const until = new Date(sh('2026-10-13T10:00:00').getTime() + 730 * DAY);
    expect(plan.changedListings).toEqual([
      expect.objectContaining({
        status: 'PUBLISHED',
        posting: { status: 'POSTED', until, withdrawnAt: null, reason: null },
      }),
    ]);
    expect(listingOf(facts).proposal?.contents?.repairNotice).toMatch(/信用修复告知/);

    const expired = run(facts, new Date(sh('2026-10-11T00:00:00').getTime() + 365 * DAY + HOUR), { type: 'SCHEDULED' });
    expect(listingOf(expired.facts)).toMatchObject({ status: 'EXPIRED', posting: { status: 'POSTED' } });
    expect(expired.plan.cache).toEqual({ listing: null });

    const archived = run(expired.facts, new Date(until.getTime() + 1), { type: 'SCHEDULED' });
    expect(listingOf(archived.facts).posting).toEqual({
      status: 'ARCHIVED',
      until,
      withdrawnAt: until,
      reason: 'PERIOD_END',
    });
    expect(archived.plan.events).toEqual([
      expect.objectContaining({ type: 'POSTING_WITHDRAWN', reason: 'PERIOD_END' }),
    ]);
  });

  it('a repair withdraws the posting at once, with the reason', () => {
    const { facts } = published();
    const listingId = listingOf(facts).id;
    const { plan } = run(
      facts,
      sh('2026-11-02T10:00:00'),
      { type: 'APPROVE_REPAIR', listingId, repairId: 'P1', submittedBy: 'officer-a', opinion: '同意修复' },
      'repair-c',
    );
    expect(plan.changedListings).toEqual([
      expect.objectContaining({
        status: 'REPAIRED',
        posting: expect.objectContaining({
          status: 'WITHDRAWN',
          reason: 'REPAIRED',
          withdrawnAt: sh('2026-11-02T10:00:00'),
        }),
      }),
    ]);
    expect(plan.events.map((e) => e.type)).toEqual(['REPAIRED', 'POSTING_WITHDRAWN']);
  });
});

describe('planCredit properties', () => {
  const tripArb = fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 0, maxLength: 8 });

  it('any arrival order of the same weighings gives the same PENDING listings and listedAt, and never a turn-back while pending', () => {
    const scenario = tripArb.chain((days) => {
      const all = days.map((d, i) => violation(`w${i}`, new Date(sh('2026-01-05T08:00:00').getTime() + d * DAY)));
      return fc.tuple(fc.constant(all), fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));
    });
    fc.assert(
      fc.property(scenario, ([all, shuffled]) => {
        const end = new Date(sh('2027-03-01T00:00:00'));
        const replay = (order: PlanViolation[]) => {
          let facts = empty();
          for (const v of order) {
            facts = { ...facts, violations: [...facts.violations, v] };
            const step = run(facts, end, undefined, 'system');
            // The plan never turns back a PENDING listing (§4.6).
            const cached = step.plan.cache?.listing;
            if (cached) expect(step.facts.listings.find((l) => l.id === cached.id)?.status).not.toBe('PENDING');
            facts = step.facts;
          }
          return facts.listings
            .map((l) => `${l.status}@${l.listedAt.toISOString()}#${l.violationCount}`)
            .sort()
            .join(',');
        };
        expect(replay(shuffled)).toBe(replay(all));
      }),
      { numRuns: 300 },
    );
  });
});

describe('planCredit: a permit record that exempts a listed act (docs/rules.md, permits)', () => {
  it('ends the listing without a fresh start: the next plan, which no longer sees it, changes nothing', () => {
    const rules = { ...RULES, noticePeriodWorkingDays: 0 };
    const { facts } = threeTrips(rules);
    expect(listingOf(facts).status).toBe('LISTED');
    // The permit covers the first trip: the writer deletes its violation and recounts with the reason.
    const exempted = { ...facts, violations: facts.violations.filter((v) => v.id !== 'v0') };
    const now = sh('2026-09-25T09:00:00');
    const plan = (f: VehicleCreditFacts, revocationReason?: string) =>
      planCredit({
        facts: f,
        rules,
        deadline: (trigger, days) => workingDayDeadline(trigger, days),
        now,
        actor: 'system',
        newId: () => `L${++ids}`,
        revocationReason,
      });
    const ended = plan(exempted, PERMIT_EXEMPTED);
    expect(ended.changedListings).toEqual([expect.objectContaining({ status: 'REVOKED', endReason: PERMIT_EXEMPTED })]);
    // No fresh start: the two remaining trips still count, and no longer belong to the ended listing.
    expect(ended.state).toMatchObject({ countInWindow: 2, activeListingId: null });
    const after = apply(exempted, ended);
    expect(after.violations.map((v) => v.listingId)).toEqual([null, null]);

    // As the writer loads the facts again: the exempted listing is on record, not among them.
    const reloaded = { ...after, listings: after.listings.filter((l) => l.endReason !== PERMIT_EXEMPTED) };
    const again = plan(reloaded);
    expect(again.state).toBeNull();
    expect(again.assignments).toEqual([]);
    expect([...again.createdListings, ...again.changedListings]).toEqual([]);
  });
});
