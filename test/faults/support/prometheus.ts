import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../harness/app-process';
import { eventually } from '../../harness/services';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const ALERT_RULES = path.join(ROOT, 'infra', 'prometheus', 'alerts.yml');
export const ALERT_RULE_TESTS = path.join(ROOT, 'infra', 'prometheus', 'alerts.test.yml');
export const DASHBOARD = path.join(ROOT, 'infra', 'grafana', 'overload-credit.json');

/** Debian's binaries (apt-get install prometheus prometheus-alertmanager); PROMETHEUS_BIN etc. override. */
export const BINARIES = {
  prometheus: process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus',
  promtool: process.env.PROMTOOL_BIN ?? '/usr/bin/promtool',
  alertmanager: process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager',
};

/** Fails loudly, naming the package, when a binary is missing: this test never passes by skipping. */
export function requireMonitoringBinaries(): void {
  const missing = Object.entries(BINARIES).filter(([, bin]) => !existsSync(bin));
  if (missing.length) {
    throw new Error(
      `The alerting test needs a real Prometheus and Alertmanager; missing: ${missing
        .map(([name, bin]) => `${name} (${bin})`)
        .join(', ')}. Install them with: apt-get install --no-install-recommends prometheus prometheus-alertmanager ` +
        '(scripts/test.sh does it when run as root), or point PROMETHEUS_BIN, PROMTOOL_BIN, ALERTMANAGER_BIN at them.',
    );
  }
}

/** Runs promtool; throws with its output when it exits non-zero. */
export function promtool(...args: string[]): string {
  try {
    return execFileSync(BINARIES.promtool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

/**
 * The shipped rules with shorter time constants, so that a test sees an alert fire within seconds:
 * every `for:` becomes `forDuration`, every range selector (`[5m]`, `[6h]` …) `range`. Expressions,
 * thresholds and labels stay as shipped.
 */
export function shortenedRules(source: string, forDuration: string, range: string): string {
  const doc = parse(source) as { groups: { rules: { alert?: string; expr: string; for?: string }[] }[] };
  for (const group of doc.groups) {
    for (const rule of group.rules) {
      rule.expr = rule.expr.replace(/\[\d+[smhdw]\]/g, `[${range}]`);
      if (rule.for) rule.for = forDuration;
    }
  }
  return stringify(doc);
}

/**
 * Every query of the Grafana dashboard as a recording rule, with Grafana's variables given values, so
 * that `promtool check rules` parses them as Prometheus will.
 */
export function dashboardQueriesAsRules(dashboardJson: string): string {
  const dashboard = JSON.parse(dashboardJson) as {
    panels: { id: number; targets?: { expr: string; refId: string }[] }[];
  };
  const rules = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      record: `dashboard:panel_${panel.id}_${t.refId}`,
      expr: t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$group', '.*'),
    })),
  );
  return stringify({ groups: [{ name: 'dashboard', rules }] });
}

export interface MonitoringProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

function run(bin: string, args: string[], url: string): MonitoringProcess {
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function ready(name: string, p: MonitoringProcess): Promise<MonitoringProcess> {
  try {
    await eventually(async () => (await fetch(`${p.url}/-/ready`)).ok, { timeoutMs: 30000, what: `${name} ready` });
  } catch (error) {
    await p.stop();
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${p.output()}`);
  }
  return p;
}

export interface Alert {
  labels: Record<string, string>;
  status: { state: string };
  startsAt: string;
  endsAt: string;
}

/**
 * A Prometheus and an Alertmanager of one test: their own ports (loopback), data directories and
 * configuration in a temporary directory removed by stop(); Alertmanager without its cluster port.
 * Targets are file-discovered, so that an app restarted on another port is scraped again.
 */
export class Monitoring {
  private constructor(
    readonly dir: string,
    readonly prometheus: MonitoringProcess,
    readonly alertmanager: MonitoringProcess,
  ) {}

  static async start(options: {
    rules: string;
    targets: Record<string, string[]>;
    scrapeInterval?: string;
  }): Promise<Monitoring> {
    requireMonitoringBinaries();
    const dir = mkdtempSync(path.join(tmpdir(), 'oc-monitoring-'));
    const interval = options.scrapeInterval ?? '1s';
    const [amPort, promPort] = [await freePort(), await freePort()];
    writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      stringify({
        route: { receiver: 'test', group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'test' }],
      }),
    );
    writeFileSync(path.join(dir, 'rules.yml'), options.rules);
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
        rule_files: ['rules.yml'],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
        scrape_configs: Object.keys(options.targets).map((job) => ({
          job_name: job,
          file_sd_configs: [{ files: [path.join(dir, `targets-${job}.json`)], refresh_interval: '1s' }],
        })),
      }),
    );
    promtool('check', 'config', path.join(dir, 'prometheus.yml'));
    const writeTargets = (job: string, targets: string[]) => Monitoring.writeTargets(dir, job, targets);
    for (const [job, targets] of Object.entries(options.targets)) writeTargets(job, targets);

    const alertmanager = await ready(
      'alertmanager',
      run(
        BINARIES.alertmanager,
        [
          `--config.file=${path.join(dir, 'alertmanager.yml')}`,
          `--storage.path=${path.join(dir, 'alertmanager-data')}`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        `http://127.0.0.1:${amPort}`,
      ),
    );
    let prometheus: MonitoringProcess;
    try {
      prometheus = await ready(
        'prometheus',
        run(
          BINARIES.prometheus,
          [
            `--config.file=${path.join(dir, 'prometheus.yml')}`,
            `--storage.tsdb.path=${path.join(dir, 'prometheus-data')}`,
            `--web.listen-address=127.0.0.1:${promPort}`,
            '--log.level=warn',
          ],
          `http://127.0.0.1:${promPort}`,
        ),
      );
    } catch (error) {
      await alertmanager.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return new Monitoring(dir, prometheus, alertmanager);
  }

  private static writeTargets(dir: string, job: string, targets: string[]): void {
    // Renamed into place: Prometheus never reads half a file.
    const file = path.join(dir, `targets-${job}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify([{ targets }]));
    renameSync(`${file}.tmp`, file);
  }

  /** Points a job at other targets (an app restarted on a new port). */
  setTargets(job: string, targets: string[]): void {
    Monitoring.writeTargets(this.dir, job, targets);
  }

  /** The alerts Alertmanager holds as active now (its API v2). */
  async activeAlerts(alertname?: string): Promise<Alert[]> {
    const filter = alertname ? `?filter=${encodeURIComponent(`alertname="${alertname}"`)}` : '';
    const response = await fetch(`${this.alertmanager.url}/api/v2/alerts${filter}`);
    if (!response.ok) throw new Error(`alertmanager answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as Alert[]).filter((a) => a.status.state === 'active');
  }

  /** An instant query's result vector. */
  async query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${this.prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: [] } };
    if (body.status !== 'success') throw new Error(`prometheus refused ${promql}: ${body.error}`);
    return body.data!.result;
  }

  /** What both said, for a failure message. */
  output(): string {
    return `--- prometheus ---\n${this.prometheus.output()}\n--- alertmanager ---\n${this.alertmanager.output()}`;
  }

  async stop(): Promise<void> {
    await Promise.all([this.prometheus.stop(), this.alertmanager.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
