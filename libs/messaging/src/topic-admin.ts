import { Kafka } from 'kafkajs';

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
    return missing;
  } catch (error) {
    // Another instance created them in the meantime.
    if ((error as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return [];
    throw error;
  } finally {
    await admin.disconnect();
  }
}
