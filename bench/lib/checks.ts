import type { TrafficKinds } from './kafka';
import { num } from './report';

/**
 * What a run must get right for its figures to count: what was stored, what was answered. A scenario
 * returns its checks with its figures; one that fails marks the scenario failed in the report and
 * makes the run exit 1 — a fast wrong answer is not a result.
 */
export interface Check {
  name: string;
  expected: string;
  actual: string;
  ok: boolean;
}

const show = (v: number | string): string => (typeof v === 'number' ? num(v) : v);

export function checkEqual(name: string, expected: number | string, actual: number | string): Check {
  return { name, expected: show(expected), actual: show(actual), ok: expected === actual };
}

/** A condition with its own wording of what was expected. */
export function checkThat(name: string, expected: string, actual: number | string, ok: boolean): Check {
  return { name, expected, actual: show(actual), ok };
}

/** Two collections hold the same distinct items; `actual` says how many and names a few that differ. */
export function checkSameSet(
  name: string,
  expected: Iterable<string>,
  actual: Iterable<string>,
  labels: { expected: string; actual: string },
): Check {
  const want = new Set(expected);
  const got = new Set(actual);
  const missing = [...want].filter((x) => !got.has(x));
  const extra = [...got].filter((x) => !want.has(x));
  const few = (xs: string[]): string =>
    xs.length === 0 ? '0' : `${xs.length} (${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ', …' : ''})`;
  const ok = missing.length === 0 && extra.length === 0;
  return {
    name,
    expected: `${num(want.size)} in ${labels.expected}`,
    actual: ok
      ? `${num(got.size)} in ${labels.actual}, the same`
      : `${num(got.size)} in ${labels.actual}; missing ${few(missing)}, extra ${few(extra)}`,
    ok,
  };
}

/**
 * What a run stored, against what the generator says it sent: every event is a weighing or a dead
 * letter, the dead letters are the malformed messages, the violations are the illegal overlimit ones.
 */
export function storedChecks(
  run: string,
  stored: { weighings: number; dlq: number; violations: number },
  sent: TrafficKinds,
  events: number,
): Check[] {
  return [
    checkEqual(`${run}: stored weighings + dead letters = events produced`, events, stored.weighings + stored.dlq),
    checkEqual(`${run}: dead letters = malformed messages produced`, sent.MALFORMED, stored.dlq),
    // The benchmark worlds register the stations but no permits: a permit the generator meant to cover
    // its weighing is unknown there, so that weighing is a violation too (docs/rules.md, permits).
    checkEqual(
      `${run}: violations = illegal overlimit weighings produced (permit uses included: no permit registry)`,
      sent.VIOLATION + sent.PERMIT,
      stored.violations,
    ),
  ];
}

export const failedChecks = (checks: readonly Check[] | undefined): Check[] => (checks ?? []).filter((c) => !c.ok);
