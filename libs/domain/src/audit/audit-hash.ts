import { createHash } from 'node:crypto';

/** prevHash of the first entry of the chain. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON (§4.7): object keys sorted (code-unit order) at every depth, no whitespace, Dates as
 * ISO 8601 strings (anything with toJSON goes through it, as in JSON.stringify). Otherwise JSON.stringify
 * semantics: undefined properties are omitted, undefined in arrays and non-finite numbers become null.
 * Throws on cycles and bigint, which have no canonical JSON form.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, new Set()) ?? 'null';
}

function serialize(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((value as { toJSON(): unknown }).toJSON(), ancestors);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson: bigint has no JSON form');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError('canonicalJson: cyclic structure');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item) => serialize(item, ancestors) ?? 'null').join(',')}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = serialize(record[key], ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

/** §4.7: hash = sha256 hex of (prevHash + canonical JSON of the entry). */
export function auditHash(prevHash: string, entry: object): string {
  return createHash('sha256')
    .update(prevHash + canonicalJson(entry), 'utf8')
    .digest('hex');
}
