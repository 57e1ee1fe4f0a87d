import { CSV_COLUMNS, CSV_HEADER, FieldError, RegistryKind } from '@oc/contracts';
import { parsePlateColor, vehicleKey } from '@oc/domain';

export { CSV_COLUMNS, CSV_HEADER } from '@oc/contracts';

/** Checks a header row; returns the column index of each field, or the reasons it is not the header. */
export function csvColumns(kind: RegistryKind, header: string[]): Map<string, number> | string[] {
  const known = new Set(CSV_HEADER[kind]);
  const problems: string[] = [];
  const index = new Map<string, number>();
  header.forEach((raw, i) => {
    const name = raw.trim();
    if (!known.has(name)) problems.push(`unknown column "${name}" (column ${i + 1})`);
    else if (index.has(name)) problems.push(`column "${name}" appears twice`);
    else index.set(name, i);
  });
  for (const name of CSV_COLUMNS[kind].required) if (!index.has(name)) problems.push(`column "${name}" is missing`);
  return problems.length > 0 ? problems : index;
}

const integer = (cell: string): number | string => (/^-?\d+$/.test(cell) ? Number(cell) : cell);

/**
 * A row as the record object of SPEC §4.9 (what a Kafka message would carry), for validateRegistryRecord.
 * Cells are trimmed; an empty cell leaves its field out.
 */
export function csvRecord(kind: RegistryKind, columns: Map<string, number>, fields: string[]): Record<string, unknown> {
  const cell = (name: string): string | undefined => {
    const i = columns.get(name);
    const value = i === undefined ? undefined : fields[i]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const set = (target: Record<string, unknown>, name: string, value: unknown): void => {
    if (value !== undefined) target[name] = value;
  };
  const record: Record<string, unknown> = {};
  if (kind === 'stations') {
    for (const name of CSV_HEADER.stations) set(record, name, cell(name));
    return record;
  }
  if (kind === 'vehicles') {
    set(record, 'plate', cell('plate'));
    set(record, 'plateColor', cell('plateColor'));
    const owner: Record<string, unknown> = {};
    set(owner, 'name', cell('ownerName'));
    set(owner, 'type', cell('ownerType'));
    set(owner, 'idNo', cell('ownerIdNo'));
    set(owner, 'phone', cell('ownerPhone'));
    record.owner = owner;
    for (const name of ['operatorId', 'transportCertNo', 'certIssuedAt', 'registrationRegion'])
      set(record, name, cell(name));
    return record;
  }
  for (const name of ['permitNo', 'plate', 'plateColor', 'validFrom', 'validTo', 'status'])
    set(record, name, cell(name));
  const weight = cell('maxGrossWeightKg');
  set(record, 'maxGrossWeightKg', weight === undefined ? undefined : integer(weight));
  const axles = cell('axles');
  set(record, 'axles', axles === undefined ? undefined : integer(axles));
  const stations = cell('stationIds');
  set(
    record,
    'stationIds',
    stations?.split(';').map((s) => s.trim()),
  );
  return record;
}

/**
 * The key a row will have once valid, read without validating it (the first pass of an import finds
 * the last row of each key this way). Equal to the validated record's key for every valid row.
 */
export function csvRowKey(kind: RegistryKind, record: Record<string, unknown>): string {
  if (kind === 'stations') return String(record.stationId ?? '');
  if (kind === 'permits') return String(record.permitNo ?? '');
  const color = parsePlateColor(record.plateColor as string);
  return color === undefined ? `?:${String(record.plate ?? '')}` : vehicleKey(color, String(record.plate ?? ''));
}

const OWNER_COLUMN: Record<string, string> = {
  owner: 'ownerName',
  'owner.name': 'ownerName',
  'owner.type': 'ownerType',
  'owner.idNo': 'ownerIdNo',
  'owner.phone': 'ownerPhone',
};

/** A validation error of a record field, named by its CSV column. */
export function csvField(error: FieldError): FieldError {
  if (error.field === '(message)') return { field: '(row)', message: error.message };
  const column = OWNER_COLUMN[error.field];
  if (!column) return error;
  const message = error.message.replace(/^(?:owner\.)?(name|type|idNo|phone)\b/, column);
  return { field: column, message };
}
