import { Counter, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { withTimeout } from './health';

interface Sample {
  name: string;
  read(): Promise<void>;
  failed(): void;
}

/**
 * Figures read from a dependency (Kafka offsets, Postgres, Redis INFO) in the background, every
 * METRICS_SAMPLE_SECONDS, never on a request or a scrape: `/metrics` answers from what the last round
 * read, at once, whatever is down (docs/operations.md "Alerts"). A round still running when the next
 * is due is not doubled; each sample is bounded by the interval (at most 5 s). A sample that fails
 * calls its `failed` (which clears or zeroes its gauges: a figure that cannot be read is not shown as
 * if it were current), counts `metrics_sample_failures_total{sample}`, and is logged once per streak.
 */
export class MetricsSampler {
  private readonly samples: Sample[] = [];
  private readonly failures: Counter;
  private readonly failing = new Set<string>();
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;

  constructor(
    registry: Registry,
    private readonly intervalMs: number,
    private readonly logger?: Logger,
  ) {
    this.failures = new Counter({
      name: 'metrics_sample_failures_total',
      help: 'Background metric samples that failed (their dependency did not answer), by sample',
      labelNames: ['sample'],
      registers: [registry],
    });
  }

  /** `read` sets its gauges; `failed` runs when it throws or times out. */
  add(name: string, read: () => Promise<void>, failed: () => void): this {
    this.samples.push({ name, read, failed });
    // Present at 0 from the start, so that increase() sees the first failure too.
    this.failures.inc({ sample: name }, 0);
    return this;
  }

  start(): void {
    if (this.timer) return;
    void this.sampleNow();
    this.timer = setInterval(() => void this.sampleNow(), this.intervalMs);
    this.timer.unref();
  }

  /** One round of every sample (the one running, if any); resolves when it has ended, never rejects. */
  sampleNow(): Promise<void> {
    this.round ??= this.runRound().finally(() => (this.round = undefined));
    return this.round;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  private async runRound(): Promise<void> {
    const bound = Math.min(this.intervalMs, 5000);
    await Promise.all(
      this.samples.map(async (sample) => {
        try {
          await withTimeout(sample.read(), bound, `did not answer in ${bound} ms`);
          if (this.failing.delete(sample.name)) this.logger?.info({ sample: sample.name }, 'metric sample recovered');
        } catch (error) {
          sample.failed();
          this.failures.inc({ sample: sample.name });
          if (!this.failing.has(sample.name)) {
            this.failing.add(sample.name);
            this.logger?.warn({ err: error, sample: sample.name }, 'metric sample failed; its gauges are cleared');
          }
        }
      }),
    );
  }
}
