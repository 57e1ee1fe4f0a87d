import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { StatsQueryDto } from './staff-api/queries/staff-query.dto';
import { NoticeServiceDto } from './staff-api/workflow/due-process.dto';
import { ProcessViolationDto } from './staff-api/workflow/violation-actions.dto';

/** What the ValidationPipe does with a request part: the transformed value, or the messages by field. */
function through<T extends object>(type: new () => T, raw: object): { value?: T; errors?: Record<string, string[]> } {
  const value = plainToInstance(type, raw);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true });
  if (!errors.length) return { value };
  return { errors: Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})])) };
}

// RFC 3339 §5.6: "T" and "Z" may be lower case, and a space may stand for "T" (the note under the ABNF).
describe('HTTP date-times: RFC 3339 in every form it allows, one canonical form inside', () => {
  it.each([
    ['2025-06-01T08:00:00+08:00', '2025-06-01T08:00:00+08:00'],
    ['2025-06-01t08:00:00+08:00', '2025-06-01T08:00:00+08:00'],
    ['2025-06-01 08:00:00+08:00', '2025-06-01T08:00:00+08:00'],
    ['2025-06-01T00:00:00z', '2025-06-01T00:00:00Z'],
    ['2025-06-01T00:00:00.123456Z', '2025-06-01T00:00:00.123456Z'],
    ['2025-06-01T08:00+0800', '2025-06-01T08:00+08:00'],
  ])('accepts %s in a query and a body as %s', (text, canonical) => {
    expect(through(StatsQueryDto, { from: text }).value?.from).toBe(canonical);
    expect(through(NoticeServiceDto, { method: 'POST', servedAt: text }).value?.servedAt).toBe(canonical);
    expect(Date.parse(canonical)).toBe(
      Date.parse(text.replace(/[t ]/, 'T').replace('z', 'Z').replace('+0800', '+08:00')),
    );
  });

  it.each([
    '2025-06-01',
    '2025-06-01T08:00:00',
    '2025-06-01T08:00:00 08:00',
    '2025-02-30T00:00:00Z',
    '2025-06-01T24:00:00Z',
    '2025-06-01T08:00:00+24:00',
    '20250601T080000Z',
  ])('refuses %s naming the accepted form', (text) => {
    const query = through(StatsQueryDto, { to: text }).errors?.to ?? [];
    expect(query).toHaveLength(1);
    expect(query[0]).toContain('RFC 3339');
    expect(query[0]).toContain('2025-06-01T08:00:00+08:00');
    expect(query[0]).toContain('%2B');
    const body =
      through(ProcessViolationDto, { caseNo: 'c', fineYuan: 1, processedAt: text }).errors?.processedAt ?? [];
    expect(body).toEqual([expect.stringContaining('processedAt must be an RFC 3339 date-time')]);
  });
});
