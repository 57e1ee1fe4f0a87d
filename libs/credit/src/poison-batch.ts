import { KafkaMessage } from 'kafkajs';
import { isDomainError } from '@oc/domain';
import { DeadLetter, deadLettersOf } from '@oc/messaging';

/**
 * Errors caused by what a message contains (so retrying cannot help) as opposed to an outage.
 * Postgres data exceptions (22xxx) and integrity violations (23xxx), domain errors, and programming
 * errors that the data triggered; everything else (connections, deadlocks, Kafka) is retried.
 */
export function isPoison(error: unknown): boolean {
  if (isDomainError(error)) return true;
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/**
 * Stores a batch in one call; when that call fails for what the batch contains (isPoison), stores the
 * items one by one, in their order (so the latest record of a key still wins, and the first of a
 * repeated eventId is the one stored), and hands each that fails for its content to `refuse`. An
 * outage, in the batch or in one item, is thrown: the caller commits nothing and the batch is retried.
 * So one bad record never holds its partition (SPEC §3), and never takes the good ones with it. Returns
 * the results of the calls that succeeded.
 */
export async function storeIsolatingPoison<T, R>(
  items: readonly T[],
  store: (items: T[]) => Promise<R>,
  refuse: (item: T, error: Error) => void,
  logger: { warn(message: string): void },
): Promise<R[]> {
  if (items.length === 0) return [];
  try {
    return [await store([...items])];
  } catch (error) {
    if (!isPoison(error)) throw error;
    logger.warn(`batch refused for its content (${(error as Error).message}); storing one by one`);
  }
  const results: R[] = [];
  for (const item of items) {
    try {
      results.push(await store([item]));
    } catch (single) {
      if (!isPoison(single)) throw single;
      refuse(item, single as Error);
    }
  }
  return results;
}

/** `refuse` for a Kafka batch: the item's message dead-lettered PROCESSING_FAILED with the reason. */
export function deadLetterProcessingFailed<T extends { message: KafkaMessage }>(
  batch: { topic: string; partition: number },
  dead: DeadLetter[],
): (item: T, error: Error) => void {
  const deadLetter = deadLettersOf(batch);
  return (item, error) =>
    dead.push(deadLetter(item.message, 'PROCESSING_FAILED', [{ field: '(message)', message: error.message }]));
}
