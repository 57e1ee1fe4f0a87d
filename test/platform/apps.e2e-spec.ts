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

  it.each(APPS)('%s refuses to start with LISTING_THRESHOLD=zero and names the variable', async (name) => {
    const { code, output } = await runToExit(name, services.env({ LISTING_THRESHOLD: 'zero' }));
    expect(code).not.toBe(0);
    expect(output).toContain('LISTING_THRESHOLD must be an integer >= 1');
  });
});
