import 'reflect-metadata';
import { userInfo } from 'node:os';
import { Argument, Command, InvalidArgumentError } from 'commander';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { RedisConnection, TurnBackCache } from '@oc/cache';
import { AppConfig, auditHmacSecretsOrExit, databaseUrlFor, loadConfigOrExit } from '@oc/config';
import { REGISTRY_KINDS, RegistryKind, topics } from '@oc/contracts';
import {
  AuditVerificationService,
  CacheRebuildService,
  parseRegionsOption,
  STAFF_ROLES,
  StaffTokenIssuer,
  staffTokenRules,
  StationKeyService,
} from '@oc/credit';
import {
  createKafka,
  DEV_KAFKA_PRINCIPALS,
  ensureTopics,
  grantKafkaAcls,
  KafkaConnection,
  kafkaAcls,
  replayDeadLetters,
  replayGroupId,
  topicConfigs,
} from '@oc/messaging';
import {
  AuditKeys,
  AuditLogRepository,
  createDataSource,
  DatabaseConnection,
  migrate,
  migrateOptionsFrom,
  OutboxRepository,
  RegistryRepository,
  StationRepository,
} from '@oc/persistence';
import { runSimulation } from '@oc/simulation';
import { bar, progressReporter } from './progress';
import { formatImportReport, importRegistryCsv, REFUSED_ROWS_EXIT_CODE, writeImportReport } from './registry-import';

const integer =
  (name: string, min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };

interface SimulateOptions {
  rate: number;
  duration: number;
  vehicles: number;
  seed: number;
  backfillDays: number;
  gate?: string;
  stationKey?: string;
}

/** Runs `work` with a database connection that is closed afterwards, whatever happens. */
async function withDatabase<T>(config: AppConfig, work: (db: DatabaseConnection) => Promise<T>): Promise<T> {
  const db = new DatabaseConnection(
    // The app role (docs/operations.md): an operator's command writes what the apps write, no more.
    createDataSource({ databaseUrl: databaseUrlFor(config, 'app'), applicationName: 'cli', poolSize: 2 }),
  );
  try {
    return await work(db);
  } finally {
    await db.onApplicationShutdown();
  }
}

/**
 * The audit keys of a command that writes or verifies audit entries (SPEC §4.7): without AUDIT_HMAC_KEY
 * outside NODE_ENV=development or test, the command stops before it does anything.
 */
function auditKeys(config: AppConfig): AuditKeys {
  if (auditHmacSecretsOrExit(config).development)
    process.stderr.write('warning: AUDIT_HMAC_KEY is not set: sealing with the published development key\n');
  return AuditKeys.fromConfig(config);
}

/** Exit code of audit:verify when the chain is intact but anchors are missing for a while (docs/operations.md). */
export const AUDIT_ANCHOR_GAPS_EXIT_CODE = 3;

/**
 * When the gates follow a key change (docs/operations.md, Gate): at once through NOTIFY, at the latest
 * after one reload period; the period is the gates' GATE_KEY_REFRESH_SECONDS, which this process reads
 * from its own environment.
 */
function gateDelay(config: AppConfig, verb: 'accept' | 'refuse'): string {
  const outage =
    verb === 'accept'
      ? 'a gate that cannot reach Postgres answers it as GATE_FAILURE_MODE says until it can'
      : 'a gate that cannot reach Postgres keeps accepting it for up to 1 h';
  return (
    `Every gate-api ${verb}s it within a second (notified at commit), at the latest after ` +
    `GATE_KEY_REFRESH_SECONDS=${config.GATE_KEY_REFRESH_SECONDS} s; ${outage}.`
  );
}

/** Operator commands (SPEC §8). Each command is one call into a library; nothing here decides. */
export function buildCli(): Command {
  const program = new Command('overload-credit')
    .description('Highway overload credit service (治超信用) — operator commands')
    .showHelpAfterError();

  program
    .command('migrate')
    .description('create the database and the roles if missing, apply pending migrations as the owner, grant the roles')
    .action(async () => {
      const config = loadConfigOrExit();
      const applied = await migrate(config.DATABASE_URL, migrateOptionsFrom(config));
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    });

  program
    .command('cache:rebuild')
    .description('rebuild the Redis turn-back cache from Postgres')
    .action(async () => {
      const config = loadConfigOrExit();
      const redis = new RedisConnection(config.REDIS_URL, config.REDIS_KEY_PREFIX);
      const progress = progressReporter('cache:rebuild');
      const started = Date.now();
      try {
        const result = await withDatabase(config, (db) =>
          new CacheRebuildService(db, new TurnBackCache(redis)).rebuild((p) =>
            progress.update(bar(p.written, p.total)),
          ),
        );
        progress.done(`${bar(result.written, result.total)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await redis.onApplicationShutdown();
      }
    });

  program
    .command('simulate')
    .description(
      'feed realistic simulated weighings to Kafka (compliant, warnings, violations, empty runs, permits, late, malformed)',
    )
    .option('--rate <n>', 'live weighings per second', integer('--rate', 1), 50)
    .option('--duration <seconds>', 'seconds of live traffic; 0 runs until Ctrl-C', integer('--duration', 0), 60)
    .option('--vehicles <n>', 'distinct vehicles', integer('--vehicles', 1), 300)
    .option('--seed <n>', 'random seed (same seed, same traffic)', integer('--seed', 0), 1)
    .option(
      '--backfill-days <n>',
      'days of history sent first so that listings exist at once',
      integer('--backfill-days', 0),
      0,
    )
    .option('--gate <url>', 'also ask this gate-api for every live weighing, as an entry lane would')
    .option('--station-key <key>', 'the station key for --gate (station:add prints one)')
    .action(async (options: SimulateOptions) => {
      if (options.gate && !options.stationKey) throw new Error('--gate needs --station-key');
      const config = loadConfigOrExit();
      const kafka = createKafka(config, 'simulate');
      const names = topics(config.TOPIC_PREFIX);
      await ensureTopics(kafka, Object.values(names), config.KAFKA_TOPIC_PARTITIONS, topicConfigs(config.TOPIC_PREFIX));
      let stop = false;
      process.once('SIGINT', () => (stop = true));
      process.once('SIGTERM', () => (stop = true));
      const progress = progressReporter('simulate');
      const kinds = (byKind: Record<string, number>): string =>
        Object.entries(byKind)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
      const result = await runSimulation(
        kafka,
        {
          topic: names.weighingEvents,
          rate: options.rate,
          durationSeconds: options.duration,
          vehicles: options.vehicles,
          seed: options.seed,
          backfillDays: options.backfillDays,
          // The stations must be registered before their weighings arrive (else UNKNOWN_STATION):
          // wait until ingest's group has taken the registries, then send the traffic.
          awaitRegistries: { groupId: config.KAFKA_GROUP_ID },
          ...(options.gate ? { gate: { url: options.gate, stationKey: options.stationKey! } } : {}),
        },
        (p) =>
          progress.update(
            p.phase === 'registries'
              ? `registries: ${kinds(p.registries)}`
              : `${p.phase}: ${p.sent} sent (${kinds(p.byKind)})` +
                  (options.gate ? `; gate: ${p.turnBacks} turn-backs, ${p.gateErrors} errors` : ''),
          ),
        () => stop,
        (a) => process.stdout.write(`劝返 TURN_BACK ${a.vehicleKey} ${a.reasons.join(',')} (${a.source})\n`),
      );
      progress.done(
        `${result.sent} weighings sent` +
          (options.gate ? `; gate: ${result.turnBacks} turn-backs, ${result.gateErrors} errors` : '') +
          (result.lastGateError ? ` (last: ${result.lastGateError})` : ''),
      );
    });

  program
    .command('dlq:replay')
    .description('send dead-lettered weighings back to ingest after a fix')
    .option('--limit <n>', 'replay at most n messages', integer('--limit', 1))
    .option('--code <code>', 'only letters of this error code, e.g. UNKNOWN_STATION after station:add')
    .action(async (options: { limit?: number; code?: string }) => {
      const config = loadConfigOrExit();
      const names = topics(config.TOPIC_PREFIX);
      const progress = progressReporter('dlq:replay');
      const replayed = await replayDeadLetters(
        createKafka(config, 'dlq-replay'),
        {
          dlqTopic: names.weighingEventsDlq,
          targetTopic: names.weighingEvents,
          groupId: replayGroupId(config.KAFKA_GROUP_ID, options.code),
          limit: options.limit,
          code: options.code,
        },
        (done, total) => progress.update(bar(done, total)),
      );
      progress.done(`${replayed} replayed${options.code ? ` (${options.code})` : ''}`);
    });

  const principalName = (value: string, previous: string[] = []): string[] => {
    if (!/^[A-Za-z0-9._-]+$/.test(value)) {
      throw new InvalidArgumentError(`principal '${value}' may contain only letters, digits, ".", "_" and "-"`);
    }
    return [...previous, value];
  };
  program
    .command('kafka:acls')
    .description(
      "grant the broker's ACLs for this TOPIC_PREFIX: each principal only its own topics (docs/kafka.md); needs an admin principal",
    )
    .option('--ingest <principal>', 'the principal of ingest', DEV_KAFKA_PRINCIPALS.ingest)
    .option('--gate <principal>', 'the principal of gate-api', DEV_KAFKA_PRINCIPALS.gateApi)
    .option('--staff <principal>', 'the principal of staff-api', DEV_KAFKA_PRINCIPALS.staffApi)
    .option('--station <principal>', 'a station system (repeatable; default: station)', principalName)
    .option('--registry <principal>', 'a registry feeder (repeatable; default: registry)', principalName)
    .option(
      '--notice-channel <principal>',
      'a notification channel (repeatable; default: notice-channel)',
      principalName,
    )
    .option('--dry-run', 'print the ACLs without granting them')
    .action(
      async (options: {
        ingest: string;
        gate: string;
        staff: string;
        station?: string[];
        registry?: string[];
        noticeChannel?: string[];
        dryRun?: boolean;
      }) => {
        const config = loadConfigOrExit();
        const acls = kafkaAcls(config.TOPIC_PREFIX, config.KAFKA_GROUP_ID, {
          ingest: principalName(options.ingest)[0]!,
          gateApi: principalName(options.gate)[0]!,
          staffApi: principalName(options.staff)[0]!,
          stations: options.station ?? DEV_KAFKA_PRINCIPALS.stations,
          registryFeeders: options.registry ?? DEV_KAFKA_PRINCIPALS.registryFeeders,
          noticeChannels: options.noticeChannel ?? DEV_KAFKA_PRINCIPALS.noticeChannels,
        });
        for (const acl of acls) {
          process.stdout.write(
            `${acl.principal} ${AclOperationTypes[acl.operation]} ${AclResourceTypes[acl.resourceType]}:${acl.resourceName}` +
              `${acl.resourcePatternType === ResourcePatternTypes.PREFIXED ? '*' : ''}\n`,
          );
        }
        if (options.dryRun) return;
        await grantKafkaAcls(createKafka(config, 'acls'), acls);
        process.stdout.write(`${acls.length} ACLs granted on ${config.KAFKA_BROKERS}\n`);
      },
    );

  const stationKeys = (config: AppConfig, db: DatabaseConnection) => {
    const audit = new AuditLogRepository(db, auditKeys(config));
    return new StationKeyService(
      db,
      new StationRepository(),
      new RegistryRepository(audit, new OutboxRepository()),
      audit,
    );
  };
  // Who ran the command, for the audit log (执法全过程记录): the operator's login name.
  const operator = `cli:${userInfo().username}`;

  program
    .command('registry:import')
    .description(
      'import a registry from a CSV file (docs/registries.md): every row validated, the refused ones reported; ' +
        `importing the same file again changes nothing. Exit 0: all rows in; ${REFUSED_ROWS_EXIT_CODE}: some rows ` +
        'refused, the others stored; 1: nothing more could be imported',
    )
    .addArgument(new Argument('<registry>', 'which registry').choices(REGISTRY_KINDS))
    .argument('<file>', 'the CSV file, with the documented header row')
    .option('--report <file>', 'also write every refused (and superseded) row to this file as CSV')
    .action(async (kind: RegistryKind, file: string, options: { report?: string }) => {
      const config = loadConfigOrExit();
      const keys = auditKeys(config);
      const report = await withDatabase(config, (db) => importRegistryCsv(config, db, keys, kind, file, operator));
      process.stdout.write(formatImportReport(file, report));
      if (options.report) {
        await writeImportReport(options.report, report);
        process.stderr.write(`report written to ${options.report}\n`);
      }
      if (report.refusedRows > 0) process.exitCode = REFUSED_ROWS_EXIT_CODE;
    });

  program
    .command('station:add <stationId>')
    .description(
      'issue an API key for a station or gate controller (printed once; issuing again replaces it); a station ' +
        'missing from the station registry is registered first (division code from its first 6 digits, no bounds)',
    )
    .option('--name <name>', 'display name when the station is registered now, e.g. 申嘉湖高速湖州东收费站')
    .action(async (stationId: string, options: { name?: string }) => {
      const config = loadConfigOrExit();
      const issued = await withDatabase(config, (db) =>
        stationKeys(config, db).issue(stationId, options.name ?? null, operator),
      );
      process.stdout.write(`${issued.key}\n`);
      if (issued.registered)
        process.stderr.write(
          `station ${stationId}: registered (division ${stationId.slice(0, 6)}, no activity bounds); ` +
            'registry.stations.v1 or registry:import can complete its record\n',
        );
      else if (options.name)
        process.stderr.write(
          `station ${stationId}: already registered; --name is ignored (its name is the station registry's)\n`,
        );
      process.stderr.write(
        `station ${stationId}: key issued; it is shown only now and stored hashed. ${gateDelay(config, 'accept')}\n`,
      );
    });

  program
    .command('station:revoke <stationId>')
    .description(
      "revoke a station's key: every gate-api refuses it at once (it is notified), at the latest after " +
        'GATE_KEY_REFRESH_SECONDS (10); a gate that cannot reach Postgres keeps the keys it had for up to an hour',
    )
    .action(async (stationId: string) => {
      const config = loadConfigOrExit();
      const revoked = await withDatabase(config, (db) => stationKeys(config, db).revoke(stationId, operator));
      if (!revoked) throw new Error(`station ${stationId} has no active key`);
      process.stdout.write(`station ${stationId}: key revoked\n`);
      process.stderr.write(`station ${stationId}: ${gateDelay(config, 'refuse')}\n`);
    });

  program
    .command('token:issue')
    .description(
      'issue a development staff token (HS256 with STAFF_JWT_SECRET), at most STAFF_TOKEN_MAX_HOURS long; ' +
        'the issue is written to the audit log (subject, roles, lifetime, token id — never the token)',
    )
    .requiredOption('--sub <sub>', 'the staff member, e.g. officer-a (not system, cli:* or a station id)')
    .requiredOption('--roles <roles>', `comma-separated: ${STAFF_ROLES.join(', ')}`)
    .option('--name <name>', 'display name')
    .option(
      '--regions <prefixes>',
      'jurisdiction, comma-separated division-code prefixes (e.g. 330521,330522); omitted: the whole city, for city-level staff only',
    )
    .option(
      '--ttl <seconds>',
      'lifetime in seconds (default 8 hours, at most STAFF_TOKEN_MAX_HOURS)',
      integer('--ttl', 1),
    )
    .action(async (options: { sub: string; roles: string; name?: string; regions?: string; ttl?: number }) => {
      const config = loadConfigOrExit();
      if (!config.STAFF_JWT_SECRET) throw new Error('STAFF_JWT_SECRET must be set to issue development tokens');
      const secret = config.STAFF_JWT_SECRET;
      const ttlSeconds = options.ttl ?? Math.min(8 * 3600, config.STAFF_TOKEN_MAX_HOURS * 3600);
      const regions = options.regions === undefined ? undefined : parseRegionsOption(options.regions);
      if (!regions) process.stderr.write('token without regions: the whole city (SPEC §4.8, city-level staff only)\n');
      const issued = await withDatabase(config, (db) =>
        new StaffTokenIssuer(db, new AuditLogRepository(db, auditKeys(config)), secret, staffTokenRules(config)).issue(
          {
            sub: options.sub,
            roles: options.roles.split(','),
            ...(options.name ? { name: options.name } : {}),
            ...(regions ? { regions } : {}),
            ttlSeconds,
          },
          operator,
        ),
      );
      process.stdout.write(`${issued.token}\n`);
      process.stderr.write(
        `token ${issued.tokenId} for ${options.sub}: valid until ${issued.expiresAt.toISOString()}; audited\n`,
      );
    });

  program
    .command('audit:verify')
    .description(
      'walk the audit log (执法全过程记录) against its HMACs and the anchors of audit.anchors.v1; names the first ' +
        `broken, missing or rewritten entry. Exit 0: intact; 1: broken; ${AUDIT_ANCHOR_GAPS_EXIT_CODE}: intact, ` +
        'but entries were written while no anchor was made',
    )
    .action(async () => {
      const config = loadConfigOrExit();
      const keys = auditKeys(config);
      const kafka = new KafkaConnection(createKafka(config, 'audit-verify'), config);
      const result = await withDatabase(config, (db) =>
        new AuditVerificationService(config, kafka, new AuditLogRepository(db, keys)).verify(),
      );
      process.stdout.write(`${JSON.stringify(result)}\n`);
      // runCli turns a thrown error into exit code 1.
      if (!result.ok) {
        const broken = result.firstBroken!;
        throw new Error(
          `audit log broken at seq ${broken.seq} (${broken.code}): ${broken.reason} (${result.entries} entries intact before it)`,
        );
      }
      const sealed = result.entries - result.unsealedEntries;
      process.stderr.write(
        `audit log intact: ${result.entries} entries (${sealed} sealed, ${result.unsealedEntries} from before the seal), ` +
          `${result.anchors.valid} anchors, the latest at seq ${result.anchors.latest?.seq ?? '-'}` +
          (result.anchors.invalid ? `; ${result.anchors.invalid} records on the anchor topic are not anchors` : '') +
          '\n',
      );
      for (const gap of result.anchorGaps)
        process.stderr.write(
          `no anchor from ${gap.after ?? 'the start'} to ${gap.before ?? 'now'} while entries ${gap.firstSeq}..${gap.lastSeq} were written\n`,
        );
      if (result.anchorGaps.length) process.exitCode = AUDIT_ANCHOR_GAPS_EXIT_CODE;
    });

  return program;
}

export function runCli(argv: string[] = process.argv): void {
  buildCli()
    .parseAsync(argv)
    .then(() => process.exit(process.exitCode ?? 0))
    .catch((error: Error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    });
}

if (require.main === module) runCli();
