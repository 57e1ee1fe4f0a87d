import { AUDIT_GENESIS_HASH, auditHash } from './audit-hash';
import {
  auditAnchorSlot,
  auditEntryHmac,
  auditKeyId,
  auditKeyring,
  checkAuditAnchor,
  checkAuditEntryHmac,
  sealAuditAnchor,
  type AuditAnchor,
  type AuditKeyring,
} from './audit-seal';
import { AuditChainEntry, AuditChainVerifier } from './audit-verification';
import type { AuditVerification } from './audit-verification-result';

const KEY = 'k'.repeat(16) + 'current-key-0123456789';
const OTHER = 'o'.repeat(16) + 'attacker-key-012345678';
const RETIRED = 'r'.repeat(16) + 'retired-key-0123456789';
const ring = auditKeyring(KEY, [RETIRED]);
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

/** A chain as the repository writes it: content i, sealed from `sealedFrom` on (earlier ones unsealed). */
function chain(
  n: number,
  { sealedFrom = 1, key = KEY }: { sealedFrom?: number; key?: string } = {},
): AuditChainEntry[] {
  const k = auditKeyring(key).current;
  const entries: AuditChainEntry[] = [];
  let prevHash = AUDIT_GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const content = { action: 'LISTING_CREATED', entityId: `l${i}`, after: { n: i } };
    const hash = auditHash(prevHash, content);
    const sealed = i >= sealedFrom;
    entries.push({
      seq: String(i),
      prevHash,
      hash,
      hmac: sealed ? auditEntryHmac(k, prevHash, hash) : null,
      hmacKeyId: sealed ? k.id : null,
      content,
      at: new Date(T0 + i * 1000),
    });
    prevHash = hash;
  }
  return entries;
}

/** Recomputes every hash (SHA-256 only, as someone without the key would) after changing entry `seq`. */
function rewrite(entries: AuditChainEntry[], seq: number, change: (c: object) => object): AuditChainEntry[] {
  let prevHash = AUDIT_GENESIS_HASH;
  return entries.map((e, i) => {
    const content = i + 1 === seq ? change(e.content) : e.content;
    const hash = auditHash(prevHash, content);
    const out = { ...e, prevHash, content, hash };
    prevHash = hash;
    return out;
  });
}

function anchorOf(e: AuditChainEntry | undefined, atMs: number, key = KEY): AuditAnchor {
  const k = auditKeyring(key).current;
  return sealAuditAnchor(k, {
    slot: auditAnchorSlot(new Date(atMs), MINUTE).toISOString(),
    seq: e?.seq ?? '0',
    hash: e?.hash ?? AUDIT_GENESIS_HASH,
    hmac: e?.hmac ?? null,
    anchoredAt: new Date(atMs).toISOString(),
  });
}

function verify(
  entries: AuditChainEntry[],
  anchors: AuditAnchor[] = [],
  { now = T0 + 60 * MINUTE, keys = ring }: { now?: number; keys?: AuditKeyring } = {},
): AuditVerification {
  const v = new AuditChainVerifier(keys, anchors, { now: new Date(now), anchorIntervalMs: MINUTE });
  for (const e of entries) if (!v.push(e)) break;
  return v.finish();
}

/** Anchors every minute over entries written one per second: entry i is the head from second i. */
function minuteAnchors(entries: AuditChainEntry[], minutes: number): AuditAnchor[] {
  return Array.from({ length: minutes }, (_, m) => {
    const at = T0 + (m + 1) * MINUTE;
    const head = [...entries].reverse().find((e) => e.at.getTime() <= at);
    return anchorOf(head, at);
  });
}

describe('audit seal (HMAC per entry, SPEC §4.7)', () => {
  it('names a key by a stable id that is not the key', () => {
    expect(auditKeyId(KEY)).toMatch(/^[0-9a-f]{16}$/);
    expect(auditKeyId(KEY)).toBe(auditKeyId(KEY));
    expect(auditKeyId(KEY)).not.toBe(auditKeyId(OTHER));
    expect(KEY).not.toContain(auditKeyId(KEY));
  });

  it.each([
    ['the sealing key', KEY, 'VALID'],
    ['a retired key still configured', RETIRED, 'VALID'],
    ['a key not configured', OTHER, 'UNKNOWN_KEY'],
  ] as const)('an entry sealed with %s → %s', (_case, key, expected) => {
    const k = auditKeyring(key).current;
    const hmac = auditEntryHmac(k, AUDIT_GENESIS_HASH, 'ab'.repeat(32));
    expect(
      checkAuditEntryHmac(ring, { prevHash: AUDIT_GENESIS_HASH, hash: 'ab'.repeat(32), hmac, hmacKeyId: k.id }),
    ).toBe(expected);
  });

  it('an HMAC moved to another hash or predecessor, or made with another key under our id, does not verify', () => {
    const hmac = auditEntryHmac(ring.current, AUDIT_GENESIS_HASH, 'ab'.repeat(32));
    const id = ring.current.id;
    expect(
      checkAuditEntryHmac(ring, { prevHash: AUDIT_GENESIS_HASH, hash: 'cd'.repeat(32), hmac, hmacKeyId: id }),
    ).toBe('MISMATCH');
    expect(checkAuditEntryHmac(ring, { prevHash: 'ef'.repeat(32), hash: 'ab'.repeat(32), hmac, hmacKeyId: id })).toBe(
      'MISMATCH',
    );
    const forged = auditEntryHmac(auditKeyring(OTHER).current, AUDIT_GENESIS_HASH, 'ab'.repeat(32));
    expect(
      checkAuditEntryHmac(ring, { prevHash: AUDIT_GENESIS_HASH, hash: 'ab'.repeat(32), hmac: forged, hmacKeyId: id }),
    ).toBe('MISMATCH');
  });

  it('an anchor is sealed over every field', () => {
    const a = anchorOf(chain(3)[2], T0 + MINUTE);
    expect(checkAuditAnchor(ring, a)).toBe('VALID');
    for (const change of [
      { seq: '2' },
      { hash: '0'.repeat(64) },
      { hmac: null },
      { anchoredAt: new Date(T0).toISOString() },
    ])
      expect(checkAuditAnchor(ring, { ...a, ...change })).toBe('MISMATCH');
    expect(checkAuditAnchor(ring, anchorOf(chain(3)[2], T0 + MINUTE, OTHER))).toBe('UNKNOWN_KEY');
  });

  it('slots are the interval starts', () => {
    expect(auditAnchorSlot(new Date(T0 + 59_999), MINUTE).getTime()).toBe(T0);
    expect(auditAnchorSlot(new Date(T0 + 60_000), MINUTE).getTime()).toBe(T0 + MINUTE);
  });
});

describe('AuditChainVerifier (SPEC §4.7)', () => {
  const entries = chain(200); // one per second: 3 min 20 s of writing
  const anchors = minuteAnchors(entries, 4);

  it('an intact, sealed and anchored chain is ok', () => {
    expect(verify(entries, anchors, { now: T0 + 4 * MINUTE + 1000 })).toEqual({
      ok: true,
      entries: 200,
      unsealedEntries: 0,
      anchors: { valid: 4, invalid: 0, latest: { seq: '200', anchoredAt: new Date(T0 + 4 * MINUTE).toISOString() } },
      anchorGaps: [],
    });
  });

  it('a changed entry fails its hash, named', () => {
    const changed = entries.map((e) => (e.seq === '50' ? { ...e, content: { ...e.content, actor: 'x' } } : e));
    expect(verify(changed, anchors).firstBroken).toEqual({
      seq: '50',
      code: 'HASH_MISMATCH',
      reason: 'hash does not match the entry content',
    });
  });

  it('a chain recomputed with SHA-256 after an edit fails the edited entry’s HMAC, named', () => {
    const result = verify(
      rewrite(entries, 150, (c) => ({ ...c, after: { n: 0 } })),
      anchors,
    );
    expect(result).toMatchObject({ ok: false, entries: 149, firstBroken: { seq: '150', code: 'HMAC_MISMATCH' } });
  });

  it('a recomputed chain whose HMACs are dropped from the edit on fails as unsealed after a sealed entry', () => {
    const tampered = rewrite(entries, 150, (c) => ({ ...c, after: { n: 0 } })).map((e) =>
      Number(e.seq) >= 150 ? { ...e, hmac: null, hmacKeyId: null } : e,
    );
    expect(verify(tampered, anchors).firstBroken).toMatchObject({ seq: '150', code: 'HMAC_MISSING' });
  });

  it('a recomputed chain resealed with another key fails as sealed by an unknown key', () => {
    const other = auditKeyring(OTHER).current;
    const tampered = rewrite(entries, 150, (c) => ({ ...c, after: { n: 0 } })).map((e) =>
      Number(e.seq) >= 150 ? { ...e, hmac: auditEntryHmac(other, e.prevHash, e.hash), hmacKeyId: other.id } : e,
    );
    expect(verify(tampered, anchors).firstBroken).toMatchObject({ seq: '150', code: 'HMAC_KEY_UNKNOWN' });
  });

  it('an unsealed chain rewritten (from before the seal) fails at the first anchor', () => {
    const legacy = chain(200, { sealedFrom: 1_000 });
    const legacyAnchors = minuteAnchors(legacy, 4);
    expect(verify(legacy, legacyAnchors, { now: T0 + 4 * MINUTE }).ok).toBe(true);
    const result = verify(
      rewrite(legacy, 10, (c) => ({ ...c, after: { n: 0 } })),
      legacyAnchors,
    );
    expect(result.firstBroken).toMatchObject({ seq: '60', code: 'ANCHOR_MISMATCH' });
  });

  it('the last ten entries deleted → the anchored head is named, beyond the end of the log', () => {
    const result = verify(entries.slice(0, 190), anchors);
    expect(result).toMatchObject({ ok: false, entries: 190 });
    expect(result.firstBroken).toEqual({
      seq: '200',
      code: 'TAIL_DELETED',
      reason: `entry 200, anchored at ${new Date(T0 + 4 * MINUTE).toISOString()}, is missing: the log ends at seq 190, its last entries were deleted`,
    });
  });

  it('an anchored entry deleted from the middle is named itself; an unanchored one by the entry after it', () => {
    expect(
      verify(
        entries.filter((e) => e.seq !== '120'),
        anchors,
      ).firstBroken,
    ).toMatchObject({
      seq: '120',
      code: 'ANCHORED_ENTRY_MISSING',
    });
    expect(
      verify(
        entries.filter((e) => e.seq !== '121'),
        anchors,
      ).firstBroken,
    ).toMatchObject({
      seq: '122',
      code: 'LINK_BROKEN',
    });
  });

  it('the whole log deleted → the first anchored entry is named', () => {
    expect(verify([], anchors).firstBroken).toMatchObject({ seq: '60', code: 'TAIL_DELETED' });
  });

  it('anchors not sealed with a known key are ignored and counted', () => {
    const forged = anchorOf(entries[199], T0 + 5 * MINUTE, OTHER);
    const lying = { ...anchorOf(entries[99], T0 + 5 * MINUTE), seq: '500' };
    const result = verify(entries.slice(0, 190), [...anchors.slice(0, 2), forged, lying], { now: T0 + 2 * MINUTE });
    expect(result).toMatchObject({ ok: true, anchors: { valid: 2, invalid: 2 } });
  });

  it('duplicate anchors (two instances, a redelivery) are harmless', () => {
    expect(verify(entries, [...anchors, ...anchors], { now: T0 + 4 * MINUTE }).anchors.valid).toBe(4);
  });

  it('an entry from before the seal after a sealed one is refused; a prefix of them is counted', () => {
    const mixed = chain(20, { sealedFrom: 6 });
    expect(verify(mixed, [], { now: T0 }).unsealedEntries).toBe(5);
    const late = mixed.map((e) => (e.seq === '9' ? { ...e, hmac: null, hmacKeyId: null } : e));
    expect(verify(late, [], { now: T0 }).firstBroken).toMatchObject({ seq: '9', code: 'HMAC_MISSING' });
  });

  it('an entry sealed with the retired key still verifies (key rotation)', () => {
    const old = chain(10, { key: RETIRED });
    expect(verify(old, [], { now: T0 }).ok).toBe(true);
    expect(verify(old, [], { now: T0, keys: auditKeyring(KEY) }).firstBroken).toMatchObject({
      seq: '1',
      code: 'HMAC_KEY_UNKNOWN',
    });
  });

  describe('missing anchors', () => {
    it('a gap longer than three intervals while entries were written is reported, not a break', () => {
      // 1 min, then 5 min: entries 61..200 written in between, four intervals without an anchor.
      const gapped = [anchors[0]!, anchorOf(entries[199], T0 + 5 * MINUTE)];
      const result = verify(entries, gapped, { now: T0 + 5 * MINUTE });
      expect(result.ok).toBe(true);
      expect(result.anchorGaps).toEqual([
        {
          after: new Date(T0 + MINUTE).toISOString(),
          before: new Date(T0 + 5 * MINUTE).toISOString(),
          firstSeq: '61',
          lastSeq: '200',
        },
      ]);
    });

    it('no gap when nothing was written meanwhile, nor within the allowance', () => {
      const idle = [anchorOf(entries[199], T0 + 4 * MINUTE), anchorOf(entries[199], T0 + 60 * MINUTE)];
      expect(verify(entries, [...anchors, ...idle], { now: T0 + 61 * MINUTE }).anchorGaps).toEqual([]);
      expect(verify(entries, [anchors[0]!, anchors[2]!], { now: T0 + 3 * MINUTE }).anchorGaps).toEqual([]);
    });

    it('entries after the last anchor, older than the allowance → a gap until now', () => {
      expect(verify(entries, anchors.slice(0, 2), { now: T0 + 10 * MINUTE }).anchorGaps).toEqual([
        { after: new Date(T0 + 2 * MINUTE).toISOString(), before: null, firstSeq: '121', lastSeq: '200' },
      ]);
    });

    it('sealed entries and no anchor at all, for longer than the allowance → a gap', () => {
      expect(verify(entries, [], { now: T0 + 10 * MINUTE }).anchorGaps).toEqual([
        { after: null, before: null, firstSeq: '1', lastSeq: '200' },
      ]);
      expect(verify(entries, [], { now: T0 + 2 * MINUTE }).anchorGaps).toEqual([]);
    });
  });
});
