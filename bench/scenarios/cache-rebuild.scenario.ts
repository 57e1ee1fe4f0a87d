import { readFileSync } from 'node:fs';
import { Check, checkEqual } from '../lib/checks';
import { BenchContext } from '../lib/context';
import { CpuAccount } from '../lib/cpu-accounting';
import { round } from '../lib/log';
import { seedListings } from '../lib/seed';
import { countKeys } from '../lib/world';

export interface RebuildParameters {
  listings: number;
}

export interface RebuildResult {
  parameters: RebuildParameters;
  seedSeconds: number;
  /** `overload-credit cache:rebuild` from spawn to exit: Node start-up, queries, Redis writes. */
  seconds: number;
  /** What the command itself reports ("… in X s"), without process start-up. */
  reportedSeconds: number | null;
  listingsPerS: number;
  vehicleKeys: number;
  keysMatch: boolean;
  output: string;
  /** Machine CPU while the command ran. */
  cpu: CpuAccount;
  checks: Check[];
}

/**
 * 1,000,000 active listings (and their vehicle states) written by SQL into a fresh product
 * database, then the product's CLI `cache:rebuild` run end to end against an empty key prefix; the
 * Redis key count is checked afterwards.
 */
export async function runRebuildScenario(ctx: BenchContext, params: RebuildParameters): Promise<RebuildResult> {
  const log = (m: string): void => ctx.log(`rebuild: ${m}`);
  const world = ctx.world('rebuild');
  await world.createDatabase();
  log(`seeding ${params.listings} active listings …`);
  const seedSeconds = await seedListings(world.databaseUrl, {
    vehicles: params.listings,
    activeEvery: 1,
    publishedEvery: 10,
  });
  log(`seeded in ${seedSeconds.toFixed(1)} s; running cache:rebuild …`);
  const account = ctx.cpuAccounting();
  const run = await ctx.cli(world, 'rebuild-cache-rebuild', ['cache:rebuild'], 900_000);
  const cpu = account.stop({});
  const vehicleKeys = await countKeys(ctx.redis, `${world.redisKeyPrefix}vehicle:*`);
  // The CLI's progress goes to stderr, in the log; the last line says "… in X s".
  const output = readFileSync(ctx.logFile('rebuild-cache-rebuild'), 'utf8').trim().split('\n').pop() ?? '';
  const reported = /in (\d+(?:\.\d+)?) s/.exec(output)?.[1] ?? null;
  log(`cache:rebuild took ${run.seconds.toFixed(1)} s; ${vehicleKeys} vehicle keys`);
  return {
    parameters: params,
    seedSeconds: round(seedSeconds, 2),
    seconds: round(run.seconds, 2),
    reportedSeconds: reported === null ? null : Number(reported),
    listingsPerS: Math.round(params.listings / run.seconds),
    vehicleKeys,
    keysMatch: vehicleKeys === params.listings,
    output,
    cpu,
    checks: [checkEqual('Redis vehicle keys = active listings', params.listings, vehicleKeys)],
  };
}
