import { weighEventContentHash } from '@oc/contracts';
import { eventually, testServices } from '../../../../test/harness/services';
import { createDataSource } from '../data-source';
import { dropDatabase, migrate } from '../database-admin';
import { DatabaseConnection } from '../database.module';
import { AddWeighingContentHash1764838800000 } from '../migrations/1764838800000-AddWeighingContentHash';
import { NewWeighing, WeighingRepository } from './weighing.repository';

/** A laden six-axle combination at 52 t against its 49 t limit: a VIOLATION. */
function weighing(eventId: string, offset: string, patch: Partial<NewWeighing> = {}): NewWeighing {
  return {
    eventId,
    source: 'TOLL_ENTRY',
    stationId: '330500001',
    laneId: 'L3',
    measuredAt: new Date('2026-11-26T09:59:00.123Z'),
    plate: '浙E12345',
    plateColor: 1,
    vehicleKey: '1:浙E12345',
    axles: 6,
    combination: true,
    singleDriveAxle: false,
    grossWeightKg: 52000,
    cargo: 'LADEN',
    permitNo: null,
    evidence: { imageUrls: ['https://cam.example/1.jpg'], deviceCertNo: 'JJG-1' },
    classification: 'VIOLATION',
    limitKg: 49000,
    overKg: 3000,
    suggestedFineYuan: 1000,
    permitCheck: null,
    kafkaTopic: 'weighing.events.v1',
    kafkaPartition: 2,
    kafkaOffset: offset,
    ...patch,
  };
}

describe('WeighingRepository.storeBatch: repeated eventIds (real Postgres, SPEC §3)', () => {
  const url = testServices().databaseUrlFor(`oc_it_weighings_${process.pid}`);
  let db: DatabaseConnection;
  const repo = new WeighingRepository();

  beforeAll(async () => {
    await migrate(url);
    db = new DatabaseConnection(createDataSource({ databaseUrl: url, applicationName: 'weighings-it', poolSize: 4 }));
  });
  afterAll(async () => {
    await db.onApplicationShutdown();
    await dropDatabase(url);
  });

  const store = async (rows: NewWeighing[]) => (await db.ready()).transaction((m) => repo.storeBatch(m, rows));
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await db.ready()).query(sql, params) as Promise<T[]>;

  it('keeps a redelivery of the same content a no-op, in the batch and across batches', async () => {
    const first = await store([weighing('same-1', '10'), weighing('same-1', '11', { kafkaPartition: 5 })]);
    expect(first.violations.map((v) => v.eventId)).toEqual(['same-1']);
    expect(first.conflicts).toEqual([]);
    const again = await store([weighing('same-1', '99', { kafkaTopic: 'elsewhere' })]);
    expect(again).toEqual({ violations: [], conflicts: [] });
    expect(await query(`SELECT kafka_offset FROM weighings WHERE event_id = 'same-1'`)).toEqual([
      { kafka_offset: '10' },
    ]);
    expect(await query(`SELECT count(*)::int AS n FROM violations WHERE event_id = 'same-1'`)).toEqual([{ n: 1 }]);
  });

  it('reports a repeat with other content in the same batch; the first of the batch is stored', async () => {
    const result = await store([
      weighing('dup-batch-1', '20'),
      weighing('dup-batch-1', '21', { grossWeightKg: 60000, plate: '浙E54321', vehicleKey: '1:浙E54321' }),
      weighing('dup-batch-1', '22'),
    ]);
    expect(result.violations.map((v) => v.eventId)).toEqual(['dup-batch-1']);
    expect(result.conflicts).toEqual([
      {
        index: 1,
        eventId: 'dup-batch-1',
        differences: ['plate', 'grossWeightKg'],
        storedFrom: { topic: 'weighing.events.v1', partition: 2, offset: '20' },
      },
    ]);
    expect(await query(`SELECT gross_weight_kg, kafka_offset FROM weighings WHERE event_id = 'dup-batch-1'`)).toEqual([
      { gross_weight_kg: 52000, kafka_offset: '20' },
    ]);
  });

  it('reports a repeat with other content in a later batch, against the stored event, and stores the rest', async () => {
    await store([weighing('dup-later-1', '30')]);
    const result = await store([
      weighing('fresh-1', '40'),
      weighing('dup-later-1', '41', { evidence: null }),
      weighing('dup-later-1', '42'),
    ]);
    expect(result.violations.map((v) => v.eventId)).toEqual(['fresh-1']);
    expect(result.conflicts).toEqual([
      {
        index: 1,
        eventId: 'dup-later-1',
        differences: ['evidence'],
        storedFrom: { topic: 'weighing.events.v1', partition: 2, offset: '30' },
      },
    ]);
  });

  it('sees the conflicting row of a concurrent batch that committed while it waited', async () => {
    const ds = await db.ready();
    const other = ds.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      await repo.storeBatch(other.manager, [weighing('dup-race-1', '50', { kafkaPartition: 0 })]);
      // Waits on the uncommitted row's unique index entry, then finds it committed.
      const waiting = store([weighing('dup-race-1', '60', { kafkaPartition: 1, axles: 5 })]);
      await eventually(
        async () =>
          (
            await query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).length > 0,
        { timeoutMs: 5000, what: 'the second batch to wait for the first' },
      );
      await other.commitTransaction();
      const result = await waiting;
      expect(result.violations).toEqual([]);
      expect(result.conflicts).toEqual([
        expect.objectContaining({
          eventId: 'dup-race-1',
          differences: ['axles'],
          storedFrom: { topic: 'weighing.events.v1', partition: 0, offset: '50' },
        }),
      ]);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });

  it('compares field by field where a row has no stored hash', async () => {
    await store([weighing('no-hash-1', '70')]);
    await query(`UPDATE weighings SET content_hash = NULL WHERE event_id = 'no-hash-1'`);
    expect((await store([weighing('no-hash-1', '71')])).conflicts).toEqual([]);
    expect((await store([weighing('no-hash-1', '72', { cargo: 'EMPTY' })])).conflicts).toEqual([
      expect.objectContaining({ eventId: 'no-hash-1', differences: ['cargo'] }),
    ]);
  });

  it('the migration computes for stored rows the hash ingest computes (canonical form in SQL = in code)', async () => {
    const rows = [
      weighing('mig-1', '80'),
      weighing('mig-2', '81', { laneId: null, evidence: null, permitNo: 'P-浙·1' }),
      weighing('mig-3', '82', { evidence: { imageUrls: [] }, measuredAt: new Date('1969-12-31T23:59:59.999Z') }),
      weighing('mig-4', '83', {
        plate: 'UNKNOWN',
        vehicleKey: '1:UNKNOWN',
        singleDriveAxle: true,
        combination: false,
        evidence: {
          imageUrls: ['https://cam.example/照片 1.jpg', 'https://cam.example/"2".jpg?a=\\b', 'https://c.example/🚚'],
        },
      }),
      weighing('mig-5', '84', { laneId: 'tab\there', cargo: 'UNKNOWN', grossWeightKg: 0, plateColor: 12 }),
    ];
    await store(rows);
    const ids = rows.map((r) => r.eventId);
    const stored = await query<{ event_id: string; content_hash: string }>(
      `SELECT event_id, encode(content_hash, 'hex') AS content_hash FROM weighings WHERE event_id = ANY($1) ORDER BY event_id`,
      [ids],
    );
    expect(stored).toEqual(rows.map((r) => ({ event_id: r.eventId, content_hash: weighEventContentHash(r) })));

    // Down and up again: the rows now get their hash from the migration's SQL.
    const runner = (await db.ready()).createQueryRunner();
    try {
      const migration = new AddWeighingContentHash1764838800000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(
      await query(
        `SELECT event_id, encode(content_hash, 'hex') AS content_hash FROM weighings WHERE event_id = ANY($1) ORDER BY event_id`,
        [ids],
      ),
    ).toEqual(stored);
  });
});
