import 'reflect-metadata';
import { createPublicKey } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  ValidationError,
} from 'class-validator';
import { installOfficialCalendar } from '@oc/domain';
import { readOfficialCalendarFile } from './official-calendar-file';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `loopback`, `linklocal`, `uniquelocal`, `none`, an IPv4/IPv6 address or CIDR; comma-separated. */
const ADDRESS_ITEM = String.raw`(loopback|linklocal|uniquelocal|none|[0-9.]+(\/\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/\d{1,3})?)`;
const ADDRESS_LIST = new RegExp(`^${ADDRESS_ITEM}(,${ADDRESS_ITEM})*$`);
const ADDRESS_LIST_MESSAGE = (name: string) =>
  `${name} must be a comma-separated list of loopback, linklocal, uniquelocal, none, IP addresses or CIDRs`;

/** Environment values arrive as strings; integers must be written as integers, nothing else. */
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const rule = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return [
    Transform(toInt),
    IsInt({ message: (a) => `${a.property} must be ${rule}` }),
    Min(min, { message: (a) => `${a.property} must be ${rule}` }),
    Max(max, { message: (a) => `${a.property} must be ${rule}` }),
  ];
};
const apply =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));
const Int = (min: number, max?: number): PropertyDecorator => apply(...int(min, max));
/**
 * The gate's deadline holds the Redis lookup, then the Postgres fallback, then the answer: Redis gets
 * what GATE_DEADLINE_MS leaves after GATE_DB_TIMEOUT_MS and this margin, and never less than its minimum
 * (docs/reliability.md).
 */
export const GATE_REDIS_MIN_MS = 5;
export const GATE_ANSWER_MARGIN_MS = 10;
export const gateRedisBudgetMs = (deadlineMs: number, dbTimeoutMs: number): number =>
  Math.max(GATE_REDIS_MIN_MS, deadlineMs - dbTimeoutMs - GATE_ANSWER_MARGIN_MS);
/** `property + reserve <= other`, checked only when both are integers (otherwise their own rules report them). */
const LeavesOf = (other: string, reserveMs: number, reserveFor: string): PropertyDecorator =>
  ValidateBy({
    name: 'leavesOf',
    constraints: [other, reserveMs],
    validator: {
      validate: (value: unknown, args) => {
        const limit = (args?.object as Record<string, unknown>)[other];
        return (
          !Number.isInteger(value) || !Number.isInteger(limit) || (value as number) + reserveMs <= (limit as number)
        );
      },
      defaultMessage: (args) => {
        const limit = (args?.object as Record<string, unknown>)[other];
        return `${args?.property} must leave ${reserveMs} ms of ${other} (${reserveFor}) (${args?.property}=${String(args?.value)}, ${other}=${String(limit)})`;
      },
    },
  });
/** A role name `migrate` can write unquoted in SQL: lower-case letters, digits and "_", 63 bytes at most. */
const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;
const ROLE_NAME = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/;
const ROLE_NAME_RULE = (key: string): string =>
  `${key} must be a lower-case SQL name (letters, digits, "_", not starting with a digit or "pg_", at most 63)`;
/** Each role its own: an app role that is the owner would own the audit log it must not rewrite. */
const DifferentFrom = (...others: string[]): PropertyDecorator =>
  ValidateBy({
    name: 'differentFrom',
    constraints: others,
    validator: {
      validate: (value: unknown, args) => others.every((o) => (args?.object as Record<string, unknown>)[o] !== value),
      defaultMessage: (args) =>
        `${args?.property} must differ from ${others.filter((o) => (args?.object as Record<string, unknown>)[o] === args?.value).join(' and ')} (${String(args?.value)})`,
    },
  });
/**
 * The URL's user is the role named by `roleKey`: the grants `migrate` makes are the role's, not the URL's.
 * Checked only on a postgres:// URL (otherwise its own rule reports it).
 */
const ConnectsAs = (roleKey: string): PropertyDecorator =>
  ValidateBy({
    name: 'connectsAs',
    constraints: [roleKey],
    validator: {
      validate: (value: unknown, args) =>
        typeof value !== 'string' ||
        !POSTGRES_URL.test(value) ||
        urlUser(value) === (args?.object as Record<string, unknown>)[roleKey],
      defaultMessage: (args) =>
        `${args?.property} must connect as ${roleKey} (${String((args?.object as Record<string, unknown>)[roleKey])}), not as ${String(urlUser(String(args?.value)))}`,
    },
  });
function urlUser(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).username) || undefined;
  } catch {
    return undefined;
  }
}
/**
 * The audit key published in this repository (docs/operations.md): it seals the entries of a laptop or a
 * test run, where the chain protects nothing; anywhere else it would let anyone reseal a rewritten chain.
 */
export const AUDIT_HMAC_DEVELOPMENT_KEY = 'development-only-audit-hmac-key-not-secret';
const DEVELOPMENT_ENVIRONMENTS: readonly string[] = ['development', 'test'];
const AUDIT_KEY_RULE = `at least 32 characters without whitespace or commas (e.g. openssl rand -base64 48)`;
/** An audit HMAC secret (or a comma-separated list of them): long enough, listable, not the published one. */
const AuditSecrets = (list: boolean): PropertyDecorator =>
  ValidateBy({
    name: 'auditSecrets',
    validator: {
      validate: (value: unknown, args) => {
        if (typeof value !== 'string') return false;
        const secrets = list ? value.split(',') : [value];
        const development = DEVELOPMENT_ENVIRONMENTS.includes(String((args?.object as AppConfig).NODE_ENV));
        return secrets.every(
          (s) => s.length >= 32 && /^[^\s,]+$/.test(s) && (development || s !== AUDIT_HMAC_DEVELOPMENT_KEY),
        );
      },
      defaultMessage: (args) => {
        const value = String(args?.value);
        const secrets = list ? value.split(',') : [value];
        if (secrets.includes(AUDIT_HMAC_DEVELOPMENT_KEY) && secrets.every((s) => s.length >= 32 && /^[^\s,]+$/.test(s)))
          return `${args?.property} must not be the published development key outside NODE_ENV=development or test`;
        return list
          ? `${args?.property} must be a comma-separated list of keys of ${AUDIT_KEY_RULE}`
          : `${args?.property} must be ${AUDIT_KEY_RULE}`;
      },
    },
  });
/**
 * The staff-token secret that README.md, scripts/up.sh and docker/compose.yaml publish so that a laptop
 * works out of the box (SPEC §4.8): everyone can read it, so it signs nothing outside NODE_ENV=development.
 */
export const PUBLISHED_DEVELOPMENT_SECRET = 'development-only-secret-change-me-please';
const NotPublishedSecret = (): PropertyDecorator =>
  ValidateBy({
    name: 'notPublishedSecret',
    validator: {
      validate: (value: unknown, args) =>
        value !== PUBLISHED_DEVELOPMENT_SECRET || (args?.object as AppConfig).NODE_ENV === 'development',
      defaultMessage: () =>
        'STAFF_JWT_SECRET is the development secret published in README.md; it is accepted only with ' +
        'NODE_ENV=development (set a secret of your own)',
    },
  });
/** RS256 needs an RSA key (no algorithm confusion: SPEC §4.8); a PEM of another kind is refused at boot. */
const RsaPublicKey = (): PropertyDecorator =>
  ValidateBy({
    name: 'rsaPublicKey',
    validator: {
      validate: (value: unknown) => {
        // Not a PEM at all: the Matches rule reports it.
        if (typeof value !== 'string' || !value.includes('-----BEGIN PUBLIC KEY-----')) return true;
        try {
          const key = createPublicKey(value);
          return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'STAFF_JWT_PUBLIC_KEY must be an RSA public key of at least 2048 bits (RS256)',
    },
  });
const ExcludesSecret = (): PropertyDecorator =>
  ValidateBy({
    name: 'excludesSecret',
    validator: {
      validate: (_value: unknown, args) => !(args?.object as AppConfig).STAFF_JWT_SECRET,
      defaultMessage: () =>
        'STAFF_JWT_PUBLIC_KEY and STAFF_JWT_SECRET exclude each other: set one (RS256 or HS256), not both',
    },
  });
const NotBlank = (name: string): PropertyDecorator =>
  apply(IsString(), Matches(/^\S(.*\S)?$/, { message: `${name} must not be blank or start or end with spaces` }));

/** The file is read and checked at boot like calendar-overrides.json (docs/calendar.md); its message says why not. */
const CalendarFile = (): PropertyDecorator =>
  ValidateBy({
    name: 'calendarFile',
    validator: {
      // A blank value is NotBlank's to report.
      validate: (value: unknown) =>
        typeof value !== 'string' || value.trim() !== value || value === '' || calendarFileProblem(value) === undefined,
      defaultMessage: (args) => calendarFileProblem(String(args?.value)) ?? 'OFFICIAL_CALENDAR_FILE is invalid',
    },
  });
function calendarFileProblem(file: string): string | undefined {
  try {
    readOfficialCalendarFile(file);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const Bool = (): PropertyDecorator =>
  apply(Transform(toBool), IsIn([true, false], { message: (a) => `${a.property} must be true or false` }));

/**
 * Every setting of SPEC §7, declared once. Nothing else in the code base reads process.env:
 * apps, CLI, tests and benchmarks receive an AppConfig.
 */
export class AppConfig {
  /** production unless said otherwise: development conveniences (published keys) need it said. */
  @IsIn(['production', 'development', 'test'], { message: 'NODE_ENV must be production, development or test' })
  NODE_ENV: 'production' | 'development' | 'test' = 'production';

  @IsString()
  @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS = 'localhost:9092';

  @IsString()
  // Blank counts as empty: an empty value already means "unset" (the default), so only blanks reach here.
  @Matches(/\S/, { message: 'KAFKA_GROUP_ID must not be empty' })
  KAFKA_GROUP_ID = 'overload-credit-ingest';

  /**
   * The principal this process logs in to Kafka as, with SASL/SCRAM (docs/kafka.md, docs/security.md):
   * each app has its own, and the broker's ACLs let it touch only its own topics. Unset: no
   * authentication, which only an open development broker (KAFKA_AUTH=none) accepts.
   */
  @ValidateIf((c: AppConfig) => c.KAFKA_SASL_USERNAME !== undefined || c.KAFKA_SASL_PASSWORD !== undefined)
  @IsString({ message: 'KAFKA_SASL_USERNAME must be set with KAFKA_SASL_PASSWORD' })
  @ValidateBy({
    name: 'principalName',
    validator: {
      // Only a string is checked here: a missing name is IsString's to report.
      validate: (value: unknown) => typeof value !== 'string' || /^[A-Za-z0-9._-]+$/.test(value),
      defaultMessage: () => 'KAFKA_SASL_USERNAME may contain only letters, digits, ".", "_" and "-"',
    },
  })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((c: AppConfig) => c.KAFKA_SASL_USERNAME !== undefined)
  @IsString({ message: 'KAFKA_SASL_PASSWORD must be set with KAFKA_SASL_USERNAME' })
  KAFKA_SASL_PASSWORD?: string;

  @IsIn(['scram-sha-512', 'scram-sha-256'], {
    message: 'KAFKA_SASL_MECHANISM must be one of scram-sha-512, scram-sha-256',
  })
  KAFKA_SASL_MECHANISM: 'scram-sha-512' | 'scram-sha-256' = 'scram-sha-512';

  /** TLS to the brokers: required wherever the network between the apps and Kafka is not the machine's own. */
  @Bool() KAFKA_SSL = false;

  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'TOPIC_PREFIX may contain only letters, digits, ".", "_" and "-"' })
  TOPIC_PREFIX = '';

  @IsString()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/overload_credit';

  /**
   * The three database roles `migrate` creates and grants (docs/operations.md): the owner of the schema
   * (migrations only), the apps' role (no UPDATE/DELETE on audit_log, no DDL) and the gate's read-only role.
   */
  @Matches(ROLE_NAME, { message: ROLE_NAME_RULE('DB_OWNER_ROLE') }) DB_OWNER_ROLE = 'overload_owner';
  @Matches(ROLE_NAME, { message: ROLE_NAME_RULE('DB_APP_ROLE') })
  @DifferentFrom('DB_OWNER_ROLE')
  DB_APP_ROLE = 'overload_app';
  @Matches(ROLE_NAME, { message: ROLE_NAME_RULE('DB_GATE_ROLE') })
  @DifferentFrom('DB_OWNER_ROLE', 'DB_APP_ROLE')
  DB_GATE_ROLE = 'overload_gate';

  /** Ingest, staff-api and the CLI; unset: DATABASE_URL with DB_APP_ROLE as its user and no password. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'APP_DATABASE_URL must be a postgres:// URL' })
  @ConnectsAs('DB_APP_ROLE')
  APP_DATABASE_URL?: string;

  /** gate-api; unset: DATABASE_URL with DB_GATE_ROLE as its user and no password. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'GATE_DATABASE_URL must be a postgres:// URL' })
  @ConnectsAs('DB_GATE_ROLE')
  GATE_DATABASE_URL?: string;

  /** Postgres cancels a staff-api statement running longer than this; the request answers 503 QUERY_TIMEOUT. */
  @Int(100, 600000) STAFF_STATEMENT_TIMEOUT_MS = 10000;

  /**
   * How long a client may take to send a whole request (headers and body) before the socket is closed
   * (docs/security.md): a slow sender holds no socket for long. The gate's is far shorter: a lane
   * controller sends a query string, and its own deadline is GATE_DEADLINE_MS.
   */
  @Int(100, 60000) GATE_REQUEST_TIMEOUT_MS = 2000;
  /** Published outbox rows are deleted this long after publication (docs/operations.md). */
  @Int(1, 8760) OUTBOX_RETENTION_HOURS = 24;
  @Int(1000, 600000) STAFF_REQUEST_TIMEOUT_MS = 30000;

  /**
   * The addresses whose X-Forwarded-For is believed (reverse proxies): `loopback`, `linklocal`,
   * `uniquelocal` or IPs and CIDRs, comma-separated; `none` believes no proxy. The public rate limit
   * counts the client address this yields.
   */
  @Matches(ADDRESS_LIST, { message: ADDRESS_LIST_MESSAGE('TRUSTED_PROXIES') })
  TRUSTED_PROXIES = 'loopback';

  /**
   * The image hosts of the stations (host or host:port, comma-separated) that staff-api fetches
   * evidence images from for the console (docs/security.md): the browser never loads a host of the
   * event's choosing, and staff-api fetches nothing else. Empty: no image is shown.
   */
  @Matches(/^([A-Za-z0-9.-]+(:\d{1,5})?(,[A-Za-z0-9.-]+(:\d{1,5})?)*)?$/, {
    message: 'EVIDENCE_HOSTS must be a comma-separated list of host or host:port',
  })
  EVIDENCE_HOSTS = '';

  /**
   * The web origins (scheme://host[:port], comma-separated) whose pages may read the public postings
   * API (/v1/public/*) from the browser (CORS, GET and HEAD only); `*` for any origin. Empty: none.
   * The staff endpoints never answer a cross-origin request.
   */
  @Matches(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(,https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)*)?$/, {
    message: 'PUBLIC_CORS_ORIGINS must be *, or a comma-separated list of origins like https://postings.example.org',
  })
  PUBLIC_CORS_ORIGINS = '';

  /** Who sees the details of /health/ready (which dependency is down, and its error): the same forms. */
  @Matches(ADDRESS_LIST, { message: ADDRESS_LIST_MESSAGE('HEALTH_DETAILS_FROM') })
  HEALTH_DETAILS_FROM = 'loopback';

  @IsString()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379/0';

  @IsString()
  @Matches(/^[A-Za-z0-9:._-]*$/, {
    message: 'REDIS_KEY_PREFIX may contain only letters, digits, ":", ".", "_" and "-"',
  })
  REDIS_KEY_PREFIX = 'oc:';

  @Int(1, 65535) GATE_PORT = 3001;
  @Int(1, 65535) STAFF_PORT = 3002;
  /** Port of ingest's own health and metrics endpoint. */
  @Int(1, 65535) INGEST_PORT = 3003;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'STAFF_JWT_SECRET must be at least 32 characters' })
  @NotPublishedSecret()
  STAFF_JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  @Matches(/-----BEGIN PUBLIC KEY-----/, { message: 'STAFF_JWT_PUBLIC_KEY must be a PEM public key' })
  @RsaPublicKey()
  @ExcludesSecret()
  STAFF_JWT_PUBLIC_KEY?: string;

  /** A staff token's `exp` is at most this many hours after its `iat` (SPEC §4.8); token:issue caps at it. */
  @Int(1, 168) STAFF_TOKEN_MAX_HOURS = 12;
  /** When set, a staff token's `iss` must equal it (the identity provider's issuer). */
  @IsOptional() @NotBlank('STAFF_JWT_ISSUER') STAFF_JWT_ISSUER?: string;
  /** When set, a staff token's `aud` must be or contain it. */
  @IsOptional() @NotBlank('STAFF_JWT_AUDIENCE') STAFF_JWT_AUDIENCE?: string;

  @Int(1) LISTING_THRESHOLD = 3;
  @Int(1) COUNT_WINDOW_DAYS = 365;
  @Int(0) WARNING_BAND_KG = 1000;
  /** 交办公路明电〔2019〕117号: toll-entry readings within this percentage of the limit are TOLERATED. */
  @Int(0, 100) ENTRY_TOLERANCE_PERCENT = 5;
  @Int(0) TRIP_MERGE_MINUTES = 60;
  @Int(1) LISTING_VALIDITY_DAYS = 365;
  @Int(1) PUBLICATION_DAYS = 730;
  @Int(1) PUBLICATION_DEADLINE_WORKING_DAYS = 7;
  @Int(0) REPAIR_MIN_DAYS = 0;
  @Bool() TURN_BACK_REQUIRES_PUBLICATION = false;
  /**
   * 国办发〔2020〕49号 (八): the party is told and may object before a listing takes effect; 0 makes a
   * listing effective at listedAt (the notice is still issued), for deployments whose rules allow it.
   */
  @Int(0, 60) NOTICE_PERIOD_WORKING_DAYS = 5;
  /** Objections (异议) are answered within this many working days of their receipt. */
  @Int(1, 60) OBJECTION_REPLY_WORKING_DAYS = 5;
  /**
   * A JSON file in calendar-overrides.json's format, merged over the built-in working-day calendar at
   * start (docs/calendar.md): a year the State Council published after this release, or a SYNTHETIC
   * year for a test run. Unset: the built-in calendar only.
   */
  @IsOptional()
  @NotBlank('OFFICIAL_CALENDAR_FILE')
  @CalendarFile()
  OFFICIAL_CALENDAR_FILE?: string;
  /** Whether the end of a listing's validity also takes its posting down (交办公路〔2017〕8号: two years). */
  @Bool() POSTING_ENDS_WITH_LISTING = false;
  /** A company whose listings in effect exceed this share of its registered fleet is a candidate. */
  @Int(1, 100) COMPANY_LISTING_PERCENT = 10;

  @IsIn(['open', 'closed'], { message: 'GATE_FAILURE_MODE must be open or closed' })
  GATE_FAILURE_MODE: 'open' | 'closed' = 'open';

  @Int(1, 60000) GATE_DEADLINE_MS = 100;
  /** The Postgres fallback runs inside the gate's deadline, after Redis's share and before the answer. */
  @Int(1, 60000)
  @LeavesOf(
    'GATE_DEADLINE_MS',
    GATE_REDIS_MIN_MS + GATE_ANSWER_MARGIN_MS,
    `${GATE_REDIS_MIN_MS} for Redis, ${GATE_ANSWER_MARGIN_MS} for the answer`,
  )
  GATE_DB_TIMEOUT_MS = 50;
  /** Failed station keys (malformed, wrong, unverifiable) one address may send a minute before 429 (SPEC §4.8). */
  @Int(1, 1_000_000) GATE_AUTH_FAILURES_PER_MINUTE = 20;
  /** Each gate reloads the active station keys this often (and on every change it is notified of). */
  @Int(1, 3600) GATE_KEY_REFRESH_SECONDS = 10;
  @Int(1, 1000) KAFKA_TOPIC_PARTITIONS = 6;

  /**
   * SPEC §4.7: seals every audit entry and anchor (HMAC-SHA256); the database never holds it. Required by
   * every process that writes or verifies audit entries, except under NODE_ENV=development or test, which
   * fall back to AUDIT_HMAC_DEVELOPMENT_KEY (docs/operations.md).
   */
  @IsOptional()
  @AuditSecrets(false)
  AUDIT_HMAC_KEY?: string;
  /** Earlier AUDIT_HMAC_KEYs, comma-separated: entries sealed with them still verify, none is sealed anew. */
  @IsOptional()
  @AuditSecrets(true)
  AUDIT_HMAC_RETIRED_KEYS?: string;
  /** How often the chain head is anchored to audit.anchors.v1 (SPEC §4.7: every minute). */
  @Int(1000, 3_600_000) AUDIT_ANCHOR_INTERVAL_MS = 60_000;
  /** The staff API answers /audit/verification from a result at most this old (a walk reads the whole log). */
  @Int(1, 86_400) AUDIT_VERIFICATION_CACHE_SECONDS = 60;
  /**
   * staff-api walks the chain in the background this often, so that `staff_audit_verification_failed`
   * stays current without anyone asking (docs/operations.md "Alerts"); 0: only when asked.
   */
  @Int(0, 604_800) AUDIT_VERIFICATION_EVERY_SECONDS = 3600;
  /** How often each app reads the figures its alerts need (Kafka lag, outbox, Redis INFO …) in the background. */
  @Int(1, 300) METRICS_SAMPLE_SECONDS = 10;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
}

export type ConfigKey = Exclude<keyof AppConfig, never>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const flatten = (errors: ValidationError[]): string[] =>
  errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...flatten(e.children ?? [])]);

/**
 * Builds the configuration from an environment (process.env by default). Unknown variables are ignored,
 * empty strings count as unset, and every problem is reported at once.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const defaults = new AppConfig();
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults) as ConfigKey[]) raw[key] = defaults[key];
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  const problems = flatten(validateSync(config, { forbidUnknownValues: true }));
  const dedup = [...new Set(problems)];
  if (dedup.length > 0) throw new ConfigError(dedup);
  return config;
}

/** Every variable name the service reads, in SPEC §7 order. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  'NODE_ENV',
  'KAFKA_BROKERS',
  'KAFKA_GROUP_ID',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SSL',
  'TOPIC_PREFIX',
  'DATABASE_URL',
  'DB_OWNER_ROLE',
  'DB_APP_ROLE',
  'DB_GATE_ROLE',
  'APP_DATABASE_URL',
  'GATE_DATABASE_URL',
  'STAFF_STATEMENT_TIMEOUT_MS',
  'GATE_REQUEST_TIMEOUT_MS',
  'OUTBOX_RETENTION_HOURS',
  'STAFF_REQUEST_TIMEOUT_MS',
  'TRUSTED_PROXIES',
  'HEALTH_DETAILS_FROM',
  'EVIDENCE_HOSTS',
  'PUBLIC_CORS_ORIGINS',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'GATE_PORT',
  'STAFF_PORT',
  'INGEST_PORT',
  'STAFF_JWT_SECRET',
  'STAFF_JWT_PUBLIC_KEY',
  'STAFF_TOKEN_MAX_HOURS',
  'STAFF_JWT_ISSUER',
  'STAFF_JWT_AUDIENCE',
  'LISTING_THRESHOLD',
  'COUNT_WINDOW_DAYS',
  'WARNING_BAND_KG',
  'ENTRY_TOLERANCE_PERCENT',
  'TRIP_MERGE_MINUTES',
  'LISTING_VALIDITY_DAYS',
  'PUBLICATION_DAYS',
  'PUBLICATION_DEADLINE_WORKING_DAYS',
  'REPAIR_MIN_DAYS',
  'TURN_BACK_REQUIRES_PUBLICATION',
  'NOTICE_PERIOD_WORKING_DAYS',
  'OBJECTION_REPLY_WORKING_DAYS',
  'OFFICIAL_CALENDAR_FILE',
  'POSTING_ENDS_WITH_LISTING',
  'COMPANY_LISTING_PERCENT',
  'GATE_FAILURE_MODE',
  'GATE_DEADLINE_MS',
  'GATE_DB_TIMEOUT_MS',
  'GATE_AUTH_FAILURES_PER_MINUTE',
  'GATE_KEY_REFRESH_SECONDS',
  'KAFKA_TOPIC_PARTITIONS',
  'AUDIT_HMAC_KEY',
  'AUDIT_HMAC_RETIRED_KEYS',
  'AUDIT_ANCHOR_INTERVAL_MS',
  'AUDIT_VERIFICATION_CACHE_SECONDS',
  'AUDIT_VERIFICATION_EVERY_SECONDS',
  'METRICS_SAMPLE_SECONDS',
  'LOG_LEVEL',
];

export type DatabaseRole = 'app' | 'gate';

/**
 * The URL an app connects with: its own (APP_DATABASE_URL, GATE_DATABASE_URL), else DATABASE_URL with
 * the role as its user and no password (local trust authentication; docs/operations.md). DATABASE_URL
 * itself is the owner's, for `migrate` only.
 */
export function databaseUrlFor(config: AppConfig, role: DatabaseRole): string {
  const own = role === 'app' ? config.APP_DATABASE_URL : config.GATE_DATABASE_URL;
  if (own) return own;
  const url = new URL(config.DATABASE_URL);
  url.username = role === 'app' ? config.DB_APP_ROLE : config.DB_GATE_ROLE;
  url.password = '';
  return url.toString();
}

/** The audit HMAC secrets a process seals and verifies with (SPEC §4.7). */
export interface AuditHmacSecrets {
  current: string;
  retired: string[];
  /** True when the published development key stands in for a missing AUDIT_HMAC_KEY. */
  development: boolean;
}

/**
 * AUDIT_HMAC_KEY and the retired keys; throws a ConfigError when the key is missing outside
 * NODE_ENV=development or test (a process that writes or verifies audit entries calls it at start).
 */
export function auditHmacSecrets(config: AppConfig): AuditHmacSecrets {
  const retired = config.AUDIT_HMAC_RETIRED_KEYS ? config.AUDIT_HMAC_RETIRED_KEYS.split(',') : [];
  if (config.AUDIT_HMAC_KEY) return { current: config.AUDIT_HMAC_KEY, retired, development: false };
  if (DEVELOPMENT_ENVIRONMENTS.includes(config.NODE_ENV)) {
    return { current: AUDIT_HMAC_DEVELOPMENT_KEY, retired, development: true };
  }
  throw new ConfigError([
    `AUDIT_HMAC_KEY must be set (NODE_ENV=${config.NODE_ENV}): audit entries are sealed with it (${AUDIT_KEY_RULE}); ` +
      'only NODE_ENV=development or test fall back to the published development key',
  ]);
}

/** auditHmacSecrets, or stops the process with its message (like loadConfigOrExit). */
export function auditHmacSecretsOrExit(config: AppConfig): AuditHmacSecrets {
  try {
    return auditHmacSecrets(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/**
 * Loads the configuration or stops the process with a message that names each bad variable; what every
 * app and command calls at start. It also installs the process's working-day calendar (the built-in one,
 * plus OFFICIAL_CALENDAR_FILE), before anything counts a deadline.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    const config = loadConfig(env);
    installOfficialCalendar(readOfficialCalendarFile(config.OFFICIAL_CALENDAR_FILE));
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
