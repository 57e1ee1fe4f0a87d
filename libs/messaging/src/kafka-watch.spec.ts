import type { PartitionMetadata } from 'kafkajs';
import { partitionLags, underReplicatedPartitions } from './kafka-watch';

describe('partitionLags (ingest_consumer_lag)', () => {
  it('is the high watermark minus the committed offset, per partition', () => {
    expect(
      partitionLags(
        'w',
        [
          { partition: 1, high: '120', low: '0' },
          { partition: 0, high: '50', low: '0' },
        ],
        [
          { partition: 0, offset: '50' },
          { partition: 1, offset: '100' },
        ],
      ),
    ).toEqual([
      { topic: 'w', partition: 0, committed: 50, high: 50, lag: 0 },
      { topic: 'w', partition: 1, committed: 100, high: 120, lag: 20 },
    ]);
  });

  it('counts what is retained on a partition the group never committed (-1, or absent from the answer)', () => {
    expect(
      partitionLags(
        'w',
        [
          { partition: 0, high: '30', low: '10' },
          { partition: 1, high: '7', low: '0' },
          { partition: 2, high: '0', low: '0' },
        ],
        [{ partition: 0, offset: '-1' }],
      ).map((p) => [p.partition, p.committed, p.lag]),
    ).toEqual([
      [0, -1, 20],
      [1, -1, 7],
      [2, -1, 0],
    ]);
  });

  it('is never negative (a watermark read just before a commit)', () => {
    expect(partitionLags('w', [{ partition: 0, high: '5', low: '0' }], [{ partition: 0, offset: '6' }])[0]!.lag).toBe(
      0,
    );
  });
});

describe('underReplicatedPartitions (kafka_under_replicated_partitions)', () => {
  const partition = (leader: number, replicas: number[], isr: number[]): PartitionMetadata => ({
    partitionErrorCode: 0,
    partitionId: 0,
    leader,
    replicas,
    isr,
  });

  it('counts partitions with fewer in-sync replicas than replicas, and those without a leader', () => {
    expect(
      underReplicatedPartitions([
        partition(1, [1, 2, 3], [1, 2, 3]),
        partition(2, [1, 2, 3], [2, 3]),
        partition(-1, [1], [1]),
        partition(1, [1], [1]),
      ]),
    ).toBe(2);
  });
});
