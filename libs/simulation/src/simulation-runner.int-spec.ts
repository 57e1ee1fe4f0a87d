import { KafkaMessage } from 'kafkajs';
import { REGISTRY_KINDS, topics, validateRegistryRecord, type RegistryKind } from '@oc/contracts';
import { ensureTopics } from '@oc/messaging';
import { eventually, testServices } from '../../../test/harness/services';
import { registryMessages, simulatedRegistry } from './simulated-registry';
import { runSimulation, type SimulationOptions } from './simulation-runner';

describe('runSimulation (real Kafka)', () => {
  const services = testServices();
  const kafka = services.kafka('sim-it');
  let world = 0;
  /** A fresh set of topics per test, with the product's names under a prefix of its own. */
  const freshTopics = async () => {
    const names = topics(`${services.topicPrefix}sim-it-${Date.now()}-${world++}.`);
    await ensureTopics(kafka, Object.values(names), 2);
    return names;
  };
  const readTopic = async (topic: string, count: number): Promise<KafkaMessage[]> => {
    const consumer = kafka.consumer({ groupId: `${topic}.reader` });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
      await eventually(() => seen.length >= count, { timeoutMs: 30000, what: `${count} messages on ${topic}` });
      return seen;
    } finally {
      await consumer.disconnect();
    }
  };
  const messagesOn = async (topic: string): Promise<number> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    } finally {
      await admin.disconnect();
    }
  };
  const base = { rate: 40, durationSeconds: 1, vehicles: 80, seed: 21, backfillDays: 0 };

  it('publishes stations, vehicles and permits, keyed per SPEC §4.9, before any weighing', async () => {
    const names = await freshTopics();
    const before = new Date();
    const progress = await runSimulation(
      kafka,
      { ...base, topic: names.weighingEvents },
      () => undefined,
      () => false,
    );
    const registry = simulatedRegistry({ seed: 21, vehicles: 80, at: before });
    const topicOf: Record<RegistryKind, string> = {
      stations: names.registryStations,
      vehicles: names.registryVehicles,
      permits: names.registryPermits,
    };
    expect(progress.registries).toEqual({
      stations: registry.stations.length,
      vehicles: 80,
      permits: registry.permits.length,
    });
    expect(progress.sent).toBeGreaterThan(0);
    const weighings = await readTopic(names.weighingEvents, progress.sent);
    const firstWeighing = Math.min(...weighings.map((m) => Number(m.timestamp)));
    const published: number[] = [];
    for (const kind of REGISTRY_KINDS) {
      const expected = registryMessages(kind, registry[kind] as never[]);
      const got = await readTopic(topicOf[kind], expected.length);
      // Distinct records: a producer retry may repeat one (at least once), harmless on a compacted topic.
      const distinct = (ms: { key: string; value: string }[]) =>
        [...new Set(ms.map((m) => `${m.key} ${m.value}`))].sort();
      expect(distinct(got.map((m) => ({ key: m.key!.toString(), value: m.value!.toString() })))).toEqual(
        distinct(expected),
      );
      for (const m of got) {
        const result = validateRegistryRecord(kind, JSON.parse(m.value!.toString()), m.key!.toString());
        expect(result.ok).toBe(true);
      }
      published.push(...got.map((m) => Number(m.timestamp)));
    }
    expect(Math.max(...published)).toBeLessThanOrEqual(firstWeighing);
  });

  it('waits for the ingest group to consume the registries, and sends no weighing while it has not', async () => {
    const names = await freshTopics();
    const options: SimulationOptions = {
      ...base,
      topic: names.weighingEvents,
      awaitRegistries: { groupId: `${names.weighingEvents}.absent-ingest`, timeoutMs: 1500 },
    };
    await expect(
      runSimulation(
        kafka,
        options,
        () => undefined,
        () => false,
      ),
    ).rejects.toThrow(/has not consumed the registries/);
    const vehicles = await readTopic(names.registryVehicles, 80);
    // At least once, as Kafka producers are: a retried batch may repeat records, which a compacted topic
    // (latest record per key) makes harmless.
    expect(new Set(vehicles.map((m) => m.key!.toString())).size).toBe(80);
    expect(await messagesOn(names.weighingEvents)).toBe(0);

    // A consumer standing in for ingest: once it has committed the registries, the traffic follows.
    const groupId = `${names.weighingEvents}.ingest`;
    const ingest = kafka.consumer({ groupId });
    await ingest.connect();
    try {
      await ingest.subscribe({
        topics: [names.registryStations, names.registryVehicles, names.registryPermits],
        fromBeginning: true,
      });
      await ingest.run({ eachMessage: async () => undefined });
      const progress = await runSimulation(
        kafka,
        { ...options, awaitRegistries: { groupId, timeoutMs: 30000 } },
        () => undefined,
        () => false,
      );
      expect(progress.sent).toBeGreaterThan(0);
    } finally {
      await ingest.disconnect();
    }
  });
});
