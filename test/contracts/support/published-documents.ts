import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, KafkaMessage } from 'kafkajs';
import { parse } from 'yaml';
import { eventually } from '../../harness/services';
import { ajvErrors, topicValidators, type TopicValidators } from '../../../libs/contracts/src/asyncapi/validators';

const ROOT = join(__dirname, '..', '..', '..');

/** The AsyncAPI document as committed: what a vendor downloads. */
export const ASYNCAPI_FILE = join(ROOT, 'libs/contracts/asyncapi.yaml');
export const asyncApiText = (): string => readFileSync(ASYNCAPI_FILE, 'utf8');

let cached: Map<string, TopicValidators> | undefined;
/** ajv validators of the committed document, by topic address (without TOPIC_PREFIX). */
export function publishedValidators(): Map<string, TopicValidators> {
  cached ??= topicValidators(parse(asyncApiText()));
  return cached;
}

/** A Kafka message as an outside consumer reads it: key and headers as text, the value as JSON. */
export function asRead(message: KafkaMessage): { key: string | null; value: unknown; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  let value: unknown = null;
  if (message.value) {
    try {
      value = JSON.parse(message.value.toString('utf8'));
    } catch {
      value = message.value.toString('utf8');
    }
  }
  return { key: message.key?.toString('utf8') ?? null, value, headers };
}

/**
 * Every way a message breaks the published document for its topic (address without prefix): payload,
 * key and, where the document has them, headers. Empty when it conforms.
 */
export function violationsOf(address: string, message: KafkaMessage): string[] {
  const v = publishedValidators().get(address);
  if (!v) return [`no channel for ${address}`];
  const read = asRead(message);
  const problems: string[] = [];
  if (!v.payload(read.value)) problems.push(`payload: ${ajvErrors(v.payload)}`);
  if (!v.key(read.key)) problems.push(`key ${JSON.stringify(read.key)}: ${ajvErrors(v.key)}`);
  if (v.headers && !v.headers(read.headers)) problems.push(`headers: ${ajvErrors(v.headers)}`);
  return problems;
}

/** The number of messages each topic holds now (high minus low watermark, summed over partitions). */
export async function topicCounts(kafka: Kafka, topics: string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const counts = new Map<string, number>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      counts.set(
        topic,
        offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0),
      );
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/** Every message of the topics from the beginning to their end now, with one consumer (one group join). */
export interface ReadMessage {
  partition: number;
  message: KafkaMessage;
}
export async function readToEnd(kafka: Kafka, groupId: string, topics: string[]): Promise<Map<string, ReadMessage[]>> {
  const counts = await topicCounts(kafka, topics);
  const seen = new Map<string, ReadMessage[]>(topics.map((t) => [t, []]));
  const done = () => topics.every((t) => seen.get(t)!.length >= counts.get(t)!);
  if (done()) return seen;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => void seen.get(topic)!.push({ partition, message }),
    });
    await eventually(done, { what: `every message of ${topics.length} topics`, timeoutMs: 30000 });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** The payload schema of a topic's message as the committed document has it (a tombstone alternative left out). */
export function publishedPayloadSchema(address: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed document, read loosely
  const doc = parse(asyncApiText()) as any;
  const channel = Object.values(
    doc.channels as Record<string, { address: string; messages: Record<string, { $ref: string }> }>,
  ).find((c) => c.address === address)!;
  const message = doc.components.messages[Object.values(channel.messages)[0]!.$ref.split('/').pop()!];
  const schema = doc.components.schemas[(message.payload.$ref as string).split('/').pop()!];
  return schema.anyOf ? schema.anyOf[0] : schema;
}
