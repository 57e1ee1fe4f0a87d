import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEV_KAFKA_PRINCIPALS } from '@oc/messaging';
import { violationEvent } from '@oc/simulation';
import { Scenario } from '../harness/scenario';
import { eventually, KAFKA_ADMIN, testServices } from '../harness/services';
import { letterHeaders } from '../registry/support/registry-kafka';
import { asRead, readToEnd, violationsOf } from './support/published-documents';

const ROOT = join(__dirname, '..', '..');
const DAY = 86_400_000;

/** Runs a program to its end with the given environment and standard input. */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  input = '',
  timeoutMs = 60000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/**
 * Outside producers and consumers against the running ingest, as vendors would run them (docs/integration.md):
 * Debian's kcat logged in with SASL/SCRAM as a station principal, and the examples of examples/ (plain
 * kafkajs): the weighing producer, with a resend and a conflicting repeat, and the listing consumer.
 */
describe('conformance: outside producers and the examples against the running apps', () => {
  let s: Scenario;
  const services = testServices();
  const station = DEV_KAFKA_PRINCIPALS.stations[0]!;
  const login = (principal: string) => {
    const l = services.kafkaLogin(principal);
    return {
      KAFKA_BROKERS: services.kafkaBrokers,
      ...l,
      ...(l.KAFKA_SASL_USERNAME ? { KAFKA_SASL_MECHANISM: 'scram-sha-512' } : {}),
    };
  };
  const weighingsOf = (eventIds: string[]) =>
    s.query<{ event_id: string; gross_weight_kg: number }>(
      'SELECT event_id, gross_weight_kg FROM weighings WHERE event_id = ANY($1) ORDER BY event_id',
      [eventIds],
    );

  beforeAll(async () => {
    if (!services.kafkaPrincipalsFile)
      throw new Error('these tests log in with SASL/SCRAM: they need the authenticated broker');
    s = await Scenario.create('cprod');
    await s.startIngest();
  }, 120000);
  afterAll(() => s?.close());

  it('kcat (SASL/SCRAM-SHA-512, as a station) produces a weighing that ingest stores; a bad one is dead-lettered', async () => {
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = services.kafkaLogin(station);
    const good = violationEvent({ eventId: 'kcat-1', plate: '浙E87001', measuredAt: new Date(Date.now() - DAY) });
    const bad = {
      key: '1:浙E87001',
      value: JSON.stringify({ ...JSON.parse(good.value), eventId: 'kcat-2', plateColor: 'PURPLE' }),
    };
    const kcat = await run(
      'kcat',
      [
        '-P',
        '-b',
        services.kafkaBrokers,
        '-t',
        s.topics.weighingEvents,
        '-K',
        '\t',
        '-X',
        'security.protocol=SASL_PLAINTEXT',
        '-X',
        'sasl.mechanisms=SCRAM-SHA-512',
        '-X',
        `sasl.username=${username}`,
        '-X',
        `sasl.password=${password}`,
        '-X',
        'enable.idempotence=true',
        // The Java client's partitioner (kafkajs' default too): a vehicle's key lands where theirs do.
        '-X',
        'partitioner=murmur2_random',
      ],
      {},
      `${good.key}\t${good.value}\n${bad.key}\t${bad.value}\n`,
    );
    expect(kcat).toMatchObject({ code: 0 });
    await s.waitUntilConsumed(30000);
    expect((await weighingsOf(['kcat-1', 'kcat-2'])).map((w) => w.event_id)).toEqual(['kcat-1']);
    const dlq = (await readToEnd(s.kafka, `${s.topicPrefix}kcat-dlq`, [s.topics.weighingEventsDlq])).get(
      s.topics.weighingEventsDlq,
    )!;
    expect(dlq.map((d) => letterHeaders(d.message).code)).toEqual(['SCHEMA_INVALID']);
    expect(violationsOf('weighing.events.v1.dlq', dlq[0]!.message)).toEqual([]);
    // What kcat sent is what the document says: the good one conforms, the refused one does not.
    const sent = (await readToEnd(s.kafka, `${s.topicPrefix}kcat-in`, [s.topics.weighingEvents])).get(
      s.topics.weighingEvents,
    )!;
    expect(sent.map((m) => violationsOf('weighing.events.v1', m.message).length > 0)).toEqual([false, true]);
  });

  it('the example producer sends three trips (a resend ignored, a conflicting repeat dead-lettered), the example consumer sees the listing', async () => {
    const plate = '浙E87002';
    const now = Date.now();
    const trips = [20, 10, 5].map((daysAgo, i) =>
      JSON.parse(violationEvent({ eventId: `ex-${i}`, plate, measuredAt: new Date(now - daysAgo * DAY) }).value),
    );
    const resend = trips[0];
    const conflicting = { ...trips[1], grossWeightKg: trips[1].grossWeightKg + 1000 };
    const lines = [...trips, resend, conflicting].map((e) => JSON.stringify(e)).join('\n');
    const env = { ...login(station), TOPIC_PREFIX: s.topicPrefix };
    const produced = await run(process.execPath, ['examples/weighing-producer/produce.js'], env, `${lines}\n`);
    expect(produced).toMatchObject({ code: 0 });
    const acks = produced.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { eventId: string; key: string });
    expect(acks.map((a) => a.eventId)).toEqual(['ex-0', 'ex-1', 'ex-2', 'ex-0', 'ex-1']);
    expect(new Set(acks.map((a) => a.key))).toEqual(new Set([`1:${plate}`]));

    await s.waitUntilConsumed(30000);
    // One weighing per eventId; the stored one of the conflict stays as first sent.
    expect(await weighingsOf(['ex-0', 'ex-1', 'ex-2'])).toEqual(
      trips.map((t) => ({ event_id: t.eventId, gross_weight_kg: t.grossWeightKg })),
    );
    const letters = (await readToEnd(s.kafka, `${s.topicPrefix}ex-dlq`, [s.topics.weighingEventsDlq])).get(
      s.topics.weighingEventsDlq,
    )!;
    const conflict = letters
      .map((l) => asRead(l.message))
      .find((l) => (l.value as { eventId?: string }).eventId === 'ex-1');
    expect(conflict?.headers['error-code']).toBe('DUPLICATE_CONFLICT');

    await eventually(
      async () =>
        (await s.query(`SELECT 1 FROM listings WHERE vehicle_key = $1 AND status = 'LISTED'`, [`1:${plate}`])).length >
        0,
      { what: `${plate} LISTED`, timeoutMs: 30000 },
    );
    // A downstream platform (the admin principal here; in production one of its own with READ on the topic).
    const consumed = await run(process.execPath, ['examples/listing-consumer/consume.js', '--until-idle-ms', '4000'], {
      ...login(KAFKA_ADMIN),
      TOPIC_PREFIX: s.topicPrefix,
      GROUP_ID: `${s.topicPrefix}platform`,
    });
    expect(consumed).toMatchObject({ code: 0 });
    const events = consumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; vehicle: string; eventId: string });
    expect(events).toContainEqual(expect.objectContaining({ type: 'LISTED', vehicle: `1:${plate}` }));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });
});
