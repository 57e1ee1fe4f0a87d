import { generateTraffic } from './traffic-generator';

describe('generateTraffic', () => {
  it('keeps event time with the rate above 1,000 events/s (fractional spacing)', () => {
    const start = new Date('2026-11-27T00:00:00Z');
    const times: number[] = [];
    for (const m of generateTraffic({
      seed: 3,
      vehicles: 100,
      start,
      spacingMs: 1000 / 5000,
      lateShare: 0,
      malformedShare: 0,
    })) {
      times.push(Date.parse((JSON.parse(m.value) as { measuredAt: string }).measuredAt));
      if (times.length === 5000) break;
    }
    // 5,000 events at 5,000/s span one second of event time, not five.
    expect(Math.max(...times) - start.getTime()).toBe(999);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});
