import { topics } from '@oc/contracts';
import { testServices } from '../../../test/harness/services';
import { ensureTopics, topicConfigs } from './topic-admin';

describe('ensureTopics (real Kafka)', () => {
  const services = testServices();
  const client = (id: string) => services.kafka(id);

  // Two ingests of one deployment start together: both create the product's topics, one of them is
  // told TOPIC_ALREADY_EXISTS. Each must return only when the topics can be subscribed to; before this,
  // the loser's consumer was told UNKNOWN_TOPIC_OR_PARTITION and the process exited.
  it('returns only once every partition has a leader, also when another instance has just created them', async () => {
    const prefix = `${services.topicPrefix}topic-admin-${Date.now()}.`;
    const names = Object.values(topics(prefix));
    const [a, b] = [client('topic-admin-a'), client('topic-admin-b')];
    // The other instance's request has just been accepted: the topics are listed, their leaders may
    // not be elected yet.
    const other = a.admin();
    await other.connect();
    await other.createTopics({ waitForLeaders: false, topics: names.map((topic) => ({ topic, numPartitions: 6 })) });
    await other.disconnect();
    await ensureTopics(b, names, 6, topicConfigs(prefix));

    const admin = b.admin();
    await admin.connect();
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: names });
      expect(described.map((t) => t.name).sort()).toEqual([...names].sort());
      for (const t of described) {
        expect(t.partitions).toHaveLength(6);
        expect(t.partitions.filter((p) => p.leader < 0)).toEqual([]);
      }
    } finally {
      await admin.disconnect();
    }
    // And a consumer subscribes at once, without a retry of its own.
    const consumer = b.consumer({ groupId: `${prefix}subscriber`, retry: { retries: 0 } });
    await consumer.connect();
    try {
      for (const topic of names) await consumer.subscribe({ topic, fromBeginning: true });
    } finally {
      await consumer.disconnect();
    }
  });
});
