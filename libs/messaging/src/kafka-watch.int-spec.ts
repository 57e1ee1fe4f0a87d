import { loadConfig } from '@oc/config';
import { topics } from '@oc/contracts';
import { testServices } from '../../../test/harness/services';
import { DEV_KAFKA_PRINCIPALS, grantKafkaAcls, INGEST_CONSUMES, kafkaAcls } from './kafka-acls';
import { KafkaWatch } from './kafka-watch';
import { ensureTopics, topicConfigs } from './topic-admin';

describe('KafkaWatch (real Kafka, each app logged in as its own principal)', () => {
  const services = testServices();
  const prefix = `${services.topicPrefix}kafka-watch-${Date.now()}.`;
  const group = `${prefix}ingest`;
  const names = topics(prefix);
  const consumed = INGEST_CONSUMES.map((key) => names[key]);
  const watchAs = (principal: string) =>
    new KafkaWatch(loadConfig({ KAFKA_BROKERS: services.kafkaBrokers, ...services.kafkaLogin(principal) }), 'it');
  const watches: KafkaWatch[] = [];
  /** The weighing topic's high watermarks as the harness's admin reads them (a retried send may have doubled a batch). */
  let highs: number[] = [];
  const watch = (principal: string) => {
    const w = watchAs(principal);
    watches.push(w);
    return w;
  };

  beforeAll(async () => {
    const kafka = services.kafka('kafka-watch-it');
    if (services.kafkaPrincipalsFile) await grantKafkaAcls(kafka, kafkaAcls(prefix, group, DEV_KAFKA_PRINCIPALS));
    await ensureTopics(kafka, Object.values(names), 2, topicConfigs(prefix));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: names.weighingEvents,
      acks: -1,
      messages: [
        ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, key: `a${i}`, value: '{}' })),
        ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, key: `b${i}`, value: '{}' })),
      ],
    });
    await producer.disconnect();
    // The ingest group has read two messages of partition 0 and nothing of partition 1.
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: group,
      topic: names.weighingEvents,
      partitions: [{ partition: 0, offset: '2' }],
    });
    const ends = await admin.fetchTopicOffsets(names.weighingEvents);
    highs = [0, 1].map((p) => Number(ends.find((e) => e.partition === p)!.high));
    await admin.disconnect();
    expect(highs[0]).toBeGreaterThanOrEqual(5);
    expect(highs[1]).toBeGreaterThanOrEqual(3);
  });
  afterAll(() => Promise.all(watches.map((w) => w.close())));

  // staff-api reports the lag while ingest is down (docs/operations.md "Alerts"): with its own login,
  // under the ACLs of kafka-acls.ts (DESCRIBE on the group and the consumed topics).
  it.each([DEV_KAFKA_PRINCIPALS.ingest, DEV_KAFKA_PRINCIPALS.staffApi])(
    "reads the ingest group's lag per partition as %s",
    async (principal) => {
      const lag = await watch(principal).lag(group, consumed);
      expect(lag.filter((p) => p.topic === names.weighingEvents)).toEqual([
        { topic: names.weighingEvents, partition: 0, committed: 2, high: highs[0], lag: highs[0]! - 2 },
        { topic: names.weighingEvents, partition: 1, committed: -1, high: highs[1], lag: highs[1] },
      ]);
      expect(lag).toHaveLength(consumed.length * 2);
      expect(lag.filter((p) => p.topic !== names.weighingEvents && p.lag !== 0)).toEqual([]);
    },
  );

  it('counts the brokers, and finds every partition of a one-broker cluster fully replicated', async () => {
    const ingest = watch(DEV_KAFKA_PRINCIPALS.ingest);
    expect(await ingest.brokers()).toBeGreaterThanOrEqual(1);
    expect(await ingest.underReplicated(Object.values(names))).toBe(0);
    expect(await watch(DEV_KAFKA_PRINCIPALS.gateApi).brokers()).toBeGreaterThanOrEqual(1);
  });

  it('is refused the lag where the ACLs give no DESCRIBE (the gate), and works again on the next call', async () => {
    if (!services.kafkaPrincipalsFile) return; // an open broker (testcontainers) refuses nothing
    const gate = watch(DEV_KAFKA_PRINCIPALS.gateApi);
    // TOPIC_AUTHORIZATION_FAILED, or GROUP_AUTHORIZATION_FAILED, which kafkajs reports as no coordinator.
    await expect(gate.lag(group, consumed)).rejects.toThrow(/authoriz|group coordinator/i);
    expect(await gate.brokers()).toBeGreaterThanOrEqual(1);
  });
});
