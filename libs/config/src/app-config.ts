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
  validateSync,
  ValidationError,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

const Bool = (): PropertyDecorator =>
  apply(Transform(toBool), IsIn([true, false], { message: (a) => `${a.property} must be true or false` }));

/**
 * Every setting of SPEC §7, declared once. Nothing else in the code base reads process.env:
 * apps, CLI, tests and benchmarks receive an AppConfig.
 */
export class AppConfig {
  @IsString()
  @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS = 'localhost:9092';

  @IsString()
  // Blank counts as empty: an empty value already means "unset" (the default), so only blanks reach here.
  @Matches(/\S/, { message: 'KAFKA_GROUP_ID must not be empty' })
  KAFKA_GROUP_ID = 'overload-credit-ingest';

  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'TOPIC_PREFIX may contain only letters, digits, ".", "_" and "-"' })
  TOPIC_PREFIX = '';

  @IsString()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/overload_credit';

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

  /** Only `development` matters here: it admits the published development secret (SPEC §4.8). */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'NODE_ENV may contain only letters, digits, ".", "_" and "-"' })
  NODE_ENV?: string;

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
  'KAFKA_BROKERS',
  'KAFKA_GROUP_ID',
  'TOPIC_PREFIX',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'GATE_PORT',
  'STAFF_PORT',
  'INGEST_PORT',
  'NODE_ENV',
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
  'POSTING_ENDS_WITH_LISTING',
  'COMPANY_LISTING_PERCENT',
  'GATE_FAILURE_MODE',
  'GATE_DEADLINE_MS',
  'GATE_DB_TIMEOUT_MS',
  'GATE_AUTH_FAILURES_PER_MINUTE',
  'GATE_KEY_REFRESH_SECONDS',
  'KAFKA_TOPIC_PARTITIONS',
  'LOG_LEVEL',
];

/** Loads the configuration or stops the process with a message that names each bad variable. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
