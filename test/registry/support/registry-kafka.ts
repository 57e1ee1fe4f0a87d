import { ConfigResourceTypes, IHeaders, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { citizenIdCheckChar, creditCodeCheckChar } from '@oc/domain';
import { Scenario } from '../../harness/scenario';
import { eventually } from '../../harness/services';

/** A registry record on its topic: key and JSON value, or a tombstone (value null). */
export interface RegistryMessage {
  key: string | null;
  value: string | null;
}

/**
 * Produces to any topic of a scenario (Scenario.produce writes the weighing topic only) and waits for
 * ingest's group to commit it. The topics must exist: ingest creates them at start, compacted.
 */
export class RegistryTopics {
  private producer?: Producer;

  constructor(private readonly s: Scenario) {}

  async produce(topic: string, messages: RegistryMessage[]): Promise<void> {
    if (!this.producer) {
      // Idempotent: a send retried after a lost reply must not write a record twice (the tests count
      // the dead letters of each record).
      this.producer = this.s.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await this.producer.connect();
    }
    await this.producer.send({ topic, acks: -1, messages });
  }

  /** Waits until ingest's group committed every offset of `topic`. */
  async waitUntilConsumed(topic: string, timeoutMs = 60000): Promise<void> {
    const admin = this.s.kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId: `${this.s.topicPrefix}ingest`, topics: [topic] });
          return ends.every((e) => {
            const c = committed!.partitions.find((p) => p.partition === e.partition);
            return e.high === '0' || (c !== undefined && BigInt(c.offset) >= BigInt(e.high));
          });
        },
        { timeoutMs, what: `ingest to commit every offset of ${topic}`, intervalMs: 250 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The cleanup.policy of each topic, as the broker has it. A topic created a moment ago may be refused
   * by DescribeConfigs for a while (UNKNOWN_TOPIC_OR_PARTITION, retriable) although it has its leaders:
   * retried for up to 15 s; any other error fails at once.
   */
  async cleanupPolicies(names: string[]): Promise<Record<string, string>> {
    const admin = this.s.kafka.admin();
    await admin.connect();
    try {
      const describe = () =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
        });
      const { resources } = await eventually(
        () =>
          describe().catch((error: { retriable?: boolean }) => {
            if (!error.retriable) throw error;
            return undefined;
          }),
        { what: `DescribeConfigs of ${names.join(', ')}`, timeoutMs: 15000, intervalMs: 200 },
      );
      return Object.fromEntries(
        resources.map((r) => [
          r.resourceName,
          r.configEntries.find((e) => e.configName === 'cleanup.policy')!.configValue,
        ]),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}

/** The SPEC §3 headers of a dead letter, decoded. */
export function letterHeaders(m: KafkaMessage): {
  code: string;
  detail: { field: string; message: string }[];
  topic: string;
  partition: number;
  offset: string;
  failedAt: string;
} {
  const h = m.headers as IHeaders;
  const text = (name: string): string => {
    const value = h[name];
    if (value === undefined) throw new Error(`dead letter without the ${name} header`);
    return value.toString();
  };
  return {
    code: text('error-code'),
    detail: JSON.parse(text('error-detail')) as { field: string; message: string }[],
    topic: text('original-topic'),
    partition: Number(text('original-partition')),
    offset: text('original-offset'),
    failedAt: text('failed-at'),
  };
}

/** A well-formed 公民身份号码 (GB 11643 check character) for test owner `serial`. */
export function personIdNo(serial: number): string {
  const first17 = `33050219850101${String(serial % 1000).padStart(3, '0')}`;
  return first17 + citizenIdCheckChar(first17);
}

/** A well-formed 统一社会信用代码 (GB 32100 check character) for test company `serial`. */
export function companyIdNo(serial: number): string {
  const first17 = `91330500MA2C${String(serial % 100000).padStart(5, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}
