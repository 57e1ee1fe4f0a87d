import type { SASLOptions } from 'kafkajs';

/**
 * The SASL login a benchmark worker gets through its environment (KAFKA_SASL_USERNAME and
 * KAFKA_SASL_PASSWORD: the broker's admin, docs/benchmarks.md), or none. Read here rather than
 * through @oc/config so that a worker loads kafkajs only and produces within its warm-up.
 */
export function workerSasl(env: NodeJS.ProcessEnv = process.env): { sasl?: SASLOptions } {
  const username = env.KAFKA_SASL_USERNAME;
  if (!username) return {};
  const password = env.KAFKA_SASL_PASSWORD;
  if (!password) throw new Error('KAFKA_SASL_PASSWORD is required with KAFKA_SASL_USERNAME');
  return { sasl: { mechanism: 'scram-sha-512', username, password } };
}
