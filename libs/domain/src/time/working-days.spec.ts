import { DomainError } from '../errors/domain-error';
import { addWorkingDays, isPublicationOverdue, publicationDueBy, startOfShanghaiDay } from './working-days';

const sh = (local: string) => new Date(`${local}+08:00`);

describe('addWorkingDays (Mon–Fri, Asia/Shanghai)', () => {
  it.each([
    ['Monday morning, 7 days → next Wednesday', '2025-03-03T09:00:00', 7, '2025-03-12T23:59:59.999'],
    ['Friday evening, 1 day → Monday', '2025-03-07T20:00:00', 1, '2025-03-10T23:59:59.999'],
    ['Saturday, 1 day → Monday', '2025-03-08T12:00:00', 1, '2025-03-10T23:59:59.999'],
    ['Sunday, 5 days → Friday', '2025-03-09T12:00:00', 5, '2025-03-14T23:59:59.999'],
    ['Friday, 7 days → Tuesday week after', '2025-03-07T09:00:00', 7, '2025-03-18T23:59:59.999'],
    ['0 days → end of the same local day', '2025-03-05T10:00:00', 0, '2025-03-05T23:59:59.999'],
    ['across the year end', '2025-12-31T10:00:00', 2, '2026-01-02T23:59:59.999'],
  ])('%s', (_case, start, days, due) => {
    expect(addWorkingDays(sh(start), days)).toEqual(sh(due));
  });

  it('uses the Shanghai calendar day, not the UTC one', () => {
    // 2025-03-07T17:00Z is Saturday 01:00 in Shanghai (Friday in UTC): the next working day is Monday.
    expect(addWorkingDays(new Date('2025-03-07T17:00:00Z'), 1)).toEqual(sh('2025-03-10T23:59:59.999'));
    // 2025-03-06T23:59Z is Friday 07:59 in Shanghai.
    expect(addWorkingDays(new Date('2025-03-06T23:59:00Z'), 1)).toEqual(sh('2025-03-10T23:59:59.999'));
  });

  it('accepts another offset', () => {
    expect(addWorkingDays(new Date('2025-03-07T20:00:00Z'), 1, 0)).toEqual(new Date('2025-03-10T23:59:59.999Z'));
  });

  it('rejects negative or fractional days and invalid dates', () => {
    expect(() => addWorkingDays(sh('2025-03-03T09:00:00'), -1)).toThrow(DomainError);
    expect(() => addWorkingDays(sh('2025-03-03T09:00:00'), 1.5)).toThrow(DomainError);
    expect(() => addWorkingDays(new Date(NaN), 1)).toThrow(DomainError);
  });
});

describe('publication deadline (§4.4: 7 working days)', () => {
  const listedAt = sh('2025-03-03T09:00:00');

  it('is due at the end of the 7th working day after listing', () => {
    expect(publicationDueBy(listedAt, 7)).toEqual(sh('2025-03-12T23:59:59.999'));
  });

  it('is overdue only after that instant', () => {
    expect(isPublicationOverdue(listedAt, sh('2025-03-12T23:59:59.999'), 7)).toBe(false);
    expect(isPublicationOverdue(listedAt, sh('2025-03-13T00:00:00'), 7)).toBe(true);
  });
});

describe('startOfShanghaiDay', () => {
  it.each([
    ['2026-03-02T15:59:59.999Z', '2026-03-01T16:00:00.000Z'], // 23:59:59.999 on 2 March local
    ['2026-03-02T16:00:00.000Z', '2026-03-02T16:00:00.000Z'], // midnight starting 3 March local
    ['2026-03-02T00:00:00.000Z', '2026-03-01T16:00:00.000Z'], // 08:00 on 2 March local
  ])('%s starts at %s', (instant, start) => {
    expect(startOfShanghaiDay(new Date(instant)).toISOString()).toBe(start);
  });
});
