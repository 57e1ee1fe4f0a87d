import fc from 'fast-check';
import { isPublicationOverdue } from '@oc/domain';
import { overdueEffectiveBefore } from './publication-deadline';

describe('overdueEffectiveBefore', () => {
  it('splits listings exactly where the domain rule flips (any now, any effectiveAt, 0..15 working days)', () => {
    const base = Date.UTC(2025, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * 86_400_000 }),
        fc.integer({ min: 0, max: 60 * 86_400_000 }),
        fc.integer({ min: 0, max: 15 }),
        (nowOffset, age, days) => {
          const now = new Date(base + nowOffset);
          const effectiveAt = new Date(now.getTime() - age);
          const cutoff = overdueEffectiveBefore(now, days);
          expect(effectiveAt.getTime() <= cutoff.getTime()).toBe(isPublicationOverdue(effectiveAt, now, days));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
