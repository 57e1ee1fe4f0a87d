import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';
import type { VehicleRecord } from '@oc/contracts';
import { simulatedVehicleRecords, VEHICLE_CSV_COLUMNS, vehicleCsvRow } from '@oc/simulation';
import { Check, checkEqual, checkThat } from '../lib/checks';
import { BenchContext } from '../lib/context';
import { CpuAccount } from '../lib/cpu-accounting';
import { round } from '../lib/log';

export interface RegistryImportParameters {
  vehicles: number;
  seed: number;
}

export interface RegistryImportResult {
  parameters: RegistryImportParameters;
  csvSeconds: number;
  csvMB: number;
  /** `overload-credit registry:import vehicles <file>` from spawn to exit: Node start-up included. */
  seconds: number;
  /** What the command itself reports ("… in X s"), without process start-up. */
  reportedSeconds: number | null;
  rowsPerS: number;
  /** The command's summary line (stdout). */
  summary: string;
  stored: number;
  /** Machine CPU while the command ran. */
  cpu: CpuAccount;
  checks: Check[];
}

/** Every field of a registration, as registry_vehicles stores it, in one line (see DIGEST_SQL). */
function digestLine(v: VehicleRecord): string {
  return [
    v.vehicleKey,
    v.plate,
    v.plateColor,
    v.owner.name,
    v.owner.type,
    v.owner.idNo,
    v.owner.phone ?? '',
    v.operatorId ?? '',
    v.transportCertNo ?? '',
    v.certIssuedAt ? Math.floor(v.certIssuedAt.getTime() / 1000) : '',
    v.registrationRegion,
  ].join('|');
}

/** The same line in SQL; the digest is the sum of the first 60 bits of each line's MD5 (order-free). */
const DIGEST_SQL = `
  SELECT count(*)::int AS rows,
         coalesce(sum(('x' || substr(md5(
           vehicle_key || '|' || plate || '|' || plate_color || '|' || owner_name || '|' || owner_type || '|' ||
           owner_id_no || '|' || coalesce(owner_phone, '') || '|' || coalesce(operator_id, '') || '|' ||
           coalesce(transport_cert_no, '') || '|' ||
           coalesce(extract(epoch FROM cert_issued_at)::bigint::text, '') || '|' || registration_region
         ), 1, 15))::bit(60)::bigint), 0)::text AS digest
  FROM registry_vehicles`;

const lineDigest = (line: string): bigint => BigInt(`0x${createHash('md5').update(line).digest('hex').slice(0, 15)}`);

/**
 * A CSV of N vehicle registrations from the simulated fleet (`@oc/simulation`: individual owners and
 * transport companies, well-formed id numbers) imported by the product's CLI, `registry:import vehicles`,
 * into a fresh database, end to end. Checked: the command exits 0, reports every row created and none
 * refused (its --report file holds only the header), and registry_vehicles holds every row with every
 * field as generated (count and an order-free digest of all fields).
 */
export async function runRegistryImportScenario(
  ctx: BenchContext,
  params: RegistryImportParameters,
): Promise<RegistryImportResult> {
  const log = (m: string): void => ctx.log(`registry-import: ${m}`);
  const world = ctx.world('registry-import');
  await world.createDatabase();
  const csv = path.join(ctx.logDir, 'registry-import-vehicles.csv');
  const reportFile = path.join(ctx.logDir, 'registry-import-refused.csv');
  try {
    log(`writing ${params.vehicles} vehicles to ${csv} …`);
    const began = Date.now();
    let expectedDigest = 0n;
    let rows = 0;
    const out = createWriteStream(csv, { encoding: 'utf8' });
    let chunk = `${VEHICLE_CSV_COLUMNS.join(',')}\r\n`;
    for (const v of simulatedVehicleRecords({
      seed: params.seed,
      vehicles: params.vehicles,
      at: new Date(ctx.stamp),
    })) {
      chunk += `${vehicleCsvRow(v)}\r\n`;
      expectedDigest += lineDigest(digestLine(v));
      rows += 1;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');
    const csvSeconds = (Date.now() - began) / 1000;
    const csvMB = (await stat(csv)).size / 1024 / 1024;
    log(`${rows} rows, ${csvMB.toFixed(1)} MB in ${csvSeconds.toFixed(1)} s; running registry:import vehicles …`);

    const account = ctx.cpuAccounting();
    const run = await ctx.cli(
      world,
      'registry-import-vehicles',
      ['registry:import', 'vehicles', csv, '--report', reportFile],
      900_000,
    );
    const cpu = account.stop({});
    // "<file>: N rows; N created, …": the file is this run's temporary one, left out of the report.
    const summary = (run.stdout.trim().split('\n')[0] ?? '').replace(`${csv}: `, '');
    const reportLines = (await readFile(reportFile, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
    // The CLI's progress goes to stderr, in the log; its last progress line ends "… in X s".
    const stderr = await readFile(ctx.logFile('registry-import-vehicles'), 'utf8');
    const reported = [...stderr.matchAll(/^registry:import vehicles .* in (\d+(?:\.\d+)?) s$/gm)].pop()?.[1] ?? null;

    const pg = new Client({ connectionString: world.databaseUrl });
    await pg.connect();
    let stored: { rows: number; digest: string };
    let history: number;
    try {
      stored = (await pg.query<{ rows: number; digest: string }>(DIGEST_SQL)).rows[0]!;
      history = (
        await pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM registry_history WHERE registry = 'vehicles' AND source = 'csv'`,
        )
      ).rows[0]!.n;
    } finally {
      await pg.end();
    }
    log(`registry:import took ${run.seconds.toFixed(1)} s; ${stored.rows} rows stored`);
    const counts = /(\d+) rows; (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) refused, (\d+) superseded/.exec(
      summary,
    );
    return {
      parameters: params,
      csvSeconds: round(csvSeconds, 2),
      csvMB: round(csvMB, 1),
      seconds: round(run.seconds, 2),
      reportedSeconds: reported === null ? null : Number(reported),
      rowsPerS: Math.round(rows / run.seconds),
      summary,
      stored: stored.rows,
      cpu,
      checks: [
        checkThat(
          'import summary: every row created, none refused or superseded',
          `${rows} rows; ${rows} created, 0 updated, 0 unchanged, 0 refused, 0 superseded`,
          summary,
          counts !== null && counts.slice(1, 7).map(Number).join() === [rows, rows, 0, 0, 0, 0].join(),
        ),
        checkEqual('refused-rows report: header only', 1, reportLines.length),
        checkEqual('registry_vehicles rows = CSV rows', rows, stored.rows),
        checkEqual('registry_vehicles: every field as generated (digest)', expectedDigest.toString(), stored.digest),
        checkEqual('registry_history: one csv record per row', rows, history),
      ],
    };
  } finally {
    await rm(csv, { force: true });
  }
}
