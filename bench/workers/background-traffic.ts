import { workerSasl } from './kafka-login';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { generateTraffic, SimulatedMessage } from '@oc/simulation';

/**
 * Live background traffic for the freshness scenario: the simulated traffic mix (`@oc/simulation`) at a
 * steady rate, event times at the wall clock (spacing 1/rate), sent every 50 ms in whatever batch is due.
 * Runs until SIGTERM, then prints one JSON line: what it sent and the rate it achieved.
 *
 * Environment: KAFKA_BROKERS, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (optional), TRAFFIC_TOPIC, TRAFFIC_RATE (events/s), TRAFFIC_VEHICLES, TRAFFIC_SEED,
 * TRAFFIC_EVENT_ID_PREFIX.
 */
async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const rate = Number(env('TRAFFIC_RATE'));
  const topic = env('TRAFFIC_TOPIC');
  const kafka = new Kafka({
    clientId: 'bench-traffic',
    brokers: env('KAFKA_BROKERS').split(','),
    ...workerSasl(),
    logLevel: logLevel.WARN,
  });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  // Before connecting: a stop that comes while it still connects ends it cleanly (exit 0, its stats).
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  process.on('SIGINT', () => (stopping = true));
  await producer.connect();
  const started = Date.now();
  const traffic = generateTraffic({
    seed: Number(env('TRAFFIC_SEED')),
    vehicles: Number(env('TRAFFIC_VEHICLES')),
    start: new Date(started),
    spacingMs: 1000 / rate,
    eventIdPrefix: env('TRAFFIC_EVENT_ID_PREFIX'),
  });
  const stats = { sent: 0, sends: 0, maxBatch: 0, maxSendMs: 0, seconds: 0, ratePerS: 0 };
  while (!stopping) {
    const due = Math.min(5000, Math.floor(((Date.now() - started) / 1000) * rate) - stats.sent);
    if (due > 0) {
      const messages: { key: string; value: string }[] = [];
      for (let i = 0; i < due; i++) {
        const m = traffic.next().value as SimulatedMessage;
        messages.push({ key: m.key, value: m.value });
      }
      const began = Date.now();
      await producer.send({ topic, acks: -1, messages });
      stats.maxSendMs = Math.max(stats.maxSendMs, Date.now() - began);
      stats.sent += messages.length;
      stats.sends += 1;
      stats.maxBatch = Math.max(stats.maxBatch, messages.length);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stats.seconds = (Date.now() - started) / 1000;
  stats.ratePerS = Math.round(stats.sent / stats.seconds);
  await producer.disconnect().catch(() => undefined);
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`background traffic failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
