import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateTraffic } from '@oc/simulation';
import { RunningApp } from '../harness/app-process';
import { Scenario } from '../harness/scenario';
import { eventually } from '../harness/services';
import { traffic } from './support/ingest-invariants';
import {
  ALERT_RULE_TESTS,
  ALERT_RULES,
  DASHBOARD,
  dashboardQueriesAsRules,
  Monitoring,
  promtool,
  requireMonitoringBinaries,
  shortenedRules,
} from './support/prometheus';

/**
 * The operator's view (docs/operations.md "Alerts"): the shipped rules pass promtool, and in a real
 * Prometheus and Alertmanager (Debian's) scraping the running apps, the consumer-lag alerts fire while
 * ingest is stopped and weighings keep coming, and resolve once ingest is back and has caught up.
 *
 * The rules are the shipped ones with shorter time constants (`for:` 2 s, ranges 10 s; thresholds and
 * expressions as shipped), the apps sample every second and Prometheus scrapes and evaluates every
 * second. Weighings arrive at about 400 a second over the topic's 6 partitions, so a stopped ingest
 * is 1,000 messages behind on a partition (IngestConsumerLag's threshold) within about 15 s.
 */
const RATE_PER_TICK = 100;
const TICK_MS = 250;
const LAG_ALERTS = ['IngestConsumerLag', 'IngestConsumerStalled'];

describe('faults: alerts in a real Prometheus and Alertmanager', () => {
  beforeAll(() => requireMonitoringBinaries());

  it('the shipped rules pass promtool check rules and their unit tests; the dashboard queries parse', () => {
    expect(promtool('check', 'rules', ALERT_RULES)).toMatch(/SUCCESS: \d+ rules found/);
    expect(promtool('test', 'rules', ALERT_RULE_TESTS)).toMatch(/SUCCESS/);
    const dir = mkdtempSync(path.join(tmpdir(), 'oc-dashboard-'));
    try {
      const file = path.join(dir, 'dashboard-queries.yml');
      writeFileSync(file, dashboardQueriesAsRules(readFileSync(DASHBOARD, 'utf8')));
      expect(promtool('check', 'rules', file)).toMatch(/SUCCESS: [1-9]\d* rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('with the apps running', () => {
    let s: Scenario;
    let monitoring: Monitoring | undefined;
    afterAll(async () => {
      await monitoring?.stop();
      await s?.close();
    });

    it('fires the lag alerts while ingest is stopped and weighings keep coming, and resolves them once it is back', async () => {
      const began = Date.now();
      s = await Scenario.create('alerting');
      const env = { METRICS_SAMPLE_SECONDS: '1' };
      const generate = generateTraffic({
        seed: 17,
        vehicles: 2000,
        start: new Date(Date.now() - 10 * 24 * 3600_000),
        spacingMs: 1000,
        malformedShare: 0,
      });
      let produced = 0;
      const produce = async (n: number): Promise<void> => {
        await s.produce(traffic(generate, n).map(({ key, value }) => ({ key, value })));
        produced += n;
      };

      await s.startIngest(env);
      const [staff, gate] = [await s.startApp('staff-api', env), await s.startApp('gate-api', env)];
      const target = (app: RunningApp) => [`127.0.0.1:${app.port}`];
      // Checked by promtool check config (which checks its rule files) before Prometheus starts.
      const rules = shortenedRules(readFileSync(ALERT_RULES, 'utf8'), '2s', '10s');
      monitoring = await Monitoring.start({
        rules,
        targets: { ingest: target(s.ingest!), 'staff-api': target(staff), 'gate-api': target(gate) },
      });
      const m = monitoring;
      const active = async (names: string[]) =>
        (await m.activeAlerts()).filter((a) => names.includes(a.labels.alertname!));
      const onWeighings = (alerts: Awaited<ReturnType<typeof active>>) =>
        alerts.filter((a) => a.labels.topic === s.topics.weighingEvents || a.labels.alertname === 'AppDown');

      // Warm: weighings consumed, every app scraped, the lag seen by ingest and by staff-api, no lag alert.
      await produce(500);
      await s.waitUntilConsumed(60000);
      await eventually(
        async () => {
          const lagViews = await m.query(`count by (job) (ingest_consumer_lag{topic="${s.topics.weighingEvents}"})`);
          const brokers = await m.query('kafka_brokers');
          const audit = await m.query('staff_audit_verification_failed');
          return lagViews.length === 2 && brokers.length === 3 && audit.length === 1;
        },
        {
          timeoutMs: 60000,
          intervalMs: 500,
          what: 'Prometheus to scrape the lag from ingest and staff-api, every app',
        },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${m.output()}`);
      });
      expect(await m.query('kafka_brokers')).toEqual(
        expect.arrayContaining([expect.objectContaining({ value: [expect.any(Number), '1'] })]),
      );
      expect(await m.query('staff_audit_verification_failed')).toMatchObject([{ value: [expect.any(Number), '0'] }]);
      expect(onWeighings(await active(LAG_ALERTS))).toEqual([]);

      // Weighings keep coming from here on, until ingest has caught up at the end.
      let producing = true;
      let producerError: unknown;
      const stations = (async () => {
        while (producing) {
          const tick = Date.now();
          await produce(RATE_PER_TICK).catch((error: unknown) => (producerError = error));
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - (Date.now() - tick))));
        }
      })();

      try {
        expect(await s.ingest!.stop()).toBe(0);
        const stoppedAt = Date.now();
        const fired = await eventually(
          async () => {
            const alerts = onWeighings(await active([...LAG_ALERTS, 'AppDown']));
            const names = new Set(alerts.map((a) => a.labels.alertname));
            return names.size === 3 ? alerts : undefined;
          },
          { timeoutMs: 90000, intervalMs: 500, what: 'IngestConsumerLag, IngestConsumerStalled and AppDown to fire' },
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n${m.output()}`);
        });
        const firedAfter = (Date.now() - stoppedAt) / 1000;
        const lag = fired.find((a) => a.labels.alertname === 'IngestConsumerLag')!;
        expect(lag.labels).toMatchObject({ severity: 'warning', group: `${s.topicPrefix}ingest` });
        expect(fired.find((a) => a.labels.alertname === 'AppDown')!.labels).toMatchObject({ job: 'ingest' });

        const restarted = await s.startIngest(env);
        const restartedAt = Date.now();
        m.setTargets('ingest', target(restarted));
        await eventually(async () => onWeighings(await active([...LAG_ALERTS, 'AppDown'])).length === 0, {
          timeoutMs: 90000,
          intervalMs: 500,
          what: 'the lag alerts and AppDown to resolve once ingest is back',
        }).catch((error: Error) => {
          throw new Error(`${error.message}\n${m.output()}\n--- ingest ---\n${restarted.output().slice(-4000)}`);
        });
        const resolvedAfter = (Date.now() - restartedAt) / 1000;
        console.log(JSON.stringify({ scenario: 'alerting', produced, firedAfter, resolvedAfter }));
      } finally {
        producing = false;
        await stations;
      }
      expect(producerError).toBeUndefined();

      // Every weighing produced meanwhile was stored once ingest caught up (they are all valid).
      await s.waitUntilConsumed(120000);
      const [{ n }] = await s.query<{ n: number }>('SELECT count(*)::int AS n FROM weighings');
      expect(n).toBe(produced);
      expect((Date.now() - began) / 1000).toBeLessThan(180);
    }, 240000);
  });
});
