import { IHeaders, KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetter {
  message: KafkaMessage;
  topic: string;
  partition: number;
  code: string;
  details: { field: string; message: string }[];
}

/**
 * Sends invalid messages, unchanged, to the dead-letter topic with the reason in headers (SPEC §3).
 * Awaited before the offsets are committed, so a message is never lost between the two.
 */
export async function publishDeadLetters(
  producer: Producer,
  dlqTopic: string,
  letters: DeadLetter[],
  failedAt: Date,
): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    topic: dlqTopic,
    acks: -1,
    messages: letters.map((l) => ({
      key: l.message.key,
      value: l.message.value,
      headers: {
        ...(l.message.headers as IHeaders | undefined),
        'error-code': l.code,
        'error-detail': JSON.stringify(l.details),
        'original-topic': l.topic,
        'original-partition': String(l.partition),
        'original-offset': l.message.offset,
        'failed-at': failedAt.toISOString(),
      },
    })),
  });
}
