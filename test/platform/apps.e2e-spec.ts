import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calendarDaysLeft } from '@oc/observability';
import { OFFICIAL_CALENDAR } from '@oc/domain';
import { syntheticCalendar } from '@oc/simulation';
import { AppName, freePort, runToExit, startApp } from '../harness/app-process';
import { eventually, testServices } from '../harness/services';

const APPS: AppName[] = ['ingest', 'gate-api', 'staff-api'];

describe('the three apps (built, started as processes, real services)', () => {
  const services = testServices();

  it.each(APPS)(
    '%s answers /health/live and /health/ready 200, serves /metrics, and stops cleanly on SIGTERM',
    async (name) => {
      const app = await startApp(name, services.env());
      try {
        const ready = await eventually(
          async () => {
            const res = await fetch(`${app.url}/health/ready`);
            return res.status === 200
              ? ((await res.json()) as { checks: Record<string, { status: string }> })
              : undefined;
          },
          { timeoutMs: 20000, what: `${name} ready` },
        );
        expect(ready.checks).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up' } });
        const metrics = await fetch(`${app.url}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
      } finally {
        expect(await app.stop('SIGTERM')).toBe(0);
      }
    },
  );

  it.each(APPS)('%s answers /health/ready 503 naming Kafka when the broker is unreachable', async (name) => {
    const closedPort = await freePort();
    const app = await startApp(name, services.env({ KAFKA_BROKERS: `127.0.0.1:${closedPort}` }));
    try {
      const res = await fetch(`${app.url}/health/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as {
        error: { code: string; message: string; details: Record<string, { status: string }> };
      };
      expect(body.error.code).toBe('NOT_READY');
      expect(body.error.message).toContain('kafka');
      expect(body.error.details.kafka.status).toBe('down');
      expect(body.error.details.postgres.status).toBe('up');
    } finally {
      await app.stop();
    }
  });

  describe('OFFICIAL_CALENDAR_FILE (docs/calendar.md)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-apps-calendar-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(APPS)(
      '%s refuses to start with a calendar file that lists a date outside its year, naming both',
      async (name) => {
        const file = join(dir, `bad-${name}.json`);
        writeFileSync(
          file,
          JSON.stringify({ years: { '2099': { source: 'x', holidays: ['2100-01-01'], workdays: [] } } }),
        );
        const { code, output } = await runToExit(name, services.env({ OFFICIAL_CALENDAR_FILE: file }));
        expect(code).toBe(78);
        expect(output).toContain(`Invalid OFFICIAL_CALENDAR_FILE (${file}): year 2099: 2100-01-01 is outside 2099`);
      },
    );

    it.each(APPS)(
      '%s says at start that its calendar holds SYNTHETIC years, and /metrics does not count them',
      async (name) => {
        const file = join(dir, `synthetic-${name}.json`);
        writeFileSync(file, JSON.stringify(syntheticCalendar([2099])));
        const app = await startApp(name, services.env({ OFFICIAL_CALENDAR_FILE: file }));
        try {
          await eventually(() => app.output().includes('holds SYNTHETIC years 2099'), {
            timeoutMs: 10000,
            what: `${name}'s warning about the synthetic year`,
          });
          const metrics = await (await fetch(`${app.url}/metrics`)).text();
          const daysLeft = calendarDaysLeft(new Date(), OFFICIAL_CALENDAR);
          expect(metrics).toMatch(new RegExp(`^official_calendar_days_left ${daysLeft}$`, 'm'));
        } finally {
          await app.stop();
        }
      },
    );
  });

  it.each(APPS)('%s refuses to start with LISTING_THRESHOLD=zero and names the variable', async (name) => {
    const { code, output } = await runToExit(name, services.env({ LISTING_THRESHOLD: 'zero' }));
    expect(code).not.toBe(0);
    expect(output).toContain('LISTING_THRESHOLD must be an integer >= 1');
  });
});
