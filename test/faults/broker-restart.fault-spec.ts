import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { ensureTopics } from '@oc/messaging';
import { violationEvent } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { runCli } from '../harness/cli';
import { replayDifferences } from '../harness/credit-snapshot';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { freeBrokerPort, kafkaScript } from './support/kafka-broker';
import { readWholeTopic } from './support/kafka-hostile';

/**
 * Issue 7, scenario 2: a test-owned Kafka broker is restarted (stop, 5 s, start) while ingest consumes
 * and while the gate publishes turn-backs. Nothing is lost or counted twice, listings equal a replay,
 * the gate answers throughout, turn-backs asked after the broker returns are stored.
 */
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ask {
  lane: string;
  at: number;
  ms: number;
  status: number;
  decision?: string;
}

describe('faults: Kafka broker restart during ingestion and gate-decision publishing', () => {
  let port = 0;
  let brokerStarted = false;
  let s: Scenario;
  let kafka: Kafka;
  let producer: Producer;
  let gate: RunningApp;
  let key: string;
  const listedPlate = '浙E60001';
  const t0 = Date.now() - 200 * DAY;

  beforeAll(async () => {
    port = await freeBrokerPort(29092 + Math.floor(Math.random() * 50) * 2);
    const started = await kafkaScript('start', port);
    if (started.code !== 0) throw new Error(`test broker on ${port} did not start:\n${started.output}`);
    brokerStarted = true;
    s = await Scenario.create('brokerrestart');
    kafka = new Kafka({
      clientId: 'fault-broker-restart',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    await ensureTopics(kafka, Object.values(s.topics), 6);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const issued = await runCli(['station:add', '330500088'], s.env());
    expect(issued.code).toBe(0);
    key = issued.stdout.trim();
    const brokers = { KAFKA_BROKERS: `127.0.0.1:${port}` };
    await s.startIngest(brokers);
    gate = await s.startApp('gate-api', brokers);
  }, 240000);

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await s?.close();
    if (brokerStarted) {
      await kafkaScript('stop', port).catch(() => undefined);
      await kafkaScript('reset', port).catch(() => undefined);
    }
  }, 120000);

  const ask = async (lane: string): Promise<Ask> => {
    const started = Date.now();
    try {
      const res = await fetch(
        `${gate.url}/v1/gate/decision?plate=${encodeURIComponent(listedPlate)}&plateColor=1&cargo=LADEN&laneId=${lane}`,
        { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(5000) },
      );
      const body = (await res.json()) as { decision?: string };
      return { lane, at: started, ms: Date.now() - started, status: res.status, decision: body.decision };
    } catch {
      return { lane, at: started, ms: Date.now() - started, status: 0 };
    }
  };

  /** Sends until acknowledged (the broker may be away); returns when the send succeeded. */
  const sendUntilAcked = async (messages: { key: string; value: string }[], deadline: number) => {
    for (;;) {
      try {
        await producer.send({ topic: s.topics.weighingEvents, acks: -1, messages });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  };

  const waitConsumed = async (timeoutMs: number) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(s.topics.weighingEvents);
          const [committed] = await admin.fetchOffsets({
            groupId: `${s.topicPrefix}ingest`,
            topics: [s.topics.weighingEvents],
          });
          return ends.every((e) => {
            const c = committed!.partitions.find((p) => p.partition === e.partition);
            return e.high === '0' || (c !== undefined && BigInt(c.offset) >= BigInt(e.high));
          });
        },
        { timeoutMs, what: 'ingest to commit every offset on the test broker', intervalMs: 500 },
      );
    } finally {
      await admin.disconnect();
    }
  };

  it('loses nothing, counts nothing twice, keeps the gate answering, stores turn-backs once the broker is back', async () => {
    const began = Date.now();
    // A listed vehicle for the gate.
    await sendUntilAcked(
      [0, 2, 4].map((d, i) =>
        violationEvent({ eventId: `br-seed-${i}`, plate: listedPlate, measuredAt: new Date(t0 + d * DAY) }),
      ),
      Date.now() + 30000,
    );
    await eventually(async () => (await ask('seed')).decision === 'TURN_BACK', {
      what: 'the listing to reach the gate',
      timeoutMs: 30000,
    });

    // The gate is asked every 40 ms for the whole run.
    const asks: Ask[] = [];
    let asking = true;
    const asker = (async () => {
      let n = 0;
      while (asking) {
        asks.push(await ask(`a${n++}`));
        await sleep(40);
      }
    })();

    // Ingestion: 200 vehicles × 5 weighings (violations on different days), plus one malformed per 100.
    const events: { key: string; value: string }[] = [];
    const eventIds: string[] = [];
    for (let v = 0; v < 200; v++) {
      for (let k = 0; k < 5; k++) {
        const eventId = `br-${v}-${k}`;
        eventIds.push(eventId);
        events.push(
          violationEvent({
            eventId,
            plate: `浙E${String(61000 + v)}`,
            measuredAt: new Date(t0 + (10 + k * 3 + (v % 7)) * DAY),
          }),
        );
        if ((v * 5 + k) % 100 === 99) {
          const bad = `br-bad-${v}-${k}`;
          eventIds.push(bad);
          events.push({ key: `1:bad`, value: JSON.stringify({ eventId: bad, axles: 'many' }) });
        }
      }
    }
    let sent = 0;
    const producing = (async () => {
      for (let i = 0; i < events.length; i += 25) {
        await sendUntilAcked(events.slice(i, i + 25), Date.now() + 120000);
        sent = i + 25;
        await sleep(100);
      }
    })();

    // Restart the broker in the middle of it.
    await eventually(() => sent >= 250, { what: 'a quarter of the stream to be sent', timeoutMs: 60000 });
    const stopped = await kafkaScript('stop', port);
    const outageFrom = Date.now();
    expect(stopped.code).toBe(0);
    await sleep(5000);
    const restarted = await kafkaScript('start', port);
    expect(restarted).toMatchObject({ code: 0 });
    const backAt = Date.now();

    await producing;
    // Keep asking for 15 s after the broker is back.
    await sleep(15000);
    asking = false;
    await asker;

    await waitConsumed(120000);
    expect(s.ingest!.process.exitCode).toBeNull();
    expect(gate.process.exitCode).toBeNull();

    // Every eventId stored exactly once or dead-lettered.
    const stored = await s.query<{ event_id: string; n: number }>(
      `SELECT event_id, count(*)::int AS n FROM weighings WHERE event_id LIKE 'br-%' GROUP BY event_id`,
    );
    const storedSet = new Set(stored.map((r) => r.event_id));
    expect(stored.filter((r) => r.n !== 1)).toEqual([]);
    const dlq = await readWholeTopic(kafka, s.topics.weighingEventsDlq);
    const dead = new Set(
      dlq.map((m) => {
        try {
          return (JSON.parse(m.value!.toString()) as { eventId: string }).eventId;
        } catch {
          return '(unparseable)';
        }
      }),
    );
    const lost = eventIds.filter((id) => !storedSet.has(id) && !dead.has(id));
    const both = eventIds.filter((id) => storedSet.has(id) && dead.has(id));
    expect({ lost, both }).toEqual({ lost: [], both: [] });
    expect(eventIds.filter((id) => id.startsWith('br-bad-')).every((id) => dead.has(id))).toBe(true);

    // Listings equal a replay of the stored facts.
    expect(await replayDifferences(s, new Date())).toEqual([]);

    // The gate kept answering within its deadline (it reads Redis and Postgres, not Kafka).
    const failed = asks.filter((a) => a.status !== 200 || a.decision !== 'TURN_BACK');
    const latencies = asks.map((a) => a.ms).sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    const during = asks.filter((a) => a.at >= outageFrom && a.at < backAt);
    expect(failed).toEqual([]);
    expect(during.length).toBeGreaterThan(20);
    expect(p(0.99)).toBeLessThanOrEqual(150);

    // Turn-back records: dropped + stored ≤ asked; asked after the broker is back (+5 s to reconnect) stored.
    const askedLanes = new Set(asks.map((a) => a.lane));
    const after = asks.filter((a) => a.at >= backAt + 5000).map((a) => a.lane);
    const storedAfter = await eventually(
      async () => {
        const rows = await s.query<{ lane_id: string }>(`SELECT lane_id FROM turn_backs WHERE lane_id = ANY($1)`, [
          after,
        ]);
        const got = new Set(rows.map((r) => r.lane_id));
        return after.every((l) => got.has(l)) ? got : undefined;
      },
      { what: 'turn-backs asked after the broker returned to be stored', timeoutMs: 60000, intervalMs: 500 },
    ).catch(async (error: Error) => {
      const rows = await s.query<{ lane_id: string }>(`SELECT lane_id FROM turn_backs WHERE lane_id = ANY($1)`, [
        after,
      ]);
      const got = new Set(rows.map((r) => r.lane_id));
      throw new Error(`${error.message}: ${after.filter((l) => !got.has(l)).length} of ${after.length} missing`);
    });
    const allTurnBacks = await s.query<{ lane_id: string }>(`SELECT lane_id FROM turn_backs WHERE lane_id LIKE 'a%'`);
    const metrics = await (await fetch(`${gate.url}/metrics`)).text();
    const dropped = Number(/^gate_decisions_dropped_total(?:\{[^}]*\})?\s+([\d.e+]+)/m.exec(metrics)?.[1] ?? 'NaN');
    expect(Number.isNaN(dropped)).toBe(false);
    expect(allTurnBacks.every((r) => askedLanes.has(r.lane_id))).toBe(true);
    expect(dropped + allTurnBacks.length).toBeLessThanOrEqual(asks.length);

    console.log(
      JSON.stringify({
        scenario: 'broker-restart',
        port,
        brokerStopMs: stopped.ms,
        brokerStartMs: restarted.ms,
        events: eventIds.length,
        stored: storedSet.size,
        deadLetters: dlq.length,
        asks: asks.length,
        asksDuringOutage: during.length,
        gateMs: { p50: p(0.5), p99: p(0.99), max: latencies[latencies.length - 1] },
        turnBacksStored: allTurnBacks.length,
        dropped,
        storedAfterBack: `${storedAfter.size}/${after.length}`,
        seconds: (Date.now() - began) / 1000,
      }),
    );
  });
});
