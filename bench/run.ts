import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { BenchContext } from './lib/context';
import { errorMessage, logger, round } from './lib/log';
import { codeVersion, describeMachine, loadAverage, ROOT } from './lib/machine';
import { failedChecks } from './lib/checks';
import { CpuAccount, DIRTY_SHARE } from './lib/cpu-accounting';
import { cpuCell, dirtyMark, metCell, num, pct, table, Target, times } from './lib/report';
import { createKafkaClient, servicesFromEnv } from './lib/world';
import { runRebuildScenario, RebuildResult } from './scenarios/cache-rebuild.scenario';
import { FRESHNESS_PARTS, FreshnessPart, FreshnessResult, runFreshnessScenario } from './scenarios/freshness.scenario';
import { GateResult, runGateScenario } from './scenarios/gate-latency.scenario';
import { IngestResult, runIngestScenario } from './scenarios/ingest-throughput.scenario';
import { RegistryImportResult, runRegistryImportScenario } from './scenarios/registry-import.scenario';

/**
 * `npm run bench`: ingest throughput, gate latency, listing freshness, cache rebuild and registry import,
 * each against its baseline in the same run, on this machine with everything co-located. Writes
 * bench/results/<UTC time>[-quick].json and .md and prints the markdown. Exit code 1 when a scenario
 * did not complete or one of its checks failed (what was stored or answered is wrong: lib/checks.ts);
 * the targets never change the exit code. See bench/README.md and docs/benchmarks.md.
 */

const SCENARIOS = ['ingest', 'gate', 'freshness', 'rebuild', 'registry-import'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seed: { type: 'string', default: '1' },
    events: { type: 'string' },
    'naive-events': { type: 'string' },
    'agreement-events': { type: 'string' },
    vehicles: { type: 'string', default: '50000' },
    partitions: { type: 'string', default: '4' },
    days: { type: 'string', default: '60' },
    'gate-vehicles': { type: 'string' },
    'gate-connections': { type: 'string', default: '50' },
    'gate-duration': { type: 'string' },
    'gate-rate': { type: 'string', default: '5000' },
    'freshness-vehicles': { type: 'string' },
    'freshness-rate': { type: 'string' },
    'freshness-parts': { type: 'string' },
    'rebuild-listings': { type: 'string' },
    'registry-vehicles': { type: 'string' },
    'timeout-s': { type: 'string', default: '900' },
    'cpu-prof': { type: 'boolean', default: false },
    // Extra Node flags for ingest and gate-api, for experiments: --node-options="--max-semi-space-size=32".
    'node-options': { type: 'string', default: '' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results') },
  },
});

const quick = args.quick;
/** A flag's value, else the quick or the full default. */
function int(name: keyof typeof args, full: number, quickValue = full): number {
  const raw = args[name];
  const value = raw === undefined ? (quick ? quickValue : full) : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be an integer >= 1 (got ${raw})`);
  return value;
}

const only = new Set<Scenario>(
  args.only
    ? args.only.split(',').map((s) => {
        if (!(SCENARIOS as readonly string[]).includes(s))
          throw new Error(`--only: unknown scenario ${s} (${SCENARIOS})`);
        return s as Scenario;
      })
    : SCENARIOS,
);
const freshnessParts: FreshnessPart[] = args['freshness-parts']
  ? args['freshness-parts'].split(',').map((s) => {
      if (!(FRESHNESS_PARTS as readonly string[]).includes(s))
        throw new Error(`--freshness-parts: unknown part ${s} (${FRESHNESS_PARTS})`);
      return s as FreshnessPart;
    })
  : [...FRESHNESS_PARTS];
const seed = int('seed', 1);
const partitions = int('partitions', 4);
const timeoutMs = int('timeout-s', 900) * 1000;

const parameters = {
  ingest: {
    events: int('events', 200_000, 20_000),
    naiveEvents: int('naive-events', 20_000, 2_000),
    agreementEvents: int('agreement-events', 5_000, 2_000),
    vehicles: int('vehicles', 50_000),
    partitions,
    seed,
    days: int('days', 60),
    timeoutMs,
  },
  gate: {
    vehicles: int('gate-vehicles', 100_000, 10_000),
    listedEvery: 10,
    connections: int('gate-connections', 50),
    durationS: int('gate-duration', 20, 5),
    warmupS: quick ? 2 : 5,
    fixedRate: int('gate-rate', 5000),
    paths: 20_000,
    seed,
    stationId: '330500001',
  },
  freshness: {
    parts: freshnessParts,
    vehicles: int('freshness-vehicles', 200, 50),
    rate: int('freshness-rate', 5000, 2000),
    fleet: int('vehicles', 50_000),
    partitions,
    warmupS: quick ? 2 : 5,
    spacingMs: 50,
    minPollMs: 5,
    maxInFlight: 16,
    timeoutMs: 30_000,
    noticePeriodWorkingDays: 5,
    seed,
    stationId: '330500001',
  },
  rebuild: { listings: int('rebuild-listings', 1_000_000, 20_000) },
  registryImport: { vehicles: int('registry-vehicles', 500_000, 50_000), seed },
};

const log = logger('bench');

interface Results {
  ingest?: IngestResult;
  gate?: GateResult;
  freshness?: FreshnessResult;
  rebuild?: RebuildResult;
  'registry-import'?: RegistryImportResult;
}

const SCENARIO_FOR_TARGET = (t: Target): Scenario => t.scenario as Scenario;

function targets(r: Results): Target[] {
  const t: Target[] = [];
  const i = r.ingest;
  const ingestOk = i?.product.completed ? i : undefined;
  const [naive1, naive2] = i?.naive.runs ?? [];
  const [ceiling1, ceiling2] = i?.ceiling.runs ?? [];
  const naiveDone = !!(naive1?.completed && naive2?.completed);
  const ceilingDone = !!(ceiling1?.completed && ceiling2?.completed);
  t.push(
    {
      scenario: 'ingest',
      target: 'ingest ≥ 20,000 events/s (draining a pre-produced backlog)',
      measured: ingestOk ? `${num(i!.product.eventsPerS)} events/s${dirtyMark(i!.product.cpu)}` : '—',
      met: ingestOk ? i!.product.eventsPerS! >= 20_000 : null,
    },
    {
      scenario: 'ingest',
      target: 'ingest ≥ 10× the naive baseline',
      measured:
        ingestOk && naiveDone
          ? `${times(i!.ratios.productToNaive)} (naive ${num(naive1!.eventsPerS)} and ${num(naive2!.eventsPerS)} events/s ` +
            `before and after: ${i!.ratios.productToNaiveEach.map(times).join(', ')})` +
            dirtyMark(i!.product.cpu, naive1!.cpu, naive2!.cpu)
          : '—',
      met: ingestOk && i!.ratios.productToNaive !== null ? i!.ratios.productToNaive >= 10 : null,
    },
    {
      scenario: 'ingest',
      target: 'ingest ≥ 30 % of the kafkajs ceiling',
      measured:
        ingestOk && ceilingDone
          ? `${pct(i!.ratios.productToCeiling)} (ceiling ${num(ceiling1!.eventsPerS)} and ${num(ceiling2!.eventsPerS)} events/s ` +
            `before and after: ${i!.ratios.productToCeilingEach.map(pct).join(', ')})` +
            dirtyMark(i!.product.cpu, ceiling1!.cpu, ceiling2!.cpu)
          : '—',
      met: ingestOk && i!.ratios.productToCeiling !== null ? i!.ratios.productToCeiling >= 0.3 : null,
    },
    {
      scenario: 'ingest',
      target: 'ingest peak RSS ≤ 300 MB',
      measured: ingestOk ? `${num(i!.product.peakRssMB, 1)} MB` : '—',
      met: ingestOk && i!.product.peakRssMB !== null ? i!.product.peakRssMB <= 300 : null,
    },
  );
  const g = r.gate;
  t.push(
    {
      scenario: 'gate',
      target: 'gate ≥ 10,000 requests/s (2xx answers)',
      measured: g ? `${num(g.gate.max.requestsPerS)} requests/s${dirtyMark(g.gate.cpu)}` : '—',
      met: g ? g.gate.max.requestsPerS >= 10_000 : null,
    },
    {
      scenario: 'gate',
      target: `gate p99 ≤ 5 ms at ${num(parameters.gate.fixedRate)} requests/s (paced)`,
      measured: g
        ? `${num(g.gate.paced.latencyMs.p99, 2)} ms at ${num(g.gate.paced.requestsPerS)}/s paced${dirtyMark(g.gate.pacedCpu)}; ` +
          `autocannon overallRate: ${num(g.gate.fixedRate.latencyMs.p99, 2)} ms`
        : '—',
      met: g && g.gate.paced.latencyMs.p99 !== null ? g.gate.paced.latencyMs.p99 <= 5 : null,
    },
    {
      scenario: 'gate',
      target: 'gate ≥ 60 % of bare Fastify',
      measured: g
        ? `${pct(g.ratios.gateToBareFastify)} (bare ${g.bareFastify.max.map((b) => num(b.requestsPerS)).join(' and ')} ` +
          `requests/s before and after: ${g.ratios.gateToBareFastifyEach.map(pct).join(', ')})` +
          dirtyMark(g.gate.cpu, ...g.bareFastify.cpu)
        : '—',
      met: g && g.ratios.gateToBareFastify !== null ? g.ratios.gateToBareFastify >= 0.6 : null,
    },
  );
  const fi = r.freshness?.immediate;
  const fn = r.freshness?.notice;
  t.push(
    {
      scenario: 'freshness',
      target: 'freshness, in effect at once (NOTICE_PERIOD_WORKING_DAYS=0): third trip → TURN_BACK p99 ≤ 1 s',
      measured: fi
        ? `${num(fi.latencyMs.p99)} ms (${fi.turnedBack}/${fi.turnedBack + fi.missed} turned back)${dirtyMark(fi.cpu)}`
        : '—',
      met: fi && fi.latencyMs.p99 !== null ? fi.missed === 0 && fi.latencyMs.p99 <= 1000 : null,
    },
    {
      scenario: 'freshness',
      target: `freshness after the notice period (NOTICE_PERIOD_WORKING_DAYS=${parameters.freshness.noticePeriodWorkingDays}): commit making the listing effective → TURN_BACK p99 ≤ 1 s`,
      measured: fn
        ? `${num(fn.latencyMs.p99)} ms (${fn.turnedBack}/${fn.turnedBack + fn.missed} turned back; ` +
          `from the transaction's start ${num(fn.fromTransactionStartMs.p99)} ms)${dirtyMark(fn.cpu)}`
        : '—',
      met: fn && fn.latencyMs.p99 !== null ? fn.missed === 0 && fn.latencyMs.p99 <= 1000 : null,
    },
  );
  const b = r.rebuild;
  t.push({
    scenario: 'rebuild',
    target: 'cache:rebuild of 1,000,000 listings ≤ 30 s',
    measured: b ? `${num(b.seconds, 1)} s for ${num(b.parameters.listings)} listings${dirtyMark(b.cpu)}` : '—',
    met: b && b.keysMatch ? (b.parameters.listings >= 1_000_000 ? b.seconds <= 30 : null) : null,
  });
  const ri = r['registry-import'];
  t.push({
    scenario: 'registry-import',
    target: 'registry:import of 500,000 vehicles < 60 s',
    measured: ri ? `${num(ri.seconds, 1)} s for ${num(ri.parameters.vehicles)} vehicles${dirtyMark(ri.cpu)}` : '—',
    met: ri ? (ri.parameters.vehicles >= 500_000 ? ri.seconds < 60 : null) : null,
  });
  return t;
}

/** Every measured run with the machine's CPU during it, and whether outside work made it dirty. */
function runRows(r: Results): string[][] {
  const rows: string[][] = [];
  const row = (scenario: string, run: string, figure: string, cpu: CpuAccount | undefined): void =>
    void rows.push([scenario, run, figure, cpuCell(cpu), cpu ? (cpu.dirty ? '**dirty**' : 'clean') : '—']);
  const i = r.ingest;
  if (i) {
    const [c1, c2] = i.ceiling.runs;
    const [n1, n2] = i.naive.runs;
    const rate = (run: { eventsPerS: number | null; events: number }): string =>
      `${num(run.eventsPerS)} events/s (${num(run.events)} events)`;
    row('ingest', 'ceiling 1', rate(c1!), c1!.cpu);
    row('ingest', 'naive 1', rate(n1!), n1!.cpu);
    row('ingest', 'product', rate(i.product), i.product.cpu);
    row('ingest', 'naive 2', rate(n2!), n2!.cpu);
    row('ingest', 'ceiling 2', rate(c2!), c2!.cpu);
    row('ingest', 'product on the prefix (checks only)', rate(i.productOnPrefix), i.productOnPrefix.cpu);
    row('ingest', 'naive on the dense stream (checks only)', rate(i.denseNaive), i.denseNaive.cpu);
    row('ingest', 'product on the dense stream (checks only)', rate(i.denseProduct), i.denseProduct.cpu);
  }
  const g = r.gate;
  if (g) {
    const [b1, b2] = g.bareFastify.max;
    const [bc1, bc2] = g.bareFastify.cpu;
    row('gate', 'bare Fastify full speed 1', `${num(b1!.requestsPerS)} requests/s`, bc1);
    row('gate', 'gate-api full speed', `${num(g.gate.max.requestsPerS)} requests/s`, g.gate.cpu);
    row('gate', 'bare Fastify full speed 2', `${num(b2!.requestsPerS)} requests/s`, bc2);
    row(
      'gate',
      `gate-api at ${num(g.gate.paced.overallRate)}/s, paced`,
      `p99 ${num(g.gate.paced.latencyMs.p99, 2)} ms`,
      g.gate.pacedCpu,
    );
  }
  const fi = r.freshness?.immediate;
  if (fi) row('freshness', 'probing, in effect at once', `p99 ${num(fi.latencyMs.p99)} ms`, fi.cpu);
  const fn = r.freshness?.notice;
  if (fn) row('freshness', 'probing, after the notice period', `p99 ${num(fn.latencyMs.p99)} ms`, fn.cpu);
  const b = r.rebuild;
  if (b) row('rebuild', 'cache:rebuild', `${num(b.seconds, 1)} s`, b.cpu);
  const ri = r['registry-import'];
  if (ri) row('registry-import', 'registry:import vehicles', `${num(ri.seconds, 1)} s`, ri.cpu);
  return rows;
}

/** "TURN_BACK cache 200, ALLOW cache 31, ALLOW fail-open 2": the gate's answers to a probe. */
const answersCell = (answers: Record<string, number>): string =>
  Object.entries(answers)
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(', ') || '—';

function checkRows(r: Results): string[][] {
  return SCENARIOS.flatMap((scenario) =>
    (r[scenario]?.checks ?? []).map((c) => [scenario, c.name, c.expected, c.actual, c.ok ? 'holds' : '**FAILED**']),
  );
}

function markdown(record: Record<string, unknown>, r: Results, failures: Record<string, string>): string {
  const machine = record.machine as Record<string, unknown>;
  const code = record.code as { commit: string; dirty: boolean | null; benchDirty: boolean | null };
  const out: string[] = [];
  out.push(`## Benchmark ${record.at}${quick ? ' (quick)' : ''}`);
  out.push('');
  out.push(
    `Machine: ${machine.cpu}, ${machine.nproc} cores, ${num(machine.memoryMB as number)} MB RAM, Linux ${machine.kernel}; ` +
      `Node ${machine.node}, Kafka ${machine.kafka}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}; ` +
      `everything on this machine. Load average at start ${(machine.loadAverageAtStart as number[]).join(' ')}, ` +
      `at end ${(record.loadAverageAtEnd as number[]).join(' ')}.`,
  );
  out.push(
    `Code: ${code.commit.slice(0, 10)}${code.dirty ? ' with uncommitted changes in apps/ or libs/' : ''}` +
      `${code.benchDirty ? ' (bench/ modified)' : ''}. Seed ${seed}. Took ${num(record.seconds as number)} s.`,
  );
  if (quick) out.push('', '**Quick run**: small sizes; the targets are for the full run and only indicative here.');
  const failed = Object.entries(failures);
  out.push(
    '',
    failed.length === 0
      ? `**Every scenario completed and every check held** (${checkRows(r).length} checks, below).`
      : `**Failed:** ${failed.map(([s, e]) => `${s} (${e})`).join('; ')}. Its figures below are not results.`,
  );
  const dirty = runRows(r).filter((row) => row[4] === '**dirty**').length;
  if (dirty > 0)
    out.push(
      '',
      `**${dirty} measured run(s) dirty**: other work used at least ${pct(DIRTY_SHARE)} of the machine during them ` +
        '(marked "(dirty)"; see Runs).',
    );
  out.push(
    '',
    table(
      ['target', 'measured', ''],
      targets(r).map((t) => [
        t.target,
        t.measured,
        failures[SCENARIO_FOR_TARGET(t)] ? 'scenario **failed**' : metCell(t.met),
      ]),
    ),
  );

  const rows: string[][] = [];
  const i = r.ingest;
  if (i) {
    const p = i.product;
    const [n1, n2] = i.naive.runs;
    const [c1, c2] = i.ceiling.runs;
    const stored = (s: { weighings: number; dlq: number; violations: number; listings: number }): string =>
      `${num(s.weighings)} + ${num(s.dlq)} = ${num(s.weighings + s.dlq)}; ${num(s.violations)}; ${num(s.listings)}`;
    rows.push(
      [
        'ingest',
        'events (partitions, vehicles)',
        `${num(p.events)} (${i.parameters.partitions}, ${num(i.parameters.vehicles)})`,
      ],
      [
        'ingest',
        'run order',
        'ceiling 1, naive 1, product, naive 2, ceiling 2; for the checks: product on the prefix, naive and product on the dense stream',
      ],
      [
        'ingest',
        'product events/s draining the pre-produced backlog (from consumer join; from spawn)',
        `${num(p.eventsPerS)}; ${num(p.eventsPerSFromSpawn)}`,
      ],
      ['ingest', 'ceiling: kafkajs consume-only events/s, runs 1; 2', `${num(c1?.eventsPerS)}; ${num(c2?.eventsPerS)}`],
      [
        'ingest',
        `naive NestJS baseline events/s (${num(n1?.events)} events), runs 1; 2`,
        `${num(n1?.eventsPerS)}; ${num(n2?.eventsPerS)}`,
      ],
      [
        'ingest',
        'product / ceiling: mean of runs 1 and 2 (each)',
        `${pct(i.ratios.productToCeiling)} (${i.ratios.productToCeilingEach.map(pct).join(', ')})`,
      ],
      [
        'ingest',
        'product / naive: mean of runs 1 and 2 (each)',
        `${times(i.ratios.productToNaive)} (${i.ratios.productToNaiveEach.map(times).join(', ')})`,
      ],
      ['ingest', 'product peak RSS (VmHWM); CPU s', `${num(p.peakRssMB, 1)} MB; ${num(p.cpuS, 1)}`],
      ['ingest', 'product: stored weighings + DLQ = events; violations; listings', stored(p.stored)],
      [
        'ingest',
        `the first ${num(i.parameters.naiveEvents)} events, generator: violations; malformed`,
        `${num(i.prefix.VIOLATION)}; ${num(i.prefix.MALFORMED)}`,
      ],
      [
        'ingest',
        'product on the prefix: weighings + DLQ = events; violations; listings',
        stored(i.productOnPrefix.stored),
      ],
      ['ingest', 'naive 1 on the prefix: the same', n1 ? stored(n1.stored) : '—'],
      ['ingest', 'naive 2 on the prefix: the same', n2 ? stored(n2.stored) : '—'],
      [
        'ingest',
        `dense stream (${num(i.parameters.agreementEvents)} events, ${num(i.dense.vehicles)} vehicles), generator: violations; malformed`,
        `${num(i.dense.VIOLATION)}; ${num(i.dense.MALFORMED)}`,
      ],
      [
        'ingest',
        'product on the dense stream: weighings + DLQ = events; violations; listings',
        stored(i.denseProduct.stored),
      ],
      ['ingest', 'naive on the dense stream: the same', stored(i.denseNaive.stored)],
    );
  }
  const g = r.gate;
  if (g) {
    const m = g.gate.max;
    const fr = g.gate.fixedRate;
    const [b1, b2] = g.bareFastify.max;
    rows.push(
      [
        'gate',
        `gate-api requests/s, 2xx answers (${g.parameters.connections} connections, ${g.parameters.durationS} s)`,
        num(m.requestsPerS),
      ],
      [
        'gate',
        'gate-api latency p50 / p99 / p99.9 at full speed',
        `${num(m.latencyMs.p50, 2)} / ${num(m.latencyMs.p99, 2)} / ${num(m.latencyMs.p999, 2)} ms`,
      ],
      [
        'gate',
        `gate-api latency p50 / p99 / p99.9 at ${num(g.gate.paced.overallRate)} requests/s, paced`,
        `${num(g.gate.paced.latencyMs.p50, 2)} / ${num(g.gate.paced.latencyMs.p99, 2)} / ${num(g.gate.paced.latencyMs.p999, 2)} ms (achieved ${num(g.gate.paced.requestsPerS)}/s)`,
      ],
      [
        'gate',
        'gate-api GC pauses during the paced run (count, total)',
        Object.entries(g.gate.pacedGc)
          .filter(([k]) => k.endsWith(' ms'))
          .map(([k, v]) => `${k.slice(3, -3)} ${num(g.gate.pacedGc[k.replace(' ms', ' count')] ?? 0)}× ${num(v, 0)} ms`)
          .join(', '),
      ],
      [
        'gate',
        `the same with autocannon overallRate (bursts every second)`,
        `${num(fr.latencyMs.p50, 2)} / ${num(fr.latencyMs.p99, 2)} / ${num(fr.latencyMs.p999, 2)} ms (achieved ${num(fr.requestsPerS)}/s)`,
      ],
      [
        'gate',
        'bare Fastify requests/s, before and after gate-api; p99',
        `${num(b1?.requestsPerS)}, ${num(b2?.requestsPerS)}; ${num(b1?.latencyMs.p99, 2)}, ${num(b2?.latencyMs.p99, 2)} ms`,
      ],
      [
        'gate',
        `bare Fastify p50 / p99 / p99.9 at ${num(g.bareFastify.paced.overallRate)} requests/s, paced`,
        `${num(g.bareFastify.paced.latencyMs.p50, 2)} / ${num(g.bareFastify.paced.latencyMs.p99, 2)} / ${num(g.bareFastify.paced.latencyMs.p999, 2)} ms`,
      ],
      [
        'gate',
        'gate / bare Fastify: mean of the two bare runs (each)',
        `${pct(g.ratios.gateToBareFastify)} (${g.ratios.gateToBareFastifyEach.map(pct).join(', ')})`,
      ],
      [
        'gate',
        'gate-api full speed: 2xx / other statuses / errors and timeouts',
        `${num(m.ok)} / ${num(m.non2xx)} / ${num(m.errors + m.timeouts)}`,
      ],
      [
        'gate',
        'answered from cache / database / fail-open',
        `${num(g.gate.decisions['source cache'] ?? 0)} / ${num(g.gate.decisions['source database'] ?? 0)} / ${num(g.gate.decisions['source fail-open'] ?? 0)}`,
      ],
    );
  }
  const fi = r.freshness?.immediate;
  const p3 = (d: { p50: number | null; p99: number | null; max: number | null }): string =>
    `${num(d.p50)} / ${num(d.p99)} / ${num(d.max)} ms`;
  if (fi) {
    rows.push(
      [
        'freshness',
        `in effect at once (period 0): third trip produced → TURN_BACK p50 / p99 / max (${fi.turnedBack + fi.missed} vehicles)`,
        p3(fi.latencyMs),
      ],
      [
        'freshness',
        'in effect at once: probe resolution (mean upper − lower bound); TURN_BACK request round trip p50 / max',
        `${num(fi.resolutionMs.mean, 1)} ms; ${num(fi.turnBackRoundTripMs.p50)} / ${num(fi.turnBackRoundTripMs.max)} ms`,
      ],
      [
        'freshness',
        'in effect at once: background traffic achieved; ingest max lag',
        `${num(fi.background?.ratePerS ?? null)} events/s; ${num(fi.ingestLag.max)} events`,
      ],
      ['freshness', 'in effect at once: probe answers by decision and source', answersCell(fi.probeAnswers)],
      ['freshness', 'in effect at once: missed (no TURN_BACK within 30 s)', num(fi.missed)],
    );
  }
  const fn = r.freshness?.notice;
  if (fn) {
    const sizes = [...fn.commits.listingsPerCommit].sort((a, b) => b - a);
    rows.push(
      [
        'freshness',
        `after the notice period (${fn.noticePeriodWorkingDays} working days): commit → TURN_BACK p50 / p99 / max ` +
          `(${fn.turnedBack + fn.missed} vehicles; commit = clock read just before the commit record)`,
        p3(fn.latencyMs),
      ],
      [
        'freshness',
        'after the notice period: from the commit notification (after the commit) → TURN_BACK p50 / p99 / max',
        p3(fn.fromNotificationMs),
      ],
      [
        'freshness',
        "after the notice period: from the transaction's start (outbox created_at, conservative) → TURN_BACK p50 / p99 / max",
        p3(fn.fromTransactionStartMs),
      ],
      [
        'freshness',
        'after the notice period: scheduler commits (listings each); transaction start → commit p50 / max',
        `${num(fn.commits.count)} (${sizes.join(', ')}); ${num(fn.transactionMs.p50)} / ${num(fn.transactionMs.max)} ms`,
      ],
      [
        'freshness',
        'after the notice period: commit window (first notification − last pre-commit clock) mean; probe resolution mean; ' +
          'TURN_BACK request round trip p50 / max',
        `${num(fn.commitWindowMs.mean, 1)} ms; ${num(fn.resolutionMs.mean, 1)} ms; ` +
          `${num(fn.turnBackRoundTripMs.p50)} / ${num(fn.turnBackRoundTripMs.max)} ms`,
      ],
      [
        'freshness',
        'after the notice period: period moved back → commit (the 5 s scheduler, not in the figure) p50 / max',
        `${num(fn.dueToCommitMs.p50)} / ${num(fn.dueToCommitMs.max)} ms`,
      ],
      [
        'freshness',
        'after the notice period: background traffic achieved; ingest max lag',
        `${num(fn.background?.ratePerS ?? null)} events/s; ${num(fn.ingestLag.max)} events`,
      ],
      [
        'freshness',
        'after the notice period: probe answers by decision and source (warm-up vehicles before the clock)',
        `${answersCell(fn.probeAnswers)} (${answersCell(fn.warmUpAnswers)})`,
      ],
      ['freshness', 'after the notice period: missed (no TURN_BACK within 30 s of the commit)', num(fn.missed)],
    );
  }
  const b = r.rebuild;
  if (b) {
    rows.push(
      [
        'rebuild',
        `cache:rebuild of ${num(b.parameters.listings)} active listings, end to end`,
        `${num(b.seconds, 1)} s (${num(b.listingsPerS)} listings/s)`,
      ],
      [
        'rebuild',
        'Redis vehicle keys afterwards',
        `${num(b.vehicleKeys)} (${b.keysMatch ? 'as expected' : 'MISMATCH'})`,
      ],
    );
  }
  const ri = r['registry-import'];
  if (ri) {
    rows.push(
      [
        'registry-import',
        `registry:import vehicles of ${num(ri.parameters.vehicles)} rows (${num(ri.csvMB, 1)} MB CSV), end to end`,
        `${num(ri.seconds, 1)} s (${num(ri.rowsPerS)} rows/s); the command's own clock: ${num(ri.reportedSeconds, 1)} s`,
      ],
      ['registry-import', 'rows stored; summary', `${num(ri.stored)}; ${ri.summary}`],
    );
  }
  out.push('', table(['scenario', 'figure', 'value'], rows));
  out.push(
    '',
    `**Runs** — machine CPU during each measured run, core-seconds; "outside": work that is not this ` +
      `benchmark's (other processes, Postgres backends of other databases); dirty at ≥ ${pct(DIRTY_SHARE)} of the machine.`,
    '',
    table(['scenario', 'run', 'figure', 'machine CPU', ''], runRows(r)),
  );
  out.push('', '**Checks**', '', table(['scenario', 'check', 'expected', 'actual', ''], checkRows(r)));
  return out.join('\n') + '\n';
}

async function main(): Promise<number> {
  const stamp = Date.now();
  const isoStamp = new Date(stamp).toISOString().replace(/[:]/g, '').replace(/\..*/, 'Z');
  const services = servicesFromEnv();
  const kafka = createKafkaClient(services, `bench-${stamp}`);
  const redis = new Redis(services.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  const pg = new Client({ connectionString: services.postgresUrl });
  await pg.connect();
  const machine = await describeMachine(pg, redis);
  await pg.end();

  mkdirSync(args.out, { recursive: true });
  const name = `${isoStamp}${quick ? '-quick' : ''}`;
  const logDir = mkdtempSync(path.join(os.tmpdir(), `bench-${isoStamp}-`));
  const cpuProfileDir = args['cpu-prof'] ? path.join(args.out, `${name}-cpuprof`) : null;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const ctx = new BenchContext(
    stamp,
    services,
    kafka,
    redis,
    logDir,
    cpuProfileDir,
    log,
    args['node-options'].split(/\s+/).filter(Boolean),
  );

  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: cleaning up …`);
    void ctx.cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  log(`${quick ? 'quick' : 'full'} run; scenarios: ${[...only].join(', ')}; app logs in ${logDir}`);
  const results: Results = {};
  const failures: Record<string, string> = {};
  const durations: Record<string, number> = {};
  const runners: Record<Scenario, () => Promise<void>> = {
    ingest: async () => void (results.ingest = await runIngestScenario(ctx, parameters.ingest)),
    gate: async () => void (results.gate = await runGateScenario(ctx, parameters.gate)),
    freshness: async () => void (results.freshness = await runFreshnessScenario(ctx, parameters.freshness)),
    rebuild: async () => void (results.rebuild = await runRebuildScenario(ctx, parameters.rebuild)),
    'registry-import': async () =>
      void (results['registry-import'] = await runRegistryImportScenario(ctx, parameters.registryImport)),
  };
  for (const scenario of SCENARIOS) {
    if (!only.has(scenario) || interrupted) continue;
    const began = Date.now();
    try {
      await runners[scenario]();
    } catch (error) {
      failures[scenario] = errorMessage(error);
      log(`${scenario} did not complete: ${errorMessage(error)}`);
    } finally {
      await ctx.cleanUp();
      durations[scenario] = round((Date.now() - began) / 1000, 1);
    }
  }
  // Incomplete consumer runs are failures too (they time out instead of throwing).
  const i = results.ingest;
  if (i) {
    const runs = [...i.ceiling.runs, ...i.naive.runs, i.product, i.productOnPrefix, i.denseNaive, i.denseProduct];
    const late = runs.filter((run) => !run.completed).map((run) => run.run);
    if (late.length > 0) failures.ingest ??= `did not finish in time: ${late.join(', ')}`;
    for (const run of [i.product, i.productOnPrefix, i.denseProduct])
      if (run.exit !== 0) failures.ingest ??= `ingest (${run.run}) exited with ${run.exit}`;
  }
  // A scenario whose checks fail has measured something other than the work it claims.
  for (const scenario of SCENARIOS) {
    const failed = failedChecks(results[scenario]?.checks);
    if (failed.length > 0)
      failures[scenario] ??=
        `${failed.length} check${failed.length > 1 ? 's' : ''} failed: ${failed.map((c) => c.name).join('; ')}`;
  }

  const record = {
    benchmark: 'overload-credit',
    issue: 6,
    at: new Date(stamp).toISOString(),
    quick,
    seconds: round((Date.now() - stamp) / 1000, 1),
    scenarioSeconds: durations,
    parameters,
    nodeOptions: args['node-options'],
    code: codeVersion(),
    machine,
    loadAverageAtEnd: loadAverage(),
    targets: targets(results),
    results,
    failures,
    dirtyShare: DIRTY_SHARE,
    logDir,
    cpuProfiles: cpuProfileDir,
  };
  const report = markdown(record, results, failures);
  const jsonFile = path.join(args.out, `${name}.json`);
  writeFileSync(jsonFile, JSON.stringify(record, null, 2) + '\n');
  writeFileSync(path.join(args.out, `${name}.md`), report);
  process.stdout.write(`\n${report}\nrecord: ${path.relative(process.cwd(), jsonFile)}\n`);
  await ctx.cleanUp(); // after an interrupt: wait for the clean-up the signal started
  redis.disconnect();
  return interrupted ? 130 : Object.keys(failures).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
