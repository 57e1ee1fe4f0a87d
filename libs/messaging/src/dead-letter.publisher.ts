import { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';

export interface DeadLetter {
  message: KafkaMessage;
  topic: string;
  partition: number;
  code: string;
  details: { field: string; message: string }[];
}

/** The dead letters of one partition batch: a message of it, the error code and the field-level reasons. */
export function deadLettersOf(batch: { topic: string; partition: number }) {
  return (message: KafkaMessage, code: string, details: DeadLetter['details']): DeadLetter => ({
    message,
    topic: batch.topic,
    partition: batch.partition,
    code,
    details,
  });
}

/**
 * The DLQ topic's own size limit (created so by ingest): the original value of any message the broker
 * accepted (≤ 1 MiB by default) plus the reason headers fits.
 */
export const DLQ_TOPIC_CONFIG = { 'max.message.bytes': String(2 * 1024 * 1024) };
/** What is sent in one request; large letters go alone. */
const REQUEST_BUDGET_BYTES = 512 * 1024;
/** When even a lone letter is refused (a DLQ topic created with a smaller limit): keep this much. */
const TRUNCATED_VALUE_BYTES = 64 * 1024;

function toMessage(l: DeadLetter, failedAt: Date, value: Buffer | null, extra: IHeaders = {}): Message {
  return {
    key: l.message.key,
    value,
    headers: {
      ...(l.message.headers as IHeaders | undefined),
      'error-code': l.code,
      'error-detail': JSON.stringify(l.details),
      'original-topic': l.topic,
      'original-partition': String(l.partition),
      'original-offset': l.message.offset,
      'failed-at': failedAt.toISOString(),
      ...extra,
    },
  };
}

const isTooLarge = (error: unknown): boolean =>
  (error as { type?: string }).type === 'MESSAGE_TOO_LARGE' ||
  /larger than the max message size/i.test(String((error as Error).message));

type DeadLetterListener = (letters: readonly DeadLetter[]) => void;
const listeners = new Set<DeadLetterListener>();

/**
 * Calls `listener` with every set of dead letters once the broker has accepted them (the ingest
 * metric `ingest_dead_letters_total`); returns the function that removes it. A listener that throws
 * is ignored: counting must never fail a batch.
 */
export function onDeadLetters(listener: DeadLetterListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Sends invalid messages, unchanged, to the dead-letter topic with the reason in headers (SPEC §3).
 * Awaited before the offsets are committed, so a message is never lost between the two. A letter the
 * broker still refuses as too large is sent with its value cut to 64 KiB and the header
 * `value-truncated-from` (the original size): a partition must never stall on one message.
 */
export async function publishDeadLetters(
  producer: Producer,
  dlqTopic: string,
  letters: DeadLetter[],
  failedAt: Date,
): Promise<void> {
  let chunk: DeadLetter[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const batch = chunk;
    chunk = [];
    bytes = 0;
    try {
      await producer.send({
        topic: dlqTopic,
        acks: -1,
        messages: batch.map((l) => toMessage(l, failedAt, l.message.value)),
      });
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      for (const l of batch) {
        const value = l.message.value;
        try {
          await producer.send({ topic: dlqTopic, acks: -1, messages: [toMessage(l, failedAt, value)] });
        } catch (single) {
          if (!isTooLarge(single) || !value) throw single;
          await producer.send({
            topic: dlqTopic,
            acks: -1,
            messages: [
              toMessage(l, failedAt, value.subarray(0, TRUNCATED_VALUE_BYTES), {
                'value-truncated-from': String(value.length),
              }),
            ],
          });
        }
      }
    }
    for (const listener of listeners) {
      try {
        listener(batch);
      } catch {
        // see onDeadLetters
      }
    }
  };
  for (const letter of letters) {
    const size = letter.message.value?.length ?? 0;
    if (bytes + size > REQUEST_BUDGET_BYTES) await flush();
    chunk.push(letter);
    bytes += size;
  }
  await flush();
}
