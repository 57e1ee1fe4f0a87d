import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Where the machine's CPU went during a measured interval: the whole machine (/proc/stat), the
 * processes a scenario names (the app under test, a load generator), the benchmark's own processes
 * (the harness, its children, the Postgres backends of its databases), the shared services by process
 * name (Postgres, redis-server, the Kafka JVM) — and what ran outside this benchmark: Postgres
 * backends of other databases and every other process (other people's tests and builds, the kernel).
 * Seconds of CPU, so `machineBusyS / (elapsedS × cores)` is utilisation.
 *
 * A run is **dirty** when the outside work took at least DIRTY_SHARE of the machine's capacity during
 * it: its figures were measured on fewer cores than the report says. Redis and the Kafka broker are
 * single processes shared with whoever else uses them; their CPU cannot be split by client, so a run
 * disturbed only through them is not recognised here.
 */

const USER_HZ = 100;

/** Outside CPU at or above this share of (elapsed × cores) marks a run dirty. */
export const DIRTY_SHARE = 0.1;

interface Proc {
  comm: string;
  ppid: number;
  /** utime + stime */
  ticks: number;
  /** cutime + cstime: children that ended and were reaped (their CPU moves to the parent). */
  childTicks: number;
  /** Postgres backends: the database in the process title ("postgres: 15/main: user db host state"). */
  database?: string;
}

interface Snapshot {
  at: number;
  machineBusy: number;
  byPid: Map<number, Proc>;
}

const isPostgres = (comm: string): boolean => comm === 'postgres' || comm.startsWith('postgres:');

function postgresDatabase(pid: string): string | undefined {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    // Backends: "postgres: <cluster>: <user> <database> <client> <state>"; background workers have no client.
    const m = /^postgres: (?:[^:]+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(title);
    return m?.[1];
  } catch {
    return undefined;
  }
}

function snapshot(): Snapshot {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait.
  const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
  const byPid = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(Number(entry), {
        comm,
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
        childTicks: Number(fields[13]) + Number(fields[14]),
        ...(isPostgres(comm) ? { database: postgresDatabase(entry) } : {}),
      });
    } catch {
      // the process ended meanwhile
    }
  }
  return { at: Date.now(), machineBusy: busy, byPid };
}

const SERVICES: Record<string, (comm: string) => boolean> = {
  postgres: isPostgres,
  redis: (c) => c.startsWith('redis-server'),
  kafka: (c) => c === 'java',
};

export interface CpuAccount {
  elapsedS: number;
  cores: number;
  machineBusyS: number;
  /**
   * CPU seconds in the interval: the named processes (by role); `bench`, the harness and its other
   * processes (those that ended included); the shared services (`postgres`: this run's backends and
   * the server's own workers).
   */
  byRole: Record<string, number>;
  /** Outside this benchmark: backends of other databases, and everything unattributed. */
  outside: { postgresOtherDatabases: number; unattributed: number };
  outsideS: number;
  /** outsideS / (elapsedS × cores). */
  outsideShare: number;
  /** outsideShare ≥ DIRTY_SHARE. */
  dirty: boolean;
}

/**
 * Starts accounting; `stop(roles)` attributes the named pids and returns the account. Postgres backends
 * of databases whose name starts with `ownDatabasePrefix` belong to this benchmark.
 */
export function cpuAccounting(ownDatabasePrefix: string): {
  stop(roles: Record<string, number | undefined>): CpuAccount;
} {
  const before = snapshot();
  return {
    stop(roles) {
      const after = snapshot();
      const delta = (pid: number): number => {
        const a = after.byPid.get(pid);
        if (!a) return 0;
        return Math.max(0, a.ticks - (before.byPid.get(pid)?.ticks ?? 0));
      };
      const byRole: Record<string, number> = {};
      const claimed = new Set<number>();
      for (const [role, pid] of Object.entries(roles)) {
        if (pid === undefined) continue;
        byRole[role] = delta(pid) / USER_HZ;
        claimed.add(pid);
      }
      // The harness, its unnamed descendants, and those of its children that ended in the interval.
      const harness = process.pid;
      const descends = (pid: number): boolean => {
        for (let p = after.byPid.get(pid), hops = 0; p && hops < 64; p = after.byPid.get(p.ppid), hops++)
          if (p.ppid === harness) return true;
        return false;
      };
      const reaped = (after.byPid.get(harness)?.childTicks ?? 0) - (before.byPid.get(harness)?.childTicks ?? 0);
      let bench = delta(harness) + Math.max(0, reaped);
      claimed.add(harness);
      for (const pid of after.byPid.keys()) {
        if (!claimed.has(pid) && descends(pid)) {
          bench += delta(pid);
          claimed.add(pid);
        }
      }
      byRole.bench = bench / USER_HZ;
      let foreignPostgres = 0;
      for (const [service, matches] of Object.entries(SERVICES)) {
        let ticks = 0;
        for (const [pid, p] of after.byPid) {
          if (claimed.has(pid) || !matches(p.comm)) continue;
          claimed.add(pid);
          if (service === 'postgres' && p.database && !p.database.startsWith(ownDatabasePrefix))
            foreignPostgres += delta(pid);
          else ticks += delta(pid);
        }
        byRole[service] = ticks / USER_HZ;
      }
      const machineBusyS = (after.machineBusy - before.machineBusy) / USER_HZ;
      const attributed = Object.values(byRole).reduce((a, b) => a + b, 0) + foreignPostgres / USER_HZ;
      const unattributed = Math.max(0, machineBusyS - attributed);
      const elapsedS = (after.at - before.at) / 1000;
      const cores = os.availableParallelism();
      const outsideS = foreignPostgres / USER_HZ + unattributed;
      const outsideShare = elapsedS > 0 ? outsideS / (elapsedS * cores) : 0;
      const r = (v: number): number => Math.round(v * 100) / 100;
      return {
        elapsedS: r(elapsedS),
        cores,
        machineBusyS: r(machineBusyS),
        byRole: Object.fromEntries(Object.entries(byRole).map(([k, v]) => [k, r(v)])),
        outside: { postgresOtherDatabases: r(foreignPostgres / USER_HZ), unattributed: r(unattributed) },
        outsideS: r(outsideS),
        outsideShare: Math.round(outsideShare * 1000) / 1000,
        dirty: outsideShare >= DIRTY_SHARE,
      };
    },
  };
}
