import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { VehicleCacheEntry } from '@oc/cache';
import { AppConfig, creditRulesFrom } from '@oc/config';
import { ListingEventType, ListingEventV1, topics } from '@oc/contracts';
import {
  CreditRules,
  deriveCredit,
  DerivedListing,
  ListingChange,
  ListingEnding,
  parseVehicleKey,
  reconcileListings,
  StoredListing,
} from '@oc/domain';
import {
  AuditEntryInput,
  AuditLogRepository,
  CreditRepository,
  ListingWrite,
  OutboxMessage,
  OutboxRepository,
  RegistryLookups,
  VehicleFacts,
  VehicleListingRow,
} from '@oc/persistence';

export interface RecountOptions {
  /** The clock of this change (processing time); derivation uses max(now, latest measuredAt). */
  now: Date;
  actor: string;
  /** Violations created in this transaction: each gets a "recorded" audit entry. */
  newViolationIds?: ReadonlySet<string>;
  /**
   * Audit entries of the action that caused this recount (a revocation, an approved repair): written
   * before the recount's own, in the one append at the end (the chain lock is held only from there).
   */
  leadingAudit?: AuditEntryInput[];
  /**
   * Listing events of that action (a publication, a repair), emitted before the recount's own in the
   * vehicle's outbox rows; the vehicle's final cache entry rides on the last of them.
   */
  leadingEvents?: { listingId: string; type: ListingEventType; at: Date }[];
  /**
   * The end reason of listings this recount revokes (default RECOUNT_BELOW_THRESHOLD); PERMIT_EXEMPTED
   * when a permit record removed the acts, which makes the listing no fact of later counting.
   */
  revocationReason?: string;
}

export interface RecountResult {
  listingsCreated: number;
  listingsEnded: number;
  vehiclesChanged: number;
}

const listingSnapshot = (
  l: Pick<ListingWrite, 'status' | 'listedAt' | 'expiresAt' | 'violationCount' | 'endedAt'>,
) => ({
  status: l.status,
  listedAt: l.listedAt.toISOString(),
  expiresAt: l.expiresAt.toISOString(),
  violationCount: l.violationCount,
  endedAt: l.endedAt?.toISOString() ?? null,
});

/**
 * Recomputes the credit of a set of vehicles from their stored facts, in the caller's transaction:
 * trips, the window count, listings (created, recounted, expired, revoked), each violation's trip and
 * listing, the vehicle state with its cache version, the audit entries and the outbox rows. Ingest,
 * the expiry scheduler and staff actions all come through here, so there is one copy of the rules.
 */
@Injectable()
export class CreditRecountService {
  private readonly rules: CreditRules;
  private readonly listingTopic: string;
  /** Stateless SQL reads of the registries. */
  private readonly lookups = new RegistryLookups();

  constructor(
    config: AppConfig,
    private readonly credit: CreditRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
  ) {
    this.rules = creditRulesFrom(config);
    this.listingTopic = topics(config.TOPIC_PREFIX).listingEvents;
  }

  /** Locks the vehicles (in key order), recounts them, and appends audit entries last. */
  async recount(manager: EntityManager, vehicleKeys: string[], options: RecountOptions): Promise<RecountResult> {
    const keys = [...new Set(vehicleKeys)].sort();
    const result: RecountResult = { listingsCreated: 0, listingsEnded: 0, vehiclesChanged: 0 };
    if (keys.length === 0) return result;
    await this.credit.lockVehicles(manager, keys);
    const facts = await this.credit.loadFacts(manager, keys);

    const plan = new RecountPlan();
    plan.audit.push(...(options.leadingAudit ?? []));
    for (const key of keys) this.planVehicle(key, facts.get(key)!, options, plan);

    await this.attachParties(manager, plan);
    await this.credit.endListings(manager, plan.ends);
    await this.credit.updateListings(manager, plan.updates);
    await this.credit.insertListings(manager, plan.creates);
    await this.credit.assignViolations(manager, plan.assignments);
    const versions = await this.credit.saveStates(
      manager,
      plan.states.map((s) => s.row),
    );

    const outbox: OutboxMessage[] = [];
    for (const { row, events, cacheListing, everListed } of plan.states) {
      // The gate reads a missing entry as "not listed": vehicles never listed need no cache entry.
      if (!everListed) continue;
      const cache: VehicleCacheEntry = {
        vehicleKey: row.vehicleKey,
        version: versions.get(row.vehicleKey)!,
        listing: cacheListing,
      };
      if (events.length === 0) outbox.push({ topic: null, key: row.vehicleKey, payload: { cache } });
      events.forEach((event, i) =>
        outbox.push({
          topic: this.listingTopic,
          key: row.vehicleKey,
          // The vehicle's final cache entry rides on its last event, so the gate never sees a middle state.
          payload: i === events.length - 1 ? { event, cache } : { event },
        }),
      );
    }
    await this.outbox.add(manager, outbox);
    await this.audit.append(manager, plan.audit);

    result.listingsCreated = plan.creates.length;
    result.listingsEnded = plan.ends.length;
    result.vehiclesChanged = plan.states.length;
    return result;
  }

  /**
   * The party of each new listing, from the vehicle registry as it stands now (SPEC §4.9): copied, so a
   * later owner change does not rewrite whom this listing named; null when the vehicle is not
   * registered. Recorded in the listing's creation audit entry too. One read, only when listings are new.
   */
  private async attachParties(manager: EntityManager, plan: RecountPlan): Promise<void> {
    if (plan.creates.length === 0) return;
    const parties = await this.lookups.parties(manager, [...new Set(plan.creates.map((c) => c.vehicleKey))]);
    for (const created of plan.creates) {
      created.party = parties.get(created.vehicleKey) ?? null;
      const entry = plan.creationAudit.get(created.id);
      if (entry?.after) entry.after = { ...entry.after, party: created.party };
    }
  }

  private planVehicle(vehicleKey: string, facts: VehicleFacts, options: RecountOptions, plan: RecountPlan): void {
    const identity = parseVehicleKey(vehicleKey);
    if (!identity) throw new Error(`not a vehicle key: ${vehicleKey}`);
    const counted = facts.violations.filter((v) => v.status !== 'REVOKED');
    const latest = counted.reduce((max, v) => Math.max(max, v.measuredAt.getTime()), 0);
    const now = new Date(Math.max(options.now.getTime(), latest));
    const endings: ListingEnding[] = facts.listings
      .filter(
        (l): l is VehicleListingRow & { status: 'REPAIRED' | 'REVOKED' } =>
          l.status === 'REPAIRED' || l.status === 'REVOKED',
      )
      .filter((l) => l.endedAt !== null)
      .map((l) => ({ listingId: l.id, endedAt: l.endedAt!, status: l.status }));
    const derivation = deriveCredit({
      violations: counted.map((v) => ({ id: v.id, eventId: v.eventId, measuredAt: v.measuredAt })),
      endings,
      rules: this.rules,
      now,
    });
    const stored: StoredListing[] = facts.listings.map((l) => ({
      id: l.id,
      status: l.status,
      listedAt: l.listedAt,
      endedAt: l.endedAt,
      violationIds: counted.filter((v) => v.listingId === l.id).map((v) => v.id),
      violationCount: l.violationCount,
    }));
    const changes = reconcileListings(stored, derivation.listings, options.now);
    // A listing revoked by this recount is a fresh start from now (§4.3): the count shown from here on
    // must not include the trips it held.
    const revoked = changes.flatMap((c) =>
      c.kind === 'REVOKE' ? [{ listingId: c.id, endedAt: c.endedAt, status: 'REVOKED' as const }] : [],
    );
    const counting = revoked.length
      ? deriveCredit({
          violations: counted.map((v) => ({ id: v.id, eventId: v.eventId, measuredAt: v.measuredAt })),
          endings: [...endings, ...revoked],
          rules: this.rules,
          now,
        })
      : derivation;

    // Which stored listing each derived listing is, after the changes.
    const idOf = new Map<DerivedListing, string>();
    const after = new Map<string, ListingWrite>(facts.listings.map((l) => [l.id, { ...l, endReason: null }]));
    const events: ListingEventV1[] = [];
    const event = (type: ListingEventType, l: ListingWrite, at: Date): void => {
      events.push({
        eventId: `${l.id}:${type}`,
        type,
        listingId: l.id,
        plate: identity.plate,
        plateColor: identity.plateColor,
        at: at.toISOString(),
        violationCount: l.violationCount,
      });
    };
    const audit = (
      action: string,
      l: { id: string },
      before: ListingWrite | null,
      afterRow: ListingWrite | null,
      reason: string | null = null,
    ): void => {
      plan.audit.push({
        at: options.now,
        actor: options.actor,
        action,
        entityType: 'listing',
        entityId: l.id,
        before: before ? { vehicleKey, ...listingSnapshot(before) } : null,
        after: afterRow ? { vehicleKey, ...listingSnapshot(afterRow) } : null,
        reason,
      });
    };

    for (const e of options.leadingEvents ?? []) {
      const listing = after.get(e.listingId);
      if (listing) event(e.type, listing, e.at);
    }
    for (const v of facts.violations) {
      if (!options.newViolationIds?.has(v.id)) continue;
      plan.audit.push({
        at: options.now,
        actor: options.actor,
        action: 'VIOLATION_RECORDED',
        entityType: 'violation',
        entityId: v.id,
        before: null,
        after: { vehicleKey, eventId: v.eventId, measuredAt: v.measuredAt.toISOString(), status: v.status },
        reason: null,
      });
    }
    for (const change of changes)
      this.applyChange(change, {
        vehicleKey,
        identity,
        after,
        idOf,
        plan,
        event,
        audit,
        revocationReason: options.revocationReason,
      });

    for (const d of derivation.listings) {
      if (d.listingId) idOf.set(d, d.listingId);
    }
    // A derived listing without a change is its stored listing, unchanged: its violations already point at it.
    const currentListingOf = new Map(facts.violations.map((v) => [v.id, v.listingId]));
    for (const d of derivation.listings) {
      if (!idOf.has(d)) {
        const current = d.violationIds.map((id) => currentListingOf.get(id)).find((id) => id && after.has(id));
        if (current) idOf.set(d, current);
      }
    }

    // Each violation's trip and listing.
    const tripOf = new Map<string, string>();
    for (const trip of derivation.trips) for (const id of trip.violationIds) tripOf.set(id, trip.tripId);
    const listingOf = new Map<string, string>();
    for (const d of derivation.listings) {
      const id = idOf.get(d);
      if (id) for (const v of d.violationIds) listingOf.set(v, id);
    }
    for (const v of facts.violations) {
      if (v.status === 'REVOKED') continue; // a revoked violation keeps its history
      const tripId = tripOf.get(v.id) ?? null;
      const current = v.listingId ? after.get(v.listingId) : undefined;
      const frozenOwner =
        current && (current.status === 'REPAIRED' || current.status === 'REVOKED') ? v.listingId : null;
      const listingId = listingOf.get(v.id) ?? frozenOwner;
      if (tripId !== v.tripId || listingId !== v.listingId) {
        plan.assignments.push({ id: v.id, tripId, listingId });
        if (tripId && tripId !== v.id && tripId !== v.tripId) {
          plan.audit.push({
            at: options.now,
            actor: options.actor,
            action: 'VIOLATION_MERGED',
            entityType: 'violation',
            entityId: v.id,
            before: { tripId: v.tripId },
            after: { tripId },
            reason: 'same journey (TRIP_MERGE_MINUTES)',
          });
        }
      }
    }

    // The vehicle state and what the gate should see.
    const active = [...after.values()].find((l) => l.status === 'LISTED' || l.status === 'PUBLISHED') ?? null;
    const state = active
      ? active.status === 'PUBLISHED'
        ? 'PUBLISHED'
        : 'LISTED'
      : counting.state === 'WATCH'
        ? 'WATCH'
        : 'CLEAR';
    const row = {
      vehicleKey,
      plate: identity.plate,
      plateColor: identity.plateColor,
      state,
      countInWindow: counting.countInWindow,
      activeListingId: active?.id ?? null,
    } as const;
    const previous = facts.state;
    const stateChanged =
      !previous ||
      previous.state !== row.state ||
      previous.countInWindow !== row.countInWindow ||
      previous.activeListingId !== row.activeListingId;
    if (stateChanged || changes.length > 0 || events.length > 0) {
      plan.states.push({
        row,
        events,
        everListed: after.size > 0,
        cacheListing: active
          ? {
              id: active.id,
              status: active.status as 'LISTED' | 'PUBLISHED',
              listedAt: active.listedAt.toISOString(),
              violationCount: active.violationCount,
            }
          : null,
      });
    }
  }

  private applyChange(change: ListingChange, ctx: ChangeContext): void {
    const { vehicleKey, identity, after, idOf, plan, event, audit, revocationReason } = ctx;
    switch (change.kind) {
      case 'EXPIRE':
      case 'REVOKE': {
        const before = after.get(change.id)!;
        const status = change.kind === 'EXPIRE' ? 'EXPIRED' : 'REVOKED';
        const endReason = change.kind === 'EXPIRE' ? 'EXPIRED' : (revocationReason ?? change.reason);
        const ended: ListingWrite = { ...before, status, endedAt: change.endedAt, endReason };
        after.set(change.id, ended);
        plan.ends.push({ id: change.id, status, endedAt: change.endedAt, endReason });
        event(status, ended, change.endedAt);
        audit(change.kind === 'EXPIRE' ? 'LISTING_EXPIRED' : 'LISTING_REVOKED', ended, before, ended, endReason);
        return;
      }
      case 'UPDATE': {
        const before = after.get(change.id)!;
        const d = change.derived;
        const updated: ListingWrite = {
          ...before,
          listedAt: d.listedAt,
          expiresAt: d.expiresAt,
          violationCount: d.violationCount,
          endedAt: before.status === 'EXPIRED' ? d.endedAt : before.endedAt,
        };
        after.set(change.id, updated);
        idOf.set(d, change.id);
        plan.updates.push(updated);
        audit('LISTING_RECOUNTED', updated, before, updated, 'late or revoked violations changed the count');
        return;
      }
      case 'CREATE': {
        const d = change.derived;
        const created: ListingWrite = {
          id: randomUUID(),
          vehicleKey,
          plate: identity.plate,
          plateColor: identity.plateColor,
          status: d.status === 'EXPIRED' ? 'EXPIRED' : 'LISTED',
          listedAt: d.listedAt,
          expiresAt: d.expiresAt,
          violationCount: d.violationCount,
          endedAt: d.status === 'EXPIRED' ? d.endedAt : null,
          endReason: d.status === 'EXPIRED' ? 'EXPIRED' : null,
        };
        after.set(created.id, created);
        idOf.set(d, created.id);
        plan.creates.push(created);
        event('LISTED', created, created.listedAt);
        audit('LISTING_CREATED', created, null, created, `${d.violationCount} acts reached LISTING_THRESHOLD`);
        plan.creationAudit.set(created.id, plan.audit[plan.audit.length - 1]);
        if (created.status === 'EXPIRED') event('EXPIRED', created, created.endedAt!);
        return;
      }
    }
  }
}

interface ChangeContext {
  revocationReason?: string;
  vehicleKey: string;
  identity: { plate: string; plateColor: number };
  after: Map<string, ListingWrite>;
  idOf: Map<DerivedListing, string>;
  plan: RecountPlan;
  event: (type: ListingEventType, l: ListingWrite, at: Date) => void;
  audit: (
    action: string,
    l: { id: string },
    before: ListingWrite | null,
    after: ListingWrite | null,
    reason?: string | null,
  ) => void;
}

class RecountPlan {
  ends: { id: string; status: 'EXPIRED' | 'REVOKED'; endedAt: Date; endReason: string }[] = [];
  updates: ListingWrite[] = [];
  creates: ListingWrite[] = [];
  assignments: { id: string; tripId: string | null; listingId: string | null }[] = [];
  states: {
    row: {
      vehicleKey: string;
      plate: string;
      plateColor: number;
      state: 'CLEAR' | 'WATCH' | 'LISTED' | 'PUBLISHED';
      countInWindow: number;
      activeListingId: string | null;
    };
    events: ListingEventV1[];
    everListed: boolean;
    cacheListing: VehicleCacheEntry['listing'];
  }[] = [];
  audit: AuditEntryInput[] = [];
  /** The LISTING_CREATED entry of each new listing, completed with its party before the append. */
  creationAudit = new Map<string, AuditEntryInput>();
}
