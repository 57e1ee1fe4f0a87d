import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { DEV_KAFKA_PRINCIPALS } from '@oc/messaging';
import { violationEvent } from '@oc/simulation';
import { Scenario } from '../harness/scenario';
import { eventually, testServices } from '../harness/services';

/**
 * The broker is the boundary (issue 14, docs/kafka.md): before SASL and ACLs anyone who could reach
 * it could publish three backdated trips for a competitor's truck. Now a client without credentials,
 * or with a wrong password, is not let in, and an authenticated principal writes only the topics its
 * ACLs name — while ingest, logged in as its own principal, keeps storing a station's weighings.
 */
const DAY = 86_400_000;

describe('faults: Kafka authentication and authorisation (SASL/SCRAM-SHA-512, ACLs per principal)', () => {
  let s: Scenario;
  const services = testServices();
  const event = (eventId: string) =>
    violationEvent({ eventId, plate: '浙E93001', measuredAt: new Date(Date.now() - DAY) });

  /**
   * Sends one record as `principal`; resolves with the broker's refusal (its error type), or 'stored'.
   * Retries what kafkajs deems retriable (a fresh topic's leader still moving); an authorisation
   * failure is not retriable and comes back at once.
   */
  const sendAs = async (principal: string, topic: string, eventId: string): Promise<string> => {
    const producer = services
      .kafka(`auth-${principal}`, principal, { retry: { retries: 5, initialRetryTime: 300 } })
      .producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [event(eventId)] });
      return 'stored';
    } catch (error) {
      // kafkajs wraps the broker's answer (a retry that gave up): the protocol error is the cause.
      let cause = error as { type?: string; name?: string; cause?: unknown } | undefined;
      while (cause && !cause.type && cause.cause) cause = cause.cause as typeof cause;
      return cause?.type ?? cause?.name ?? String(error);
    } finally {
      await producer.disconnect();
    }
  };

  beforeAll(async () => {
    if (!services.kafkaPrincipalsFile) {
      throw new Error('this broker is open (no principals): these tests need the authenticated broker of infra/kafka');
    }
    s = await Scenario.create('kafkaauth');
    await s.startIngest();
  }, 120000);
  afterAll(async () => {
    await s?.close();
  });

  it('refuses a client without credentials and one with a wrong password', async () => {
    const anonymous = new Kafka({
      clientId: 'auth-anonymous',
      brokers: services.kafkaBrokers.split(','),
      connectionTimeout: 2000,
      requestTimeout: 3000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await expect(
      (async () => {
        await anonymous.connect();
        await anonymous.send({ topic: s.topics.weighingEvents, messages: [event('auth-anon')] });
      })(),
    ).rejects.toThrow();
    await anonymous.disconnect().catch(() => undefined);

    const impostor = new Kafka({
      clientId: 'auth-impostor',
      brokers: services.kafkaBrokers.split(','),
      sasl: { mechanism: 'scram-sha-512', username: DEV_KAFKA_PRINCIPALS.stations[0]!, password: 'not-the-password' },
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).producer();
    await expect(impostor.connect()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
  });

  it('lets each principal write only its own topics', async () => {
    const station = DEV_KAFKA_PRINCIPALS.stations[0]!;
    const registry = DEV_KAFKA_PRINCIPALS.registryFeeders[0]!;
    // A station forging the gate's decisions, the gate or a registry feeder forging weighings,
    // ingest writing its own input: each refused by the broker itself.
    expect(await sendAs(station, s.topics.gateDecisions, 'auth-station-gate')).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await sendAs(station, s.topics.registryVehicles, 'auth-station-reg')).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await sendAs(DEV_KAFKA_PRINCIPALS.gateApi, s.topics.weighingEvents, 'auth-gate-w')).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await sendAs(registry, s.topics.weighingEvents, 'auth-reg-w')).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await sendAs(DEV_KAFKA_PRINCIPALS.ingest, s.topics.weighingEvents, 'auth-ingest-w')).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    // Nor can a station write the same topic of another deployment on the cluster (another prefix).
    expect(await sendAs(station, `${s.topicPrefix}other.weighing.events.v1`, 'auth-elsewhere')).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );

    // What a station may do still works end to end: ingest, as its own principal, stores it.
    expect(await sendAs(station, s.topics.weighingEvents, 'auth-station-ok')).toBe('stored');
    await s.waitUntilConsumed(30000);
    const stored = await eventually(
      async () => {
        const rows = await s.query<{ event_id: string }>('SELECT event_id FROM weighings');
        return rows.length > 0 && rows;
      },
      { what: 'the station weighing stored' },
    );
    expect(stored.map((r) => r.event_id)).toEqual(['auth-station-ok']);
  });
});
