import { Admin, Kafka } from 'kafkajs';
import { registryTopicNames, topics } from '@oc/contracts';
import { DLQ_TOPIC_CONFIG } from './dead-letter.publisher';

export const AUDIT_ANCHOR_TOPIC_CONFIG: Record<string, string> = { 'cleanup.policy': 'delete', 'retention.ms': '-1' };

/**
 * Creates the topics that are missing (SPEC §5: ingest never relies on broker auto-creation).
 * Existing topics are left as they are, whatever their partition count.
 */
export async function ensureTopics(
  kafka: Kafka,
  names: string[],
  partitions: number,
  configs: Record<string, Record<string, string>> = {},
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = names.filter((n) => !existing.has(n));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: 1,
          ...(configs[topic]
            ? { configEntries: Object.entries(configs[topic]).map(([name, value]) => ({ name, value })) }
            : {}),
        })),
      });
    }
    await untilLed(admin, names);
    return missing;
  } catch (error) {
    // Another instance created them in the meantime: they are usable once they have leaders.
    if ((error as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') {
      await untilLed(admin, names);
      return [];
    }
    throw error;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A topic just created (here, or by another instance at the same moment) may not be known to the
 * broker's metadata yet: a consumer subscribing then is told UNKNOWN_TOPIC_OR_PARTITION. Waits until
 * every partition of every topic has a leader, at most `timeoutMs`.
 */
async function untilLed(admin: Admin, names: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: names });
      const led =
        described.length === names.length &&
        described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (led) return;
      if (Date.now() > deadline) throw new Error(`topics have no leader after ${timeoutMs} ms: ${names.join(', ')}`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The configuration of the product's topics (ingest creates them; the CLI and tests that produce first do too): every dead-letter topic with room for any original
 * message plus its headers, the registry topics compacted (SPEC §4.9: the latest record per key, a
 * tombstone deletes; a new consumer group still reads every registration). A dead-letter topic is
 * never compacted: two bad records under one key are two letters. The audit anchors are kept, neither
 * compacted (compaction would keep only the latest anchor of their one key, and a gap in them is what
 * verification reports) nor deleted by age (an anchor proves the chain up to its entry for as long as
 * it exists; docs/operations.md "Audit anchors").
 */
export function topicConfigs(prefix: string): Record<string, Record<string, string>> {
  const names = topics(prefix);
  const configs: Record<string, Record<string, string>> = {};
  for (const [name, topic] of Object.entries(names)) if (name.endsWith('Dlq')) configs[topic] = DLQ_TOPIC_CONFIG;
  for (const topic of registryTopicNames(prefix)) configs[topic] = { 'cleanup.policy': 'compact' };
  configs[names.auditAnchors] = AUDIT_ANCHOR_TOPIC_CONFIG;
  return configs;
}
