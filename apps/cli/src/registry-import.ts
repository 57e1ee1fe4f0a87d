import { createReadStream } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { AppConfig } from '@oc/config';
import { RegistryKind } from '@oc/contracts';
import {
  CreditRecountService,
  RegistryImportProgress,
  RegistryImportReport,
  PermitReclassificationService,
  RegistryCsvImportService,
  RegistryUpdateService,
} from '@oc/credit';
import {
  AuditKeys,
  AuditLogRepository,
  CreditRepository,
  DatabaseConnection,
  OutboxRepository,
  RegistryRepository,
} from '@oc/persistence';
import { bar } from './progress';

/**
 * `registry:import` exits 0 when every row was imported, REFUSED_ROWS_EXIT_CODE when some rows were
 * refused (the others are stored: fix the rows and import the file again, which changes nothing for the
 * rows already in), and 1 when the import could not run or stopped (not a registry file, unreadable,
 * database unreachable: the batches committed before stay, a new run goes on idempotently).
 */
export const REFUSED_ROWS_EXIT_CODE = 2;

/** Non-terminal output gets one progress line every this many rows. */
const PROGRESS_EVERY_ROWS = 10_000;

export async function importRegistryCsv(
  config: AppConfig,
  db: DatabaseConnection,
  keys: AuditKeys,
  kind: RegistryKind,
  file: string,
  actor: string,
): Promise<RegistryImportReport> {
  await access(file).catch(() => {
    throw new Error(`cannot read ${file}`);
  });
  const audit = new AuditLogRepository(db, keys);
  const outbox = new OutboxRepository();
  const recount = new CreditRecountService(config, new CreditRepository(), audit, outbox);
  const update = new RegistryUpdateService(
    db,
    new RegistryRepository(audit, outbox),
    new PermitReclassificationService(config, recount, audit),
    audit,
  );
  const tty = process.stderr.isTTY;
  const started = Date.now();
  const label = `registry:import ${kind}`;
  const show = (p: RegistryImportProgress): void => {
    const text =
      p.phase === 'reading'
        ? `reading ${file}: ${p.rows} rows`
        : `${bar(p.rows, p.total ?? p.rows)}${p.refused ? `, ${p.refused} refused` : ''}`;
    process.stderr.write(tty ? `\r\x1b[2K${label} ${text}` : `${label} ${text}\n`);
  };
  const report = await new RegistryCsvImportService(update).import(kind, {
    open: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
    actor,
    // A terminal redraws often; a log gets a line every PROGRESS_EVERY_ROWS rows.
    progressEvery: tty ? 1000 : PROGRESS_EVERY_ROWS,
    onProgress: show,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${label} ${bar(report.rows, report.rows)} in ${seconds} s\n`);
  return report;
}

/** The summary and every refused row, for stdout. */
export function formatImportReport(file: string, r: RegistryImportReport): string {
  const lines = [
    `${file}: ${r.rows} rows; ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ` +
      `${r.refusedRows} refused, ${r.superseded.length} superseded by a later row of the same key`,
  ];
  if (r.refused.length > 0) {
    lines.push('refused rows (line, column: reason):');
    for (const p of r.refused) lines.push(`  line ${p.line}, ${p.field}: ${p.message}`);
  }
  if (r.superseded.length > 0) {
    lines.push('superseded rows (only the last row of a key counts):');
    for (const s of r.superseded) lines.push(`  line ${s.line}: ${s.key}, superseded by line ${s.byLine}`);
  }
  return `${lines.join('\n')}\n`;
}

const csvCell = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** `--report <file>`: every refused and superseded row as CSV (line,code,field,message). */
export async function writeImportReport(path: string, r: RegistryImportReport): Promise<void> {
  const rows: (string | number)[][] = [['line', 'code', 'field', 'message']];
  const entries = [
    ...r.refused.map((p) => ({ line: p.line, cells: [p.line, p.code, p.field, p.message] })),
    ...r.superseded.map((s) => ({
      line: s.line,
      cells: [s.line, 'SUPERSEDED', '(row)', `${s.key} is superseded by line ${s.byLine}`],
    })),
  ].sort((a, b) => a.line - b.line);
  for (const e of entries) rows.push(e.cells);
  await writeFile(path, rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');
}
