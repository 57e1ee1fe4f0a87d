import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { MetricsRegistry } from './metrics';

/**
 * The operator's view holds together (docs/operations.md "Alerts"): every metric infra/prometheus/alerts.yml
 * and the Grafana dashboard read is one an app defines, every figure an alert reads is on the dashboard,
 * and every alert has its runbook. A renamed metric otherwise leaves an alert that can never fire.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
const rules = (parse(read('infra/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string }[];
  gridPos: { x: number; y: number; w: number; h: number };
}
const dashboard = JSON.parse(read('infra/grafana/overload-credit.json')) as { panels: Panel[] };

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'group_left', 'group_right', 'inf', 'nan']);
/** The metric names a PromQL expression reads (label matchers, groupings, ranges and functions left out). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = bare.slice(match.index + match[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** The names the apps give their metrics (`name: '…'` in prom-client definitions), and prom-client's own. */
function definedMetrics(): Set<string> {
  const names = new Set<string>(['up', 'ALERTS']);
  for (const m of new MetricsRegistry().getMetricsAsArray()) names.add(m.name);
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        if (entry !== 'node_modules' && entry !== 'web') visit(file);
      } else if (file.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(file)) {
        for (const match of readFileSync(file, 'utf8').matchAll(/\bname: '([a-z_:][a-z0-9_:]*)'/g))
          names.add(match[1]!);
      }
    }
  };
  visit(path.join(ROOT, 'apps'));
  visit(path.join(ROOT, 'libs'));
  return names;
}
const isDefined = (defined: Set<string>, name: string) =>
  defined.has(name) || defined.has(name.replace(/_(bucket|sum|count)$/, ''));

describe('metricNames', () => {
  it('finds the metrics of an expression, not its functions, labels or keywords', () => {
    expect(
      metricNames(
        'max without (instance, job) (a_lag{job="x"}) > 0 and max by (g) (changes(b_offset[5m])) == 0 or vector(1)',
      ).sort(),
    ).toEqual(['a_lag', 'b_offset']);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(d_seconds_bucket[$__rate_interval])))')).toEqual([
      'd_seconds_bucket',
    ]);
  });
});

describe('the alerting rules, the dashboard and the runbooks', () => {
  const defined = definedMetrics();
  const alertMetrics = new Set(rules.flatMap((r) => metricNames(r.expr)));
  const panelMetrics = new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr))));

  it('read only metrics the apps define', () => {
    expect([...alertMetrics].filter((n) => !isDefined(defined, n))).toEqual([]);
    expect([...panelMetrics].filter((n) => !isDefined(defined, n))).toEqual([]);
    // The check sees what it checks: the gate's figures and the sampled ones are among the rules'.
    expect([...alertMetrics]).toEqual(expect.arrayContaining(['gate_decisions_total', 'ingest_consumer_lag']));
  });

  it('put every figure an alert reads on the dashboard', () => {
    expect([...alertMetrics].filter((n) => n !== 'up' && !panelMetrics.has(n))).toEqual([]);
  });

  it('give every alert a runbook section in docs/operations.md, linked from its annotation', () => {
    const operations = read('docs/operations.md');
    const headings = new Set([...operations.matchAll(/^### (\w+)$/gm)].map((m) => m[1]));
    expect(rules.filter((r) => !headings.has(r.alert)).map((r) => r.alert)).toEqual([]);
    expect(
      rules.filter((r) => r.annotations.runbook !== `docs/operations.md#${r.alert.toLowerCase()}`).map((r) => r.alert),
    ).toEqual([]);
  });

  it('lays the dashboard out with one id per panel and every panel inside the 24 columns', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.panels.filter((p) => p.gridPos.x + p.gridPos.w > 24).map((p) => p.title)).toEqual([]);
  });
});
