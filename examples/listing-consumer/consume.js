#!/usr/bin/env node
// A downstream platform's consumer of credit.listing-events.v1 (docs/integration.md "Consuming listing
// events"), plain kafkajs: at least once, in order per vehicle. Prints one JSON line per new event
// ({eventId, type, vehicle, listingId, at, violationCount, reason?}) and skips redeliveries by eventId.
//
//   KAFKA_BROKERS=127.0.0.1:9092 KAFKA_SASL_USERNAME=… KAFKA_SASL_PASSWORD=… GROUP_ID=credit-platform \
//     node examples/listing-consumer/consume.js [--until-idle-ms 5000]
//
// Environment as the producer example's, plus GROUP_ID (the platform's consumer group). With
// --until-idle-ms it stops after that long without a message (for scripts and tests); otherwise it runs
// until SIGINT/SIGTERM.
const { Kafka, logLevel } = require('kafkajs');

const TOPIC = `${process.env.TOPIC_PREFIX ?? ''}credit.listing-events.v1`;
const idleArg = process.argv.indexOf('--until-idle-ms');
const untilIdleMs = idleArg > 0 ? Number(process.argv[idleArg + 1]) : undefined;

// A real platform keeps these in its own database, in the same transaction as what it does with the
// event: the processed eventIds (redeliveries are skipped) and each vehicle's latest state.
const processed = new Set();
const vehicles = new Map();

async function main() {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = process.env;
  const kafka = new Kafka({
    clientId: `listing-consumer-${username ?? 'anonymous'}`,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    ssl: process.env.KAFKA_SSL === 'true',
    ...(username && password
      ? { sasl: { mechanism: process.env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512', username, password } }
      : {}),
    logLevel: logLevel.WARN,
  });
  const consumer = kafka.consumer({
    groupId: process.env.GROUP_ID ?? 'listing-consumer-example',
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let lastMessageAt = Date.now();
  // The idle clock starts when the group is joined (a join takes a few seconds).
  consumer.on(consumer.events.GROUP_JOIN, () => (lastMessageAt = Date.now()));
  await consumer.run({
    // kafkajs commits an offset only after this handler returned: a crash before that means the event
    // comes again (at least once), which the eventId check makes harmless.
    eachMessage: async ({ message }) => {
      lastMessageAt = Date.now();
      const vehicle = message.key.toString();
      const event = JSON.parse(message.value.toString());
      if (processed.has(event.eventId)) return;
      processed.add(event.eventId);
      vehicles.set(vehicle, { listingId: event.listingId, type: event.type, at: event.at });
      const { eventId, type, listingId, at, violationCount, reason } = event;
      console.log(
        JSON.stringify({ eventId, type, vehicle, listingId, at, violationCount, ...(reason ? { reason } : {}) }),
      );
    },
  });
  const stop = async () => {
    await consumer.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (untilIdleMs !== undefined) {
    const timer = setInterval(() => {
      if (Date.now() - lastMessageAt >= untilIdleMs) {
        clearInterval(timer);
        void stop();
      }
    }, 200);
  }
}

main().catch((error) => {
  console.error(`listing-consumer: ${error.message}`);
  process.exit(1);
});
