import { formatChineseDate, formatDate, formatDateTime, fromShanghaiLocalInput, toShanghaiLocalInput } from './format';

describe('console time formatting (Asia/Shanghai, whatever the browser zone)', () => {
  it('shows instants on the Shanghai wall clock', () => {
    expect(formatDateTime('2026-03-02T15:59:00Z')).toBe('2026-03-02 23:59');
    expect(formatDateTime('2026-03-02T16:00:00Z')).toBe('2026-03-03 00:00');
    expect(formatDate('2026-03-02T16:00:00+00:00')).toBe('2026-03-03');
    expect(formatDate(undefined)).toBe('—');
    // An official document's date: no leading zeros; a blank one is left to be written by hand.
    expect(formatChineseDate('2026-03-02T16:00:00Z')).toBe('2026年3月3日');
    expect(formatChineseDate(null)).toBe('　　年　　月　　日');
  });

  it('reads a datetime-local value as Shanghai time and writes it back unchanged', () => {
    expect(fromShanghaiLocalInput('2026-03-03T00:00')).toBe('2026-03-03T00:00:00+08:00');
    expect(new Date(fromShanghaiLocalInput('2026-03-03T00:00')).toISOString()).toBe('2026-03-02T16:00:00.000Z');
    expect(toShanghaiLocalInput(new Date('2026-03-02T16:00:00Z'))).toBe('2026-03-03T00:00');
    expect(() => fromShanghaiLocalInput('yesterday')).toThrow();
  });
});
