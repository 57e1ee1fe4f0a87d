#!/usr/bin/env node
// A weighing system's producer for weighing.events.v1 (docs/integration.md "Producing weighings"),
// plain kafkajs. Reads weigh events, one JSON object per line, from the files named on the command line
// or from standard input, and sends each with its key; prints one JSON line per event sent
// ({eventId, key, partition, offset}). Exit status 0 only when every event was acknowledged.
//
//   KAFKA_BROKERS=127.0.0.1:9092 KAFKA_SASL_USERNAME=station KAFKA_SASL_PASSWORD=… \
//     node examples/weighing-producer/produce.js events.jsonl
//
// Environment: KAFKA_BROKERS (comma-separated), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
// KAFKA_SASL_MECHANISM (scram-sha-512), KAFKA_SSL (true|false), TOPIC_PREFIX (default none).
const fs = require('node:fs');
const readline = require('node:readline');
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const TOPIC = `${process.env.TOPIC_PREFIX ?? ''}weighing.events.v1`;

// SPEC §4.1: plate colour codes of the toll system; a name is sent as its code in the key.
const COLOUR_CODES = {
  BLUE: 0,
  YELLOW: 1,
  BLACK: 2,
  WHITE: 3,
  GREEN_GRADIENT: 4,
  YELLOW_GREEN: 5,
  BLUE_WHITE: 6,
  TEMPORARY: 7,
  GREEN: 11,
  RED: 12,
};

/** The key "<plateColorCode>:<plate>" of the normalised plate: a vehicle's weighings stay in one partition, in order. */
function keyOf(event) {
  const colour =
    typeof event.plateColor === 'number'
      ? event.plateColor
      : /^\d+$/.test(String(event.plateColor).trim())
        ? Number(String(event.plateColor).trim())
        : COLOUR_CODES[String(event.plateColor).trim().toUpperCase()];
  if (colour === undefined) throw new Error(`event ${event.eventId}: unknown plateColor ${event.plateColor}`);
  // Normalised as the service does (trim, full-width to half-width, no separators, upper case).
  const plate = String(event.plate)
    .trim()
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u00B7\u2022.\-]/g, '')
    .toUpperCase();
  return `${colour}:${plate}`;
}

async function* events(files) {
  const inputs = files.length > 0 ? files.map((f) => fs.createReadStream(f)) : [process.stdin];
  for (const input of inputs) {
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() !== '') yield JSON.parse(line);
    }
  }
}

async function main() {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = process.env;
  const kafka = new Kafka({
    clientId: `weighing-producer-${username ?? 'anonymous'}`,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    ssl: process.env.KAFKA_SSL === 'true',
    ...(username && password
      ? { sasl: { mechanism: process.env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512', username, password } }
      : {}),
    // Retries with back-off: a weighing is kept until the broker acknowledged it, never dropped.
    retry: { initialRetryTime: 300, retries: 10 },
    logLevel: logLevel.WARN,
  });
  // Idempotent: a send retried after a lost acknowledgement is written once, and the order per key
  // holds. A resend after a crash (same eventId, same content) is ignored by ingest anyway.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for await (const event of events(process.argv.slice(2))) {
      const key = keyOf(event);
      const [sent] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ key, value: JSON.stringify(event) }] });
      console.log(JSON.stringify({ eventId: event.eventId, key, partition: sent.partition, offset: sent.baseOffset }));
    }
  } finally {
    await producer.disconnect();
  }
}

main().catch((error) => {
  console.error(`weighing-producer: ${error.message}`);
  process.exit(1);
});
