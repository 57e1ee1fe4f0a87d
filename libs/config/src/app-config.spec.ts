import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { installOfficialCalendar, OFFICIAL_CALENDAR, officialCalendarInUse, workingDayDeadline } from '@oc/domain';
import {
  AppConfig,
  AUDIT_HMAC_DEVELOPMENT_KEY,
  auditHmacSecrets,
  CONFIG_KEYS,
  ConfigError,
  databaseUrlFor,
  gateRedisBudgetMs,
  loadConfig,
  loadConfigOrExit,
  PUBLISHED_DEVELOPMENT_SECRET,
  type ConfigKey,
} from './app-config';
import { syntheticCalendarWarning } from './official-calendar-file';

/** Calendar files for OFFICIAL_CALENDAR_FILE (docs/calendar.md), in a folder of this test run. */
const CALENDAR_DIR = mkdtempSync(join(tmpdir(), 'oc-config-calendar-'));
afterAll(() => rmSync(CALENDAR_DIR, { recursive: true, force: true }));
const calendarFile = (name: string, text: string): string => {
  const file = join(CALENDAR_DIR, name);
  writeFileSync(file, text);
  return file;
};
const SYNTHETIC_2027 = JSON.stringify({
  years: { '2027': { source: 'SYNTHETIC test year', holidays: ['2027-01-01'], workdays: [] } },
});
const MISSING_CALENDAR = join(CALENDAR_DIR, 'missing.json');
const NOT_JSON = calendarFile('not-json.json', '{ "years": ');
const BAD_YEAR = calendarFile(
  'bad-year.json',
  JSON.stringify({ years: { '2027': { source: 'x', holidays: ['2028-01-01'], workdays: [] } } }),
);

const ROLE_RULE =
  'must be a lower-case SQL name (letters, digits, "_", not starting with a digit or "pg_", at most 63)';
const pem = (key: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }): string =>
  key.export({ type: 'spki', format: 'pem' }).toString();
const EC_PUBLIC_KEY = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
const SHORT_RSA_PUBLIC_KEY = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
const RSA_PUBLIC_KEY = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
const RSA_RULE = 'STAFF_JWT_PUBLIC_KEY must be an RSA public key of at least 2048 bits (RS256)';
const PUBLISHED_RULE =
  'STAFF_JWT_SECRET is the development secret published in README.md; it is accepted only with NODE_ENV=development (set a secret of your own)';

const int = (min: number, max?: number) =>
  max === undefined ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`;

/**
 * For every variable AppConfig declares: bad values and the whole problem each must give, naming the
 * variable and its rule. A Record over ConfigKey, so a new variable without a row does not compile, and
 * the metadata test below fails if a declared rule has no row.
 */
const PUBLIC_CORS_RULE =
  'PUBLIC_CORS_ORIGINS must be *, or a comma-separated list of origins like https://postings.example.org';
const AUDIT_KEY = 'at least 32 characters without whitespace or commas (e.g. openssl rand -base64 48)';
const BAD_VALUES: Record<ConfigKey, [value: string, problem: string, ...alsoReported: string[]][]> = {
  NODE_ENV: [['prod', 'NODE_ENV must be production, development or test']],
  KAFKA_BROKERS: [
    ['a b', 'KAFKA_BROKERS must be a comma-separated list of host:port'],
    ['localhost', 'KAFKA_BROKERS must be a comma-separated list of host:port'],
    ['a:1,,b:2', 'KAFKA_BROKERS must be a comma-separated list of host:port'],
  ],
  KAFKA_GROUP_ID: [['   ', 'KAFKA_GROUP_ID must not be empty']],
  KAFKA_SASL_USERNAME: [
    ['ingest', 'KAFKA_SASL_PASSWORD must be set with KAFKA_SASL_USERNAME'],
    [
      'in gest',
      'KAFKA_SASL_USERNAME may contain only letters, digits, ".", "_" and "-"',
      'KAFKA_SASL_PASSWORD must be set with KAFKA_SASL_USERNAME',
    ],
  ],
  KAFKA_SASL_PASSWORD: [['secret', 'KAFKA_SASL_USERNAME must be set with KAFKA_SASL_PASSWORD']],
  KAFKA_SASL_MECHANISM: [['plain', 'KAFKA_SASL_MECHANISM must be one of scram-sha-512, scram-sha-256']],
  KAFKA_SSL: [['yes', 'KAFKA_SSL must be true or false']],
  TOPIC_PREFIX: [['tests/', 'TOPIC_PREFIX may contain only letters, digits, ".", "_" and "-"']],
  DATABASE_URL: [['mysql://x', 'DATABASE_URL must be a postgres:// URL']],
  DB_OWNER_ROLE: [
    ['Owner', `DB_OWNER_ROLE ${ROLE_RULE}`],
    ['pg_owner', `DB_OWNER_ROLE ${ROLE_RULE}`],
    ['a"; DROP', `DB_OWNER_ROLE ${ROLE_RULE}`],
    ['overload_app', 'DB_APP_ROLE must differ from DB_OWNER_ROLE (overload_app)'],
  ],
  DB_APP_ROLE: [
    ['1app', `DB_APP_ROLE ${ROLE_RULE}`],
    ['overload_owner', 'DB_APP_ROLE must differ from DB_OWNER_ROLE (overload_owner)'],
  ],
  DB_GATE_ROLE: [
    ['x'.repeat(64), `DB_GATE_ROLE ${ROLE_RULE}`],
    ['overload_app', 'DB_GATE_ROLE must differ from DB_APP_ROLE (overload_app)'],
  ],
  APP_DATABASE_URL: [
    ['mysql://overload_app@x/oc', 'APP_DATABASE_URL must be a postgres:// URL'],
    [
      'postgres://postgres@127.0.0.1:5432/overload_credit',
      'APP_DATABASE_URL must connect as DB_APP_ROLE (overload_app), not as postgres',
    ],
  ],
  GATE_DATABASE_URL: [
    [
      'postgres://overload_app:pw@127.0.0.1:5432/overload_credit',
      'GATE_DATABASE_URL must connect as DB_GATE_ROLE (overload_gate), not as overload_app',
    ],
  ],
  STAFF_STATEMENT_TIMEOUT_MS: [
    ['99', `STAFF_STATEMENT_TIMEOUT_MS ${int(100, 600000)}`],
    ['10s', `STAFF_STATEMENT_TIMEOUT_MS ${int(100, 600000)}`],
  ],
  GATE_REQUEST_TIMEOUT_MS: [['99', `GATE_REQUEST_TIMEOUT_MS ${int(100, 60000)}`]],
  OUTBOX_RETENTION_HOURS: [['0', `OUTBOX_RETENTION_HOURS ${int(1, 8760)}`]],
  STAFF_REQUEST_TIMEOUT_MS: [['999', `STAFF_REQUEST_TIMEOUT_MS ${int(1000, 600000)}`]],
  TRUSTED_PROXIES: [
    [
      '*',
      'TRUSTED_PROXIES must be a comma-separated list of loopback, linklocal, uniquelocal, none, IP addresses or CIDRs',
    ],
  ],
  EVIDENCE_HOSTS: [['http://cam.example', 'EVIDENCE_HOSTS must be a comma-separated list of host or host:port']],
  PUBLIC_CORS_ORIGINS: [
    ['postings.example.org', PUBLIC_CORS_RULE],
    ['https://a.example,*', PUBLIC_CORS_RULE],
    ['https://a.example/path', PUBLIC_CORS_RULE],
  ],
  HEALTH_DETAILS_FROM: [
    [
      'everyone',
      'HEALTH_DETAILS_FROM must be a comma-separated list of loopback, linklocal, uniquelocal, none, IP addresses or CIDRs',
    ],
  ],
  REDIS_URL: [['http://127.0.0.1:6379', 'REDIS_URL must be a redis:// URL']],
  REDIS_KEY_PREFIX: [['oc key', 'REDIS_KEY_PREFIX may contain only letters, digits, ":", ".", "_" and "-"']],
  GATE_PORT: [
    ['0', `GATE_PORT ${int(1, 65535)}`],
    ['65536', `GATE_PORT ${int(1, 65535)}`],
    ['30o1', `GATE_PORT ${int(1, 65535)}`],
  ],
  STAFF_PORT: [['70000', `STAFF_PORT ${int(1, 65535)}`]],
  INGEST_PORT: [['-1', `INGEST_PORT ${int(1, 65535)}`]],
  STAFF_JWT_SECRET: [
    ['x'.repeat(31), 'STAFF_JWT_SECRET must be at least 32 characters'],
    [PUBLISHED_DEVELOPMENT_SECRET, PUBLISHED_RULE],
  ],
  STAFF_JWT_PUBLIC_KEY: [
    ['ssh-rsa AAAA', 'STAFF_JWT_PUBLIC_KEY must be a PEM public key'],
    // RS256 with an EC or a short RSA key: refused at boot, not at the first token.
    [EC_PUBLIC_KEY, RSA_RULE],
    [SHORT_RSA_PUBLIC_KEY, RSA_RULE],
  ],
  STAFF_TOKEN_MAX_HOURS: [
    ['0', `STAFF_TOKEN_MAX_HOURS ${int(1, 168)}`],
    ['169', `STAFF_TOKEN_MAX_HOURS ${int(1, 168)}`],
  ],
  STAFF_JWT_ISSUER: [['  ', 'STAFF_JWT_ISSUER must not be blank or start or end with spaces']],
  STAFF_JWT_AUDIENCE: [[' staff-api', 'STAFF_JWT_AUDIENCE must not be blank or start or end with spaces']],
  LISTING_THRESHOLD: [
    ['0', `LISTING_THRESHOLD ${int(1)}`],
    ['2.5', `LISTING_THRESHOLD ${int(1)}`],
    ['three', `LISTING_THRESHOLD ${int(1)}`],
  ],
  COUNT_WINDOW_DAYS: [['0', `COUNT_WINDOW_DAYS ${int(1)}`]],
  WARNING_BAND_KG: [
    ['-1', `WARNING_BAND_KG ${int(0)}`],
    ['1e3', `WARNING_BAND_KG ${int(0)}`],
  ],
  ENTRY_TOLERANCE_PERCENT: [
    ['-1', `ENTRY_TOLERANCE_PERCENT ${int(0, 100)}`],
    ['101', `ENTRY_TOLERANCE_PERCENT ${int(0, 100)}`],
    ['5.5', `ENTRY_TOLERANCE_PERCENT ${int(0, 100)}`],
  ],
  TRIP_MERGE_MINUTES: [['-1', `TRIP_MERGE_MINUTES ${int(0)}`]],
  LISTING_VALIDITY_DAYS: [['0', `LISTING_VALIDITY_DAYS ${int(1)}`]],
  PUBLICATION_DAYS: [['0', `PUBLICATION_DAYS ${int(1)}`]],
  PUBLICATION_DEADLINE_WORKING_DAYS: [['0', `PUBLICATION_DEADLINE_WORKING_DAYS ${int(1)}`]],
  REPAIR_MIN_DAYS: [['-1', `REPAIR_MIN_DAYS ${int(0)}`]],
  TURN_BACK_REQUIRES_PUBLICATION: [
    ['yes', 'TURN_BACK_REQUIRES_PUBLICATION must be true or false'],
    ['TRUE', 'TURN_BACK_REQUIRES_PUBLICATION must be true or false'],
  ],
  NOTICE_PERIOD_WORKING_DAYS: [
    ['-1', `NOTICE_PERIOD_WORKING_DAYS ${int(0, 60)}`],
    ['61', `NOTICE_PERIOD_WORKING_DAYS ${int(0, 60)}`],
  ],
  OBJECTION_REPLY_WORKING_DAYS: [['0', `OBJECTION_REPLY_WORKING_DAYS ${int(1, 60)}`]],
  OFFICIAL_CALENDAR_FILE: [
    [' ', 'OFFICIAL_CALENDAR_FILE must not be blank or start or end with spaces'],
    [
      MISSING_CALENDAR,
      `OFFICIAL_CALENDAR_FILE cannot be read (${MISSING_CALENDAR}): ENOENT: no such file or directory, open '${MISSING_CALENDAR}'`,
    ],
    [NOT_JSON, `OFFICIAL_CALENDAR_FILE is not JSON (${NOT_JSON}): Unexpected end of JSON input`],
    [BAD_YEAR, `Invalid OFFICIAL_CALENDAR_FILE (${BAD_YEAR}): year 2027: 2028-01-01 is outside 2027`],
  ],
  POSTING_ENDS_WITH_LISTING: [['no', 'POSTING_ENDS_WITH_LISTING must be true or false']],
  COMPANY_LISTING_PERCENT: [
    ['0', `COMPANY_LISTING_PERCENT ${int(1, 100)}`],
    ['101', `COMPANY_LISTING_PERCENT ${int(1, 100)}`],
  ],
  GATE_FAILURE_MODE: [['maybe', 'GATE_FAILURE_MODE must be open or closed']],
  GATE_DEADLINE_MS: [
    [
      '0',
      `GATE_DEADLINE_MS ${int(1, 60000)}`,
      'GATE_DB_TIMEOUT_MS must leave 15 ms of GATE_DEADLINE_MS (5 for Redis, 10 for the answer) (GATE_DB_TIMEOUT_MS=50, GATE_DEADLINE_MS=0)',
    ],
    ['60001', `GATE_DEADLINE_MS ${int(1, 60000)}`],
    // Under the default GATE_DB_TIMEOUT_MS (50) the fallback would outlive the deadline.
    [
      '50',
      'GATE_DB_TIMEOUT_MS must leave 15 ms of GATE_DEADLINE_MS (5 for Redis, 10 for the answer) (GATE_DB_TIMEOUT_MS=50, GATE_DEADLINE_MS=50)',
    ],
  ],
  GATE_DB_TIMEOUT_MS: [
    ['0', `GATE_DB_TIMEOUT_MS ${int(1, 60000)}`],
    [
      '100',
      'GATE_DB_TIMEOUT_MS must leave 15 ms of GATE_DEADLINE_MS (5 for Redis, 10 for the answer) (GATE_DB_TIMEOUT_MS=100, GATE_DEADLINE_MS=100)',
    ],
    [
      '101',
      'GATE_DB_TIMEOUT_MS must leave 15 ms of GATE_DEADLINE_MS (5 for Redis, 10 for the answer) (GATE_DB_TIMEOUT_MS=101, GATE_DEADLINE_MS=100)',
    ],
    // One millisecond too many: Redis would get its 5 ms minimum and the deadline could be overrun.
    [
      '86',
      'GATE_DB_TIMEOUT_MS must leave 15 ms of GATE_DEADLINE_MS (5 for Redis, 10 for the answer) (GATE_DB_TIMEOUT_MS=86, GATE_DEADLINE_MS=100)',
    ],
  ],
  GATE_AUTH_FAILURES_PER_MINUTE: [['0', `GATE_AUTH_FAILURES_PER_MINUTE ${int(1, 1_000_000)}`]],
  GATE_KEY_REFRESH_SECONDS: [
    ['0', `GATE_KEY_REFRESH_SECONDS ${int(1, 3600)}`],
    ['3601', `GATE_KEY_REFRESH_SECONDS ${int(1, 3600)}`],
  ],
  KAFKA_TOPIC_PARTITIONS: [
    ['0', `KAFKA_TOPIC_PARTITIONS ${int(1, 1000)}`],
    ['1001', `KAFKA_TOPIC_PARTITIONS ${int(1, 1000)}`],
  ],
  AUDIT_HMAC_KEY: [
    ['x'.repeat(31), `AUDIT_HMAC_KEY must be ${AUDIT_KEY}`],
    [`${'x'.repeat(20)} ${'y'.repeat(20)}`, `AUDIT_HMAC_KEY must be ${AUDIT_KEY}`],
    [`${'x'.repeat(20)},${'y'.repeat(20)}`, `AUDIT_HMAC_KEY must be ${AUDIT_KEY}`],
    [
      AUDIT_HMAC_DEVELOPMENT_KEY,
      'AUDIT_HMAC_KEY must not be the published development key outside NODE_ENV=development or test',
    ],
  ],
  AUDIT_HMAC_RETIRED_KEYS: [
    [`${'x'.repeat(32)},short`, `AUDIT_HMAC_RETIRED_KEYS must be a comma-separated list of keys of ${AUDIT_KEY}`],
    [`${'x'.repeat(32)},`, `AUDIT_HMAC_RETIRED_KEYS must be a comma-separated list of keys of ${AUDIT_KEY}`],
  ],
  AUDIT_ANCHOR_INTERVAL_MS: [['999', `AUDIT_ANCHOR_INTERVAL_MS ${int(1000, 3_600_000)}`]],
  AUDIT_VERIFICATION_CACHE_SECONDS: [['0', `AUDIT_VERIFICATION_CACHE_SECONDS ${int(1, 86_400)}`]],
  AUDIT_VERIFICATION_EVERY_SECONDS: [['-1', `AUDIT_VERIFICATION_EVERY_SECONDS ${int(0, 604_800)}`]],
  METRICS_SAMPLE_SECONDS: [
    ['0', `METRICS_SAMPLE_SECONDS ${int(1, 300)}`],
    ['1.5', `METRICS_SAMPLE_SECONDS ${int(1, 300)}`],
  ],
  LOG_LEVEL: [['loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent']],
};

const BAD_CASES = (Object.entries(BAD_VALUES) as [ConfigKey, [string, ...string[]][]][]).flatMap(([key, rows]) =>
  rows.map(([value, ...problems]) => [key, value, problems] as const),
);

describe('loadConfig', () => {
  it('gives the SPEC §7 defaults for an empty environment', () => {
    const c = loadConfig({});
    // Every variable (toEqual: a new default not listed here fails); the JWT keys have none.
    expect(c).toEqual({
      NODE_ENV: 'production',
      KAFKA_BROKERS: 'localhost:9092',
      KAFKA_GROUP_ID: 'overload-credit-ingest',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SSL: false,
      TOPIC_PREFIX: '',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/overload_credit',
      DB_OWNER_ROLE: 'overload_owner',
      DB_APP_ROLE: 'overload_app',
      DB_GATE_ROLE: 'overload_gate',
      STAFF_STATEMENT_TIMEOUT_MS: 10000,
      GATE_REQUEST_TIMEOUT_MS: 2000,
      OUTBOX_RETENTION_HOURS: 24,
      STAFF_REQUEST_TIMEOUT_MS: 30000,
      TRUSTED_PROXIES: 'loopback',
      HEALTH_DETAILS_FROM: 'loopback',
      EVIDENCE_HOSTS: '',
      PUBLIC_CORS_ORIGINS: '',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      REDIS_KEY_PREFIX: 'oc:',
      GATE_PORT: 3001,
      STAFF_PORT: 3002,
      INGEST_PORT: 3003,
      STAFF_TOKEN_MAX_HOURS: 12,
      LISTING_THRESHOLD: 3,
      COUNT_WINDOW_DAYS: 365,
      WARNING_BAND_KG: 1000,
      ENTRY_TOLERANCE_PERCENT: 5,
      TRIP_MERGE_MINUTES: 60,
      LISTING_VALIDITY_DAYS: 365,
      PUBLICATION_DAYS: 730,
      PUBLICATION_DEADLINE_WORKING_DAYS: 7,
      REPAIR_MIN_DAYS: 0,
      TURN_BACK_REQUIRES_PUBLICATION: false,
      NOTICE_PERIOD_WORKING_DAYS: 5,
      OBJECTION_REPLY_WORKING_DAYS: 5,
      POSTING_ENDS_WITH_LISTING: false,
      COMPANY_LISTING_PERCENT: 10,
      GATE_FAILURE_MODE: 'open',
      GATE_DEADLINE_MS: 100,
      GATE_DB_TIMEOUT_MS: 50,
      GATE_AUTH_FAILURES_PER_MINUTE: 20,
      GATE_KEY_REFRESH_SECONDS: 10,
      KAFKA_TOPIC_PARTITIONS: 6,
      AUDIT_ANCHOR_INTERVAL_MS: 60_000,
      AUDIT_VERIFICATION_CACHE_SECONDS: 60,
      AUDIT_VERIFICATION_EVERY_SECONDS: 3600,
      METRICS_SAMPLE_SECONDS: 10,
      LOG_LEVEL: 'info',
    });
  });

  describe('the audit HMAC key (SPEC §4.7)', () => {
    const key = 'k'.repeat(40);
    it('is required outside NODE_ENV=development or test, with a message that says how to make one', () => {
      expect(() => auditHmacSecrets(loadConfig({}))).toThrow(
        new ConfigError([
          `AUDIT_HMAC_KEY must be set (NODE_ENV=production): audit entries are sealed with it (${AUDIT_KEY}); ` +
            'only NODE_ENV=development or test fall back to the published development key',
        ]),
      );
    });
    it('falls back to the published development key under development and test, and says so', () => {
      for (const NODE_ENV of ['development', 'test'])
        expect(auditHmacSecrets(loadConfig({ NODE_ENV }))).toEqual({
          current: AUDIT_HMAC_DEVELOPMENT_KEY,
          retired: [],
          development: true,
        });
      expect(loadConfig({ NODE_ENV: 'test', AUDIT_HMAC_KEY: AUDIT_HMAC_DEVELOPMENT_KEY }).AUDIT_HMAC_KEY).toBe(
        AUDIT_HMAC_DEVELOPMENT_KEY,
      );
    });
    it('takes the key and the retired keys as given', () => {
      const retired = `${'r'.repeat(32)},${'s'.repeat(48)}`;
      expect(auditHmacSecrets(loadConfig({ AUDIT_HMAC_KEY: key, AUDIT_HMAC_RETIRED_KEYS: retired }))).toEqual({
        current: key,
        retired: ['r'.repeat(32), 's'.repeat(48)],
        development: false,
      });
    });
    it('refuses the published key among the retired ones outside development', () => {
      expect(problemsFor({ AUDIT_HMAC_KEY: key, AUDIT_HMAC_RETIRED_KEYS: AUDIT_HMAC_DEVELOPMENT_KEY })).toEqual([
        'AUDIT_HMAC_RETIRED_KEYS must not be the published development key outside NODE_ENV=development or test',
      ]);
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

  it('every variable AppConfig declares a rule for is read from the environment and has a bad-value row', () => {
    const declared = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(AppConfig, '', true, false)
        .map((m) => m.propertyName),
    );
    for (const key of Object.keys(new AppConfig())) declared.add(key);
    expect([...declared].sort()).toEqual([...CONFIG_KEYS].sort());
    expect(Object.keys(BAD_VALUES).sort()).toEqual([...CONFIG_KEYS].sort());
    expect(Object.values(BAD_VALUES).every((rows) => rows.length > 0)).toBe(true);
  });

  it.each(BAD_CASES)('%s=%j stops the process with %j', (key, value, problems) => {
    expect(problemsFor({ [key]: value })).toEqual(problems);
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`process.exit(${String(code)})`);
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfigOrExit({ [key]: value })).toThrow('process.exit(78)');
      expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toBe(
        `Invalid configuration:\n${problems.map((p) => `  - ${p}\n`).join('')}`,
      );
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });

  it('accepts a GATE_DB_TIMEOUT_MS that leaves exactly 15 ms of GATE_DEADLINE_MS, and gives Redis 5 of them', () => {
    const config = loadConfig({ GATE_DEADLINE_MS: '200', GATE_DB_TIMEOUT_MS: '185' });
    expect(config).toMatchObject({ GATE_DEADLINE_MS: 200, GATE_DB_TIMEOUT_MS: 185 });
    expect(gateRedisBudgetMs(config.GATE_DEADLINE_MS, config.GATE_DB_TIMEOUT_MS)).toBe(5);
    expect(gateRedisBudgetMs(100, 50)).toBe(40);
  });

  it('compares GATE_DB_TIMEOUT_MS with GATE_DEADLINE_MS only when both are integers', () => {
    expect(problemsFor({ GATE_DEADLINE_MS: 'soon', GATE_DB_TIMEOUT_MS: '200' })).toEqual([
      `GATE_DEADLINE_MS ${int(1, 60000)}`,
    ]);
  });

  it('gives each app its database URL: its own when set, else DATABASE_URL as its role without the password', () => {
    const derived = loadConfig({ DATABASE_URL: 'postgres://admin:secret@db.example:6432/oc?sslmode=require' });
    expect(databaseUrlFor(derived, 'app')).toBe('postgres://overload_app@db.example:6432/oc?sslmode=require');
    expect(databaseUrlFor(derived, 'gate')).toBe('postgres://overload_gate@db.example:6432/oc?sslmode=require');
    const own = loadConfig({
      DB_APP_ROLE: 'oc_app',
      APP_DATABASE_URL: 'postgres://oc_app:pw@pgbouncer:6432/oc',
      GATE_DATABASE_URL: 'postgres://overload_gate:pw2@replica:5432/oc',
    });
    expect(databaseUrlFor(own, 'app')).toBe('postgres://oc_app:pw@pgbouncer:6432/oc');
    expect(databaseUrlFor(own, 'gate')).toBe('postgres://overload_gate:pw2@replica:5432/oc');
  });

  it('accepts the published development secret only with NODE_ENV=development (SPEC §4.8)', () => {
    expect(problemsFor({ STAFF_JWT_SECRET: PUBLISHED_DEVELOPMENT_SECRET, NODE_ENV: 'development' })).toEqual([]);
    for (const NODE_ENV of ['production', 'test'])
      expect(problemsFor({ STAFF_JWT_SECRET: PUBLISHED_DEVELOPMENT_SECRET, NODE_ENV })).toEqual([PUBLISHED_RULE]);
    expect(problemsFor({ STAFF_JWT_SECRET: 'a-secret-of-our-own-0123456789abcdef', NODE_ENV: 'production' })).toEqual(
      [],
    );
  });

  it('accepts a 2048-bit RSA public key, and refuses it beside an HS256 secret', () => {
    expect(problemsFor({ STAFF_JWT_PUBLIC_KEY: RSA_PUBLIC_KEY })).toEqual([]);
    expect(
      problemsFor({ STAFF_JWT_PUBLIC_KEY: RSA_PUBLIC_KEY, STAFF_JWT_SECRET: 'a-secret-of-our-own-0123456789abcdef' }),
    ).toEqual(['STAFF_JWT_PUBLIC_KEY and STAFF_JWT_SECRET exclude each other: set one (RS256 or HS256), not both']);
  });

  describe('OFFICIAL_CALENDAR_FILE (docs/calendar.md)', () => {
    afterEach(() => installOfficialCalendar(OFFICIAL_CALENDAR));

    it('unset: the process counts on the built-in calendar, which answers "calendar missing" past its last year', () => {
      loadConfigOrExit({});
      expect(officialCalendarInUse()).toBe(OFFICIAL_CALENDAR);
      const next = Math.max(...OFFICIAL_CALENDAR.knownYears) + 1;
      expect(workingDayDeadline(new Date(`${next - 1}-12-31T10:00:00+08:00`), 5)).toMatchObject({
        ok: false,
        year: next,
      });
      expect(syntheticCalendarWarning()).toBeUndefined();
    });

    it('set: loadConfigOrExit merges the file over the built-in calendar for the whole process', () => {
      const file = calendarFile('synthetic-2027.json', SYNTHETIC_2027);
      expect(loadConfig({ OFFICIAL_CALENDAR_FILE: file }).OFFICIAL_CALENDAR_FILE).toBe(file);
      // loadConfig only checks the file; the app's start installs it.
      expect(officialCalendarInUse()).toBe(OFFICIAL_CALENDAR);
      loadConfigOrExit({ OFFICIAL_CALENDAR_FILE: file });
      expect(officialCalendarInUse().syntheticYears).toEqual([2027]);
      expect(workingDayDeadline(new Date('2026-12-31T02:00:00Z'), 5)).toEqual({
        ok: true,
        dueBy: new Date('2027-01-09T00:00:00+08:00'),
      });
      expect(syntheticCalendarWarning()).toMatch(
        /^OFFICIAL_CALENDAR_FILE holds SYNTHETIC years 2027: made-up test data/,
      );
    });
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

function problemsFor(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
