import path from 'node:path';
import Redis from 'ioredis';
import { Kafka } from 'kafkajs';
import { cpuAccounting } from './cpu-accounting';
import { ENTRY, NodeProcess, runToEnd, spawnNode } from './processes';
import { Services, World } from './world';

/** What every scenario gets from the runner. */
export class BenchContext {
  private readonly worlds: World[] = [];
  private cleaning: Promise<void> = Promise.resolve();

  constructor(
    readonly stamp: number,
    readonly services: Services,
    readonly kafka: Kafka,
    readonly redis: Redis,
    /** Where the apps' logs go (one file per process). */
    readonly logDir: string,
    /** Where CPU profiles go, when --cpu-prof is on. */
    readonly cpuProfileDir: string | null,
    readonly log: (message: string) => void,
    /** Extra Node flags for the product's long-running apps (ingest, gate-api), for experiments. */
    readonly appNodeOptions: string[] = [],
  ) {}

  /** A fresh, isolated world for a scenario; the runner cleans every world up at the end. */
  world(name: string): World {
    const world = new World(this.services, this.kafka, this.redis, this.stamp, name);
    this.worlds.push(world);
    return world;
  }

  /**
   * Cleans up every world created so far. Calls are chained, never concurrent: a signal handler and the
   * scenario loop may both call it, and each call returns only once everything before it is removed.
   */
  cleanUp(): Promise<void> {
    this.cleaning = this.cleaning.then(async () => {
      for (const world of this.worlds.splice(0)) await world.cleanUp(this.log);
    });
    return this.cleaning;
  }

  /** Machine CPU accounting for a measured interval; this run's databases count as its own. */
  cpuAccounting(): ReturnType<typeof cpuAccounting> {
    return cpuAccounting(`oc_bench_${this.stamp}_`);
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  /** Node flags for a product process: a CPU profile per process when --cpu-prof is on. */
  nodeArgs(name: string, app = false): string[] {
    return [
      ...(this.cpuProfileDir
        ? ['--cpu-prof', `--cpu-prof-dir=${this.cpuProfileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
        : []),
      ...(app ? this.appNodeOptions : []),
    ];
  }

  /** Runs `overload-credit <args>` (bin/, built CLI) in a world to its end; stdout and seconds. */
  async cli(
    world: World,
    name: string,
    args: string[],
    timeoutMs = 600000,
    env: Record<string, string> = {},
  ): Promise<{ stdout: string; seconds: number }> {
    const p: NodeProcess = world.track(
      spawnNode(name, ENTRY.cli, {
        env: world.appEnv(env),
        args,
        nodeArgs: this.nodeArgs(name),
        logFile: this.logFile(name),
        captureStdout: true,
      }),
    );
    const { seconds } = await runToEnd(p, timeoutMs);
    return { stdout: p.stdout(), seconds };
  }
}
