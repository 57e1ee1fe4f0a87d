import { parseNoticeReceipt } from './notice-receipt';

const NOTICE = '6f1c1f86-5a8e-4d8e-9b7c-0a7f2d3c4b5a';
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const receipt = { receiptId: 'sms-0001', noticeId: NOTICE, channel: 'SMS', deliveredAt: '2026-09-28T15:30:00+08:00' };

describe('parseNoticeReceipt (credit.notice-receipts.v1)', () => {
  it('accepts a receipt keyed by its notice', () => {
    expect(parseNoticeReceipt(Buffer.from(NOTICE), json(receipt))).toEqual({
      ok: true,
      receipt: {
        receiptId: 'sms-0001',
        noticeId: NOTICE,
        channel: 'SMS',
        deliveredAt: new Date('2026-09-28T07:30:00Z'),
      },
    });
  });

  it.each([
    ['not JSON', Buffer.from('{'), 'BAD_JSON', '(message)'],
    ['a tombstone', null, 'SCHEMA_INVALID', '(message)'],
    ['an unknown channel', json({ ...receipt, channel: 'FAX' }), 'SCHEMA_INVALID', 'channel'],
    [
      'a time without offset',
      json({ ...receipt, deliveredAt: '2026-09-28T15:30:00' }),
      'SCHEMA_INVALID',
      'deliveredAt',
    ],
    [
      'an impossible date',
      json({ ...receipt, deliveredAt: '2026-02-30T15:30:00+08:00' }),
      'SCHEMA_INVALID',
      'deliveredAt',
    ],
    ['a notice id that is no UUID', json({ ...receipt, noticeId: 'N-1' }), 'SCHEMA_INVALID', 'noticeId'],
    ['an unknown field', json({ ...receipt, extra: 1 }), 'SCHEMA_INVALID', 'extra'],
    ['oversized', Buffer.alloc(20_000, 0x20), 'TOO_LARGE', '(message)'],
    // A NUL byte failed in the database, dead-lettered naming noticeId; other control characters were stored.
    ['a NUL byte in the receipt id', json({ ...receipt, receiptId: 'sms\u0000-1' }), 'SCHEMA_INVALID', 'receiptId'],
    [
      'a control character in the receipt id',
      json({ ...receipt, receiptId: 'sms\r\n1' }),
      'SCHEMA_INVALID',
      'receiptId',
    ],
    ['a 10 KB receipt id', json({ ...receipt, receiptId: 'x'.repeat(10_240) }), 'SCHEMA_INVALID', 'receiptId'],
    ['a bare year', json({ ...receipt, deliveredAt: '2025' }), 'SCHEMA_INVALID', 'deliveredAt'],
  ])('refuses %s, naming the field', (_case, value, code, field) => {
    const result = parseNoticeReceipt(Buffer.from(NOTICE), value as Buffer | null);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.details.map((d) => d.field)).toContain(field);
  });

  it("refuses a receipt under another notice's key", () => {
    expect(parseNoticeReceipt(Buffer.from('another'), json(receipt))).toMatchObject({
      ok: false,
      code: 'KEY_MISMATCH',
    });
  });
});
