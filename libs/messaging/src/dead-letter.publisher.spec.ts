import type { KafkaMessage, Producer } from 'kafkajs';
import { deadLettersOf, onDeadLetters, publishDeadLetters } from './dead-letter.publisher';

const message = (offset: string, value = 'x'): KafkaMessage =>
  ({ key: null, value: Buffer.from(value), offset, timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;

describe('onDeadLetters (ingest_dead_letters_total)', () => {
  const letter = deadLettersOf({ topic: 'weighing.events.v1', partition: 3 });
  const letters = [letter(message('1'), 'BAD_JSON', []), letter(message('2'), 'UNKNOWN_STATION', [])];

  it('hears the letters once the broker has taken them, with their source topic and code', async () => {
    const heard: string[] = [];
    const stop = onDeadLetters((sent) => heard.push(...sent.map((l) => `${l.topic}/${l.code}`)));
    const send = jest.fn().mockResolvedValue([]);
    try {
      await publishDeadLetters({ send } as unknown as Producer, 'weighing.events.v1.dlq', letters, new Date());
    } finally {
      stop();
    }
    expect(send).toHaveBeenCalledTimes(1);
    expect(heard).toEqual(['weighing.events.v1/BAD_JSON', 'weighing.events.v1/UNKNOWN_STATION']);
  });

  it('hears nothing when the send fails (the batch is retried, not counted), and a throwing listener fails nothing', async () => {
    const heard: unknown[] = [];
    const stops = [
      onDeadLetters(() => {
        throw new Error('a broken listener');
      }),
      onDeadLetters((sent) => heard.push(...sent)),
    ];
    try {
      const refused = { send: jest.fn().mockRejectedValue(new Error('broker away')) } as unknown as Producer;
      await expect(publishDeadLetters(refused, 'dlq', letters, new Date())).rejects.toThrow('broker away');
      expect(heard).toEqual([]);
      const taken = { send: jest.fn().mockResolvedValue([]) } as unknown as Producer;
      await publishDeadLetters(taken, 'dlq', letters, new Date());
      expect(heard).toHaveLength(2);
    } finally {
      stops.forEach((stop) => stop());
    }
    // Removed: heard no more.
    await publishDeadLetters(
      { send: jest.fn().mockResolvedValue([]) } as unknown as Producer,
      'dlq',
      letters,
      new Date(),
    );
    expect(heard).toHaveLength(2);
  });
});
