import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Redis from 'ioredis';
import type { Client } from 'pg';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface Machine {
  cpu: string;
  nproc: number;
  memoryMB: number;
  kernel: string;
  node: string;
  kafka: string;
  postgres: string;
  redis: string;
  loadAverageAtStart: number[];
}

/**
 * The broker's version: BENCH_KAFKA_VERSION, else the version directory on the classpath of the local
 * `kafka.Kafka` JVM (infra/kafka puts its jars under .work/<version>/libs), else `kafka.sh status`.
 */
function kafkaVersion(): string {
  if (process.env.BENCH_KAFKA_VERSION) return process.env.BENCH_KAFKA_VERSION;
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (!cmdline.includes('kafka.Kafka')) continue;
      const version = /(?:\.work\/|kafka_[\d.]+-|kafka-clients-)(\d+\.\d+\.\d+)/.exec(cmdline)?.[1];
      if (version) return version;
    }
  } catch {
    // not Linux
  }
  try {
    const status = execFileSync('bash', [path.join(ROOT, 'infra', 'kafka', 'kafka.sh'), 'status'], {
      encoding: 'utf8',
      timeout: 10000,
    });
    return /Kafka (\d[\w.-]*)/.exec(status)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(pg: Client, redis: Redis): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model,
    nproc: os.availableParallelism(),
    memoryMB: Math.round(os.totalmem() / 1024 / 1024),
    kernel: os.release(),
    node: process.version,
    kafka: kafkaVersion(),
    postgres: (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
    redis: /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown',
    loadAverageAtStart: loadAverage(),
  };
}

export const loadAverage = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100);

/** The commit measured, and whether apps/ or libs/ differ from it (then the figures are for uncommitted code). */
export function codeVersion(): { commit: string; dirty: boolean | null; benchDirty: boolean | null } {
  try {
    const git = (...a: string[]): string => execFileSync('git', ['-C', ROOT, ...a], { encoding: 'utf8' }).trim();
    return {
      commit: git('rev-parse', 'HEAD'),
      dirty: git('status', '--porcelain', '--', 'apps', 'libs') !== '',
      benchDirty: git('status', '--porcelain', '--', 'bench', ':!bench/results') !== '',
    };
  } catch {
    return { commit: 'unknown', dirty: null, benchDirty: null };
  }
}
