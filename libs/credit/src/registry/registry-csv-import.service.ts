import { Injectable, Logger } from '@nestjs/common';
import { RegistryChange, RegistryKind, validateRegistryRecord } from '@oc/contracts';
import { RegistryApplyResult } from '@oc/persistence';
import { storeIsolatingPoison } from '../poison-batch';
import { readCsvBatches } from './csv-reader';
import { csvColumns, csvField, csvRecord, csvRowKey, CSV_HEADER } from './registry-csv';
import { RegistryUpdateService } from './registry-update.service';

/** A row that was not imported, and why: one entry per field at fault. */
export interface RefusedRow {
  line: number;
  /** The CSV column at fault, or `(row)` for the row as a whole. */
  field: string;
  message: string;
  /** CSV_MALFORMED, SCHEMA_INVALID or PROCESSING_FAILED. */
  code: string;
}

/** A valid row followed by a later row of the same key: only the last row of a key counts. */
export interface SupersededRow {
  line: number;
  key: string;
  byLine: number;
}

export interface RegistryImportProgress {
  phase: 'reading' | 'importing';
  /** Rows read (reading) or done (importing). */
  rows: number;
  /** All rows of the file; known once the reading pass is over. */
  total: number | null;
  refused: number;
}

export interface RegistryImportReport {
  kind: RegistryKind;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  superseded: SupersededRow[];
  /** Rows refused (each row once, however many of its fields are at fault). */
  refusedRows: number;
  refused: RefusedRow[];
}

/** The file is not a registry file of that kind (its header): nothing was imported. */
export class CsvHeaderError extends Error {}

interface Pending {
  change: RegistryChange;
  line: number;
}

export interface RegistryImportOptions {
  /** Opens the file from its start; called twice (the import reads it in two passes). */
  open: () => AsyncIterable<string | Buffer>;
  /** Audit actor, e.g. `cli:<login>`. */
  actor: string;
  /** Records per transaction (default: 5,000 vehicles, 1,000 stations or permits). */
  batchSize?: number;
  onProgress?: (progress: RegistryImportProgress) => void;
  /** Progress is reported every this many rows (and at the end of each pass). */
  progressEvery?: number;
}

/**
 * A permit batch holds one exclusive lock per permit until it commits (permit-locks.ts), and Postgres's
 * shared lock table holds a few thousand: permits and stations go in smaller batches than vehicles.
 */
const DEFAULT_BATCH: Record<RegistryKind, number> = { stations: 1000, vehicles: 5000, permits: 1000 };
const YIELD_EVERY_ROWS = 200;

/**
 * `registry:import`: a registry from a CSV file (docs/registries.md). Each row goes through the same
 * validation as a Kafka record (validateRegistryRecord) and the valid ones through the same writes
 * (RegistryUpdateService: history, audit, permits reclassified), a batch per transaction. Idempotent:
 * the same file again changes nothing. As on a compacted topic, the last row of a key is the one that
 * counts: a first pass finds it, so that the earlier rows of a key are never applied and then undone
 * (which a second import of the same file would repeat in the history). A refused row is reported
 * with its line and never stops the others.
 */
@Injectable()
export class RegistryCsvImportService {
  private readonly logger = new Logger('RegistryCsvImport');

  constructor(private readonly registry: RegistryUpdateService) {}

  async import(kind: RegistryKind, options: RegistryImportOptions): Promise<RegistryImportReport> {
    const every = options.progressEvery ?? 10_000;
    const progress = options.onProgress ?? (() => undefined);
    const report: RegistryImportReport = {
      kind,
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      superseded: [],
      refusedRows: 0,
      refused: [],
    };

    // Pass 1: the header, the row count and the last line of each key.
    const lastLine = new Map<string, number>();
    let columns: Map<string, number> | undefined;
    let width = 0;
    for await (const rows of readCsvBatches(options.open())) {
      for (const row of rows) {
        if (!columns) {
          columns = this.header(kind, row.fields, row.error);
          width = row.fields.length;
          continue;
        }
        report.rows++;
        if (!row.error) lastLine.set(csvRowKey(kind, csvRecord(kind, columns, row.fields)), row.line);
        if (report.rows % every === 0) progress({ phase: 'reading', rows: report.rows, total: null, refused: 0 });
      }
    }
    if (!columns) throw new CsvHeaderError(`the file is empty: expected the header ${CSV_HEADER[kind].join(',')}`);
    if (report.rows % every !== 0 || report.rows === 0)
      progress({ phase: 'reading', rows: report.rows, total: report.rows, refused: 0 });

    // Pass 2: validate every row and apply the last row of each key, a batch per transaction, one
    // transaction at a time; the next batch is validated while the previous one is being written.
    const batchSize = options.batchSize ?? DEFAULT_BATCH[kind];
    let batch: Pending[] = [];
    let writing: Promise<void> | null = null;
    const submit = async (items: Pending[]): Promise<void> => {
      if (writing) await writing; // a failed batch (an outage) stops the import here
      writing = items.length > 0 ? this.write(items, options.actor, report) : null;
      // Awaited at the next submit; until then a rejection must not count as unhandled.
      writing?.catch(() => undefined);
    };
    const refuse = (line: number, code: string, problems: { field: string; message: string }[]): void => {
      report.refusedRows++;
      for (const p of problems) report.refused.push({ line, code, field: p.field, message: p.message });
    };
    let done = -1; // the header is not a row
    for await (const rows of readCsvBatches(options.open())) {
      for (const row of rows) {
        if (done++ < 0) continue;
        if (row.error) refuse(row.line, 'CSV_MALFORMED', [{ field: '(row)', message: row.error }]);
        else if (row.fields.length !== width)
          refuse(row.line, 'CSV_MALFORMED', [
            { field: '(row)', message: `the row has ${row.fields.length} fields; the header has ${width}` },
          ]);
        else {
          const raw = csvRecord(kind, columns, row.fields);
          const parsed = validateRegistryRecord(kind, raw);
          const last = lastLine.get(csvRowKey(kind, raw))!;
          if (!parsed.ok) refuse(row.line, parsed.code, parsed.details.map(csvField));
          else if (last !== row.line) report.superseded.push({ line: row.line, key: parsed.change.key, byLine: last });
          else batch.push({ change: parsed.change, line: row.line });
        }
        if (batch.length >= batchSize) {
          await submit(batch);
          batch = [];
        }
        if (done % every === 0)
          progress({ phase: 'importing', rows: done, total: report.rows, refused: report.refusedRows });
        // Validating a chunk's rows is synchronous work: let the batch being written get its replies
        // from Postgres in between, or the database waits on this loop and nothing overlaps.
        if (done % YIELD_EVERY_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await submit(batch);
    await submit([]);
    if (done % every !== 0 || done === 0)
      progress({ phase: 'importing', rows: done, total: report.rows, refused: report.refusedRows });
    report.refused.sort((a, b) => a.line - b.line);
    return report;
  }

  private header(kind: RegistryKind, fields: string[], error: string | undefined): Map<string, number> {
    const columns = error ? [`the header row is malformed: ${error}`] : csvColumns(kind, fields);
    if (Array.isArray(columns))
      throw new CsvHeaderError(
        `not a ${kind} registry file: ${columns.join('; ')}. Expected the header ${CSV_HEADER[kind].join(',')}`,
      );
    return columns;
  }

  private async write(items: Pending[], actor: string, report: RegistryImportReport): Promise<void> {
    const add = (r: RegistryApplyResult): void => {
      report.created += r.created;
      report.updated += r.updated;
      report.unchanged += r.unchanged;
    };
    const source = { source: 'csv' as const, actor };
    // A row the database cannot take must not stop the import: the others one by one (poison-batch.ts).
    const results = await storeIsolatingPoison(
      items,
      (rows) =>
        this.registry.apply(
          rows.map((i) => i.change),
          source,
        ),
      (item, error) => {
        report.refusedRows++;
        report.refused.push({ line: item.line, code: 'PROCESSING_FAILED', field: '(row)', message: error.message });
      },
      this.logger,
    );
    results.forEach(add);
  }
}
