import { randomUUID } from 'node:crypto';
import { TurnBackCache, CachedListing } from '@oc/cache';
import { gateRedisBudgetMs } from '@oc/config';
import type { GateAnswerReason, GateDecisionQueryDto, GateDecisionResponse, GateSource } from '@oc/contracts';
import {
  checkPermit,
  decideGate,
  hasPermitNo,
  listingExpiresAt,
  normalizePlate,
  parsePlateColor,
  vehicleKey,
  type PermitRecord,
} from '@oc/domain';
import { ActiveListingRow, bounded, GateReadStore } from '@oc/persistence';
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
  /**
   * The station whose key authenticated the request: the station a routed permit must name. Null when
   * the key could not be checked (Postgres away and the key not among those loaded): the answer is then
   * GATE_FAILURE_MODE's, with nothing read for the vehicle and no turn-back record, since nobody knows
   * who asks.
   */
  stationId: string | null;
  laneId?: string;
}

type Lookup = { source: GateSource; listing: CachedListing | null };
/** `permit` null: the registry has no such permit; undefined: neither Redis nor Postgres could say. */
type LookupWithPermit = Lookup & { permit: PermitRecord | null | undefined };

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
 * rule order of libs/domain. A reading with a permitNo reads the permit in the same round trip and
 * checks it (62号令 第二十七条: this vehicle, now, this weight, this station). TURN_BACKs are handed to
 * the publisher without waiting for it.
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
    // A permit only matters against a reading (rule 1); without one the lookup is the listing's alone.
    const permitNo = hasAxles && hasPermitNo(query.permitNo) ? query.permitNo : undefined;
    const lookup: Lookup | LookupWithPermit =
      context.stationId === null
        ? { source: this.failureSource(), listing: null, permit: undefined }
        : permitNo === undefined
          ? await this.lookup(key)
          : await this.lookupWithPermit(key, permitNo);

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
        permitCovers:
          permitNo !== undefined &&
          this.permitCovers((lookup as LookupWithPermit).permit, lookup.source, {
            vehicleKey: key,
            at: new Date(now),
            grossWeightKg: query.grossWeightKg!,
            axles: query.axles!,
            stationId: context.stationId,
          }),
      },
      { warningBandKg: this.rules.warningBandKg, entryTolerancePercent: this.rules.entryTolerancePercent },
    );
    let decision = outcome.decision;
    let reasons: GateAnswerReason[] = outcome.reasons;
    if (lookup.source === 'fail-closed') {
      // Closed failure mode: nobody can tell whether the truck is listed, so only an empty one passes;
      // nor whether its permit is valid, so an overlimit reading with a permitNo is turned back for that.
      if (decision === 'ALLOW' && query.cargo !== 'EMPTY') {
        decision = 'TURN_BACK';
        reasons = ['FAIL_CLOSED'];
      } else if (permitNo !== undefined && reasons[0] === 'OVERLIMIT') {
        reasons = ['FAIL_CLOSED'];
      }
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
    if (decision === 'TURN_BACK' && context.stationId !== null) {
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

  /**
   * checkPermit with the gate's own station (SPEC §4.6 rule 1, §4.9). When neither store could say, the
   * failure mode decides, as it does for the listing: open lets the permit stand, closed does not.
   */
  private permitCovers(
    permit: PermitRecord | null | undefined,
    source: GateSource,
    use: Parameters<typeof checkPermit>[1],
  ): boolean {
    if (permit === undefined) return source === 'fail-open';
    return checkPermit(permit, use) === null;
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
      return { source: 'database', listing: row ? listingFromRow(row) : null };
    } catch {
      return { source: this.failureSource(), listing: null };
    }
  }

  /** lookup(), with the permit read in the same round trip from whichever store answers. */
  private async lookupWithPermit(key: string, permitNo: string): Promise<LookupWithPermit> {
    try {
      const cached = await bounded(this.cache.lookupWithPermit(key, permitNo), this.redisBudgetMs, 'Redis');
      if (cached.current) return { source: 'cache', listing: cached.listing, permit: cached.permit };
    } catch {
      // fall through to the database
    }
    try {
      const found = await this.store.findActiveListingAndPermit(key, permitNo);
      return {
        source: 'database',
        listing: found.listing ? listingFromRow(found.listing) : null,
        permit: found.permit,
      };
    } catch {
      return { source: this.failureSource(), listing: null, permit: undefined };
    }
  }

  private failureSource(): GateSource {
    return this.rules.failureMode === 'open' ? 'fail-open' : 'fail-closed';
  }
}

function listingFromRow(row: ActiveListingRow): CachedListing {
  return { id: row.id, status: row.status, listedAt: row.listedAt.toISOString(), violationCount: row.violationCount };
}
