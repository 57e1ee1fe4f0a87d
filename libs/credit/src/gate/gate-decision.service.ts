import { randomUUID } from 'node:crypto';
import { TurnBackCache, CachedListing } from '@oc/cache';
import { gateRedisBudgetMs } from '@oc/config';
import type { GateDecisionQueryDto, GateDecisionResponse, GateSource } from '@oc/contracts';
import { decideGate, hasPermitNo, listingExpiresAt, normalizePlate, parsePlateColor, vehicleKey } from '@oc/domain';
import { bounded, GateReadStore } from '@oc/persistence';
import type { GateDecisionPublisher } from '@oc/messaging';

export interface GateRules {
  warningBandKg: number;
  entryTolerancePercent: number;
  turnBackRequiresPublication: boolean;
  /** A listing ends at listedAt + LISTING_VALIDITY_DAYS even before the expiry scheduler notices. */
  listingValidityDays: number;
  failureMode: 'open' | 'closed';
  deadlineMs: number;
  dbTimeoutMs: number;
}

export interface GateDecisionContext {
  stationId: string;
  laneId?: string;
}

type Lookup = { source: GateSource; listing: CachedListing | null };

/** Thrown for a query that passed field validation but is inconsistent as a whole. */
export class GateQueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The entry-lane decision (SPEC §4.6): the listing from Redis (one round trip), Postgres when Redis
 * errs or is slow, the configured failure mode when both fail — always within the deadline — and the
 * rule order of libs/domain. TURN_BACKs are handed to the publisher without waiting for it.
 */
export class GateDecisionService {
  private readonly redisBudgetMs: number;

  constructor(
    private readonly cache: TurnBackCache,
    private readonly store: GateReadStore,
    private readonly publisher: GateDecisionPublisher,
    private readonly rules: GateRules,
    private readonly observe: (d: GateDecisionResponse, seconds: number) => void = () => undefined,
  ) {
    this.redisBudgetMs = gateRedisBudgetMs(rules.deadlineMs, rules.dbTimeoutMs);
  }

  async decide(query: GateDecisionQueryDto, context: GateDecisionContext): Promise<GateDecisionResponse> {
    const started = process.hrtime.bigint();
    const hasAxles = query.axles !== undefined;
    const hasWeight = query.grossWeightKg !== undefined;
    if (hasAxles !== hasWeight) {
      throw new GateQueryError(
        hasAxles ? 'grossWeightKg' : 'axles',
        'a scale reading needs both axles and grossWeightKg',
      );
    }
    const plate = normalizePlate(query.plate);
    const plateColor = parsePlateColor(query.plateColor)!;
    const key = vehicleKey(plateColor, plate);
    const lookup = await this.lookup(key);

    const now = Date.now();
    const turnsBack = (l: CachedListing | null): boolean =>
      !!l &&
      listingExpiresAt(new Date(l.listedAt), this.rules).getTime() > now &&
      (l.status === 'PUBLISHED' || (l.status === 'LISTED' && !this.rules.turnBackRequiresPublication));
    const outcome = decideGate(
      {
        cargo: query.cargo ?? 'UNKNOWN',
        reading: hasAxles
          ? {
              axles: query.axles!,
              combination: query.combination,
              singleDriveAxle: query.singleDriveAxle,
              grossWeightKg: query.grossWeightKg!,
              permitNo: query.permitNo,
            }
          : undefined,
        activeListing: turnsBack(lookup.listing),
        permitCovers: hasPermitNo(query.permitNo),
      },
      { warningBandKg: this.rules.warningBandKg, entryTolerancePercent: this.rules.entryTolerancePercent },
    );
    let decision = outcome.decision;
    let reasons: string[] = outcome.reasons;
    // Closed failure mode: nobody can tell whether the truck is listed, so only an empty one passes.
    if (lookup.source === 'fail-closed' && decision === 'ALLOW' && query.cargo !== 'EMPTY') {
      decision = 'TURN_BACK';
      reasons = ['FAIL_CLOSED'];
    }
    const decidedAt = new Date();
    const response: GateDecisionResponse = {
      decision,
      reasons,
      listing: lookup.listing,
      overKg: outcome.overKg,
      source: lookup.source,
      decidedAt: decidedAt.toISOString(),
    };
    if (decision === 'TURN_BACK') {
      this.publisher.offer({
        decisionId: randomUUID(),
        stationId: context.stationId,
        ...(context.laneId ? { laneId: context.laneId } : {}),
        plate,
        plateColor,
        decision,
        reasons,
        at: response.decidedAt,
      });
    }
    this.observe(response, Number(process.hrtime.bigint() - started) / 1e9);
    return response;
  }

  /** Redis within its share of the budget, then Postgres within GATE_DB_TIMEOUT_MS, then the failure mode. */
  private async lookup(key: string): Promise<Lookup> {
    try {
      const cached = await bounded(this.cache.lookup(key), this.redisBudgetMs, 'Redis');
      if (cached.current) return { source: 'cache', listing: cached.listing };
    } catch {
      // fall through to the database
    }
    try {
      const row = await this.store.findActiveListing(key);
      return {
        source: 'database',
        listing: row
          ? { id: row.id, status: row.status, listedAt: row.listedAt.toISOString(), violationCount: row.violationCount }
          : null,
      };
    } catch {
      return { source: this.rules.failureMode === 'open' ? 'fail-open' : 'fail-closed', listing: null };
    }
  }
}
