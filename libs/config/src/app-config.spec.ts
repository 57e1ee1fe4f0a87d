import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the SPEC §7 defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      KAFKA_BROKERS: 'localhost:9092',
      KAFKA_GROUP_ID: 'overload-credit-ingest',
      TOPIC_PREFIX: '',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/overload_credit',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      REDIS_KEY_PREFIX: 'oc:',
      GATE_PORT: 3001,
      STAFF_PORT: 3002,
      LISTING_THRESHOLD: 3,
      COUNT_WINDOW_DAYS: 365,
      WARNING_BAND_KG: 1000,
      TRIP_MERGE_MINUTES: 60,
      LISTING_VALIDITY_DAYS: 365,
      PUBLICATION_DAYS: 730,
      PUBLICATION_DEADLINE_WORKING_DAYS: 7,
      REPAIR_MIN_DAYS: 0,
      TURN_BACK_REQUIRES_PUBLICATION: false,
      GATE_FAILURE_MODE: 'open',
      GATE_DEADLINE_MS: 100,
      GATE_DB_TIMEOUT_MS: 50,
      KAFKA_TOPIC_PARTITIONS: 6,
      LOG_LEVEL: 'info',
    });
  });

  it('reads and converts values', () => {
    const c = loadConfig({
      LISTING_THRESHOLD: '5',
      TURN_BACK_REQUIRES_PUBLICATION: 'true',
      GATE_FAILURE_MODE: 'closed',
    });
    expect(c.LISTING_THRESHOLD).toBe(5);
    expect(c.TURN_BACK_REQUIRES_PUBLICATION).toBe(true);
    expect(c.GATE_FAILURE_MODE).toBe('closed');
  });

  it.each([
    ['LISTING_THRESHOLD', 'zero', 'LISTING_THRESHOLD must be an integer >= 1'],
    ['LISTING_THRESHOLD', '0', 'LISTING_THRESHOLD must be an integer >= 1'],
    ['LISTING_THRESHOLD', '2.5', 'LISTING_THRESHOLD must be an integer >= 1'],
    ['GATE_PORT', '70000', 'GATE_PORT must be an integer from 1 to 65535'],
    ['GATE_FAILURE_MODE', 'maybe', 'GATE_FAILURE_MODE must be open or closed'],
    ['TURN_BACK_REQUIRES_PUBLICATION', 'yes', 'TURN_BACK_REQUIRES_PUBLICATION must be true or false'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must be a postgres:// URL'],
    ['KAFKA_BROKERS', 'a b', 'KAFKA_BROKERS must be a comma-separated list of host:port'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of'],
    ['STAFF_JWT_SECRET', 'short', 'STAFF_JWT_SECRET must be at least 32 characters'],
    ['KAFKA_GROUP_ID', '   ', 'KAFKA_GROUP_ID must not be empty'],
  ])('rejects %s=%s naming the variable and the rule', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [key]: value });
    } catch (e) {
      expect((e as ConfigError).problems.join('\n')).toContain(message);
    }
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ LISTING_THRESHOLD: 'x', GATE_PORT: 'y' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
    }
  });
});
