import { startOfShanghaiDay } from './shanghai-day';

describe('startOfShanghaiDay', () => {
  it.each([
    ['2026-03-02T15:59:59.999Z', '2026-03-01T16:00:00.000Z'], // 23:59:59.999 on 2 March local
    ['2026-03-02T16:00:00.000Z', '2026-03-02T16:00:00.000Z'], // midnight starting 3 March local
    ['2026-03-02T00:00:00.000Z', '2026-03-01T16:00:00.000Z'], // 08:00 on 2 March local
  ])('%s starts at %s', (instant, start) => {
    expect(startOfShanghaiDay(new Date(instant)).toISOString()).toBe(start);
  });
});
