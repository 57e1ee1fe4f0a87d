import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { parseAuditAnchor } from '@oc/contracts';
import type { AuditAnchor } from '@oc/domain';

export interface AuditAnchorsRead {
  anchors: AuditAnchor[];
  /** Records that are not anchors at all (not JSON, missing or extra fields). */
  malformed: number;
}

/**
 * Reads `audit.anchors.v1` from its beginning to its end as of the call (SPEC §4.7: verification reads
 * every anchor; the topic grows by one small record per interval). A consumer group of its own per
 * reading, committing nothing, so that two verifications never share partitions or move each other on.
 */
export async function readAuditAnchors(
  kafka: Kafka,
  topic: string,
  { groupPrefix, timeoutMs = 60_000 }: { groupPrefix: string; timeoutMs?: number },
): Promise<AuditAnchorsRead> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string; low: string }[];
  try {
    // No topic yet (ingest, which creates it, never ran here): no anchor, which the verification reports
    // as a gap once sealed entries are older than the allowance.
    if (!(await admin.listTopics()).includes(topic)) return { anchors: [], malformed: 0 };
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(
    ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high) - 1n]),
  );
  const read: AuditAnchorsRead = { anchors: [], malformed: 0 };
  if (remaining.size === 0) return read;

  const consumer = kafka.consumer({
    groupId: `${groupPrefix}.audit-verify.${randomBytes(6).toString('hex')}`,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`could not read ${topic} to its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const last = remaining.get(batch.partition);
            if (last === undefined) return;
            for (const message of batch.messages) {
              if (BigInt(message.offset) > last) break;
              const parsed = parseAuditAnchor(message.value);
              if (parsed.ok) read.anchors.push(parsed.anchor);
              else read.malformed += 1;
            }
            if (BigInt(batch.lastOffset()) >= last) remaining.delete(batch.partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return read;
}
