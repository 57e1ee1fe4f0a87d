import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { AUDIT_GENESIS_HASH, auditHash, canonicalJson } from './audit-hash';

describe('canonicalJson (§4.7)', () => {
  it.each<[string, unknown, string]>([
    ['sorted keys, no whitespace', { b: 1, a: 'x' }, '{"a":"x","b":1}'],
    [
      'nested and in arrays',
      { z: [{ d: 1, c: 2 }], y: { b: null, a: true } },
      '{"y":{"a":true,"b":null},"z":[{"c":2,"d":1}]}',
    ],
    ['Dates as ISO strings', { at: new Date('2025-03-03T09:00:00+08:00') }, '{"at":"2025-03-03T01:00:00.000Z"}'],
    ['undefined properties omitted', { a: undefined, b: 1 }, '{"b":1}'],
    ['undefined in arrays as null', [undefined, 1], '[null,1]'],
    ['non-finite numbers as null', [NaN, Infinity], '[null,null]'],
    ['strings escaped, unicode kept', { plate: '浙E12345 "x"\n' }, '{"plate":"浙E12345 \\"x\\"\\n"}'],
    ['keys in code-unit order', { b: 1, B: 2, a: 3, 浙: 4 }, '{"B":2,"a":3,"b":1,"浙":4}'],
    ['scalars', 'x', '"x"'],
    ['null', null, 'null'],
    ['empty containers', { a: [], b: {} }, '{"a":[],"b":{}}'],
  ])('%s', (_case, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('is plain JSON of the same value, independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('throws on cycles and bigint', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: shared })).toBe('{"x":{"a":1},"y":{"a":1}}');
  });
});

describe('auditHash (§4.7)', () => {
  it('is sha256 hex of prevHash + canonical JSON', () => {
    const entry = { seq: 1, action: 'LISTING_CREATED', at: new Date('2025-03-03T01:00:00Z') };
    const expected = createHash('sha256')
      .update(`${AUDIT_GENESIS_HASH}{"action":"LISTING_CREATED","at":"2025-03-03T01:00:00.000Z","seq":1}`)
      .digest('hex');
    expect(auditHash(AUDIT_GENESIS_HASH, entry)).toBe(expected);
    expect(auditHash(AUDIT_GENESIS_HASH, { at: entry.at, action: entry.action, seq: 1 })).toBe(expected);
  });

  it('chains: a different prevHash gives a different hash', () => {
    const entry = { seq: 2 };
    expect(auditHash('a'.repeat(64), entry)).not.toBe(auditHash('b'.repeat(64), entry));
    expect(auditHash(AUDIT_GENESIS_HASH, entry)).toMatch(/^[0-9a-f]{64}$/);
  });
});
