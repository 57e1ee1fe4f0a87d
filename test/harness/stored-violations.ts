import type { CreditRecountService } from '@oc/credit';
import { WeighingRepository, type DatabaseConnection, type NewWeighing } from '@oc/persistence';

/** A laden two-axle truck at 21,000 kg against its 18,000 kg limit, classified VIOLATION as ingest classifies it. */
export function violatingWeighing(
  plate: string,
  eventId: string,
  measuredAt: Date,
  kafkaOffset: string,
  evidence: NewWeighing['evidence'] = null,
): NewWeighing {
  return {
    eventId,
    source: 'TOLL_ENTRY',
    stationId: '330500001',
    laneId: null,
    measuredAt,
    plate,
    plateColor: 1,
    vehicleKey: `1:${plate}`,
    axles: 2,
    combination: false,
    singleDriveAxle: false,
    grossWeightKg: 21000,
    cargo: 'LADEN',
    permitNo: null,
    evidence,
    classification: 'VIOLATION',
    limitKg: 18000,
    overKg: 3000,
    suggestedFineYuan: 1500,
    permitCheck: null,
    kafkaTopic: 't',
    kafkaPartition: 0,
    kafkaOffset,
  };
}

/**
 * Stores one violating weighing of `plate` at each instant as ingest stores them: each in its own
 * transaction, recounted `recountAfterMs` after its measurement (or, `together`, all in one transaction
 * recounted at the last). Event ids are `${plate}-${i}`. Returns the vehicle key.
 */
export async function storeViolations(
  db: DatabaseConnection,
  recount: CreditRecountService,
  plate: string,
  measuredAts: readonly Date[],
  options: {
    recountAfterMs?: number;
    together?: boolean;
    evidence?: (i: number) => NewWeighing['evidence'];
    /** Kafka offsets must differ across calls in one database only if a test reads them; default i. */
    offset?: (i: number) => string;
  } = {},
): Promise<string> {
  const key = `1:${plate}`;
  const ds = await db.ready();
  const weighings = measuredAts.map((at, i) =>
    violatingWeighing(plate, `${plate}-${i}`, at, options.offset?.(i) ?? String(i), options.evidence?.(i) ?? null),
  );
  const after = options.recountAfterMs ?? 5_000;
  const batches = options.together ? [weighings] : weighings.map((w) => [w]);
  for (const batch of batches) {
    await ds.transaction(async (m) => {
      const { violations: created } = await new WeighingRepository().storeBatch(m, batch);
      await recount.recount(m, [key], {
        now: new Date(batch[batch.length - 1]!.measuredAt.getTime() + after),
        actor: 'system',
        newViolationIds: new Set(created.map((c) => c.id)),
      });
    });
  }
  return key;
}
