import { Kafka } from 'kafkajs';
import { registryTopicNames, topics } from '@oc/contracts';
import { DLQ_TOPIC_CONFIG } from './dead-letter.publisher';

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

/**
 * The configuration of the product's topics (ingest creates them; the CLI and tests that produce first do too): every dead-letter topic with room for any original
 * message plus its headers, the registry topics compacted (SPEC §4.9: the latest record per key, a
 * tombstone deletes; a new consumer group still reads every registration). A dead-letter topic is
 * never compacted: two bad records under one key are two letters.
 */
export function topicConfigs(prefix: string): Record<string, Record<string, string>> {
  const names = topics(prefix);
  const configs: Record<string, Record<string, string>> = {};
  for (const [name, topic] of Object.entries(names)) if (name.endsWith('Dlq')) configs[topic] = DLQ_TOPIC_CONFIG;
  for (const topic of registryTopicNames(prefix)) configs[topic] = { 'cleanup.policy': 'compact' };
  return configs;
}
