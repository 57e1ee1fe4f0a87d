import { parseAuditAnchor } from './audit-anchor';

const valid = {
  slot: '2026-12-03T08:00:00.000Z',
  seq: '42',
  hash: 'a'.repeat(64),
  hmac: 'b'.repeat(64),
  anchoredAt: '2026-12-03T08:00:31.120Z',
  keyId: 'c'.repeat(16),
  mac: 'd'.repeat(64),
};
const parse = (v: unknown) => parseAuditAnchor(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));

describe('parseAuditAnchor (audit.anchors.v1)', () => {
  it('takes an anchor, also of an empty log or an unsealed head', () => {
    expect(parse(valid)).toEqual({ ok: true, anchor: valid });
    expect(parse({ ...valid, seq: '0', hmac: null })).toMatchObject({ ok: true });
  });

  it.each([
    ['not JSON', '{', '(message)'],
    ['an array', [], '(message)'],
    ['an extra field', { ...valid, note: 'x' }, 'note'],
    ['a seq with a sign', { ...valid, seq: '-1' }, 'seq'],
    ['a numeric seq', { ...valid, seq: 42 }, 'seq'],
    ['a short hash', { ...valid, hash: 'a'.repeat(63) }, 'hash'],
    ['an upper-case mac', { ...valid, mac: 'D'.repeat(64) }, 'mac'],
    ['a time without offset', { ...valid, anchoredAt: '2026-12-03T08:00:31' }, 'anchoredAt'],
    ['no keyId', { ...valid, keyId: undefined }, 'keyId'],
  ])('refuses %s, naming the field', (_case, value, field) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.details.map((d) => d.field)).toContain(field);
  });
});
