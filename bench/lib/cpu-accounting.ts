import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Where the machine's CPU went during a measured interval: the whole machine (/proc/stat), the
 * shared services by process name (Postgres backends, redis-server, the Kafka JVM), the processes a
 * scenario names (the app under test, a load generator), and the rest — which on a shared machine
 * includes other people's work. Seconds of CPU, so `machineBusyS / (elapsed × cores)` is utilisation.
 */

const USER_HZ = 100;

interface Snapshot {
  at: number;
  machineBusy: number;
  byPid: Map<number, { comm: string; ticks: number }>;
}

function snapshot(): Snapshot {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait.
  const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
  const byPid = new Map<number, { comm: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(Number(entry), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return { at: Date.now(), machineBusy: busy, byPid };
}

const SERVICES: Record<string, (comm: string) => boolean> = {
  postgres: (c) => c === 'postgres' || c.startsWith('postgres:'),
  redis: (c) => c.startsWith('redis-server'),
  kafka: (c) => c === 'java',
};

export interface CpuAccount {
  elapsedS: number;
  cores: number;
  machineBusyS: number;
  /** Named processes (by role) and services, CPU seconds in the interval. */
  byRole: Record<string, number>;
  /** Everything else busy on the machine (kernel, other users' processes, the harness). */
  otherS: number;
}

/** Starts accounting; `stop(roles)` attributes the named pids and returns the account. */
export function cpuAccounting(): { stop(roles: Record<string, number | undefined>): CpuAccount } {
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
      for (const [service, matches] of Object.entries(SERVICES)) {
        let ticks = 0;
        for (const [pid, p] of after.byPid) {
          if (!claimed.has(pid) && matches(p.comm)) {
            ticks += delta(pid);
            claimed.add(pid);
          }
        }
        byRole[service] = ticks / USER_HZ;
      }
      const machineBusyS = (after.machineBusy - before.machineBusy) / USER_HZ;
      const attributed = Object.values(byRole).reduce((a, b) => a + b, 0);
      const r = (v: number): number => Math.round(v * 100) / 100;
      return {
        elapsedS: r((after.at - before.at) / 1000),
        cores: os.availableParallelism(),
        machineBusyS: r(machineBusyS),
        byRole: Object.fromEntries(Object.entries(byRole).map(([k, v]) => [k, r(v)])),
        otherS: r(Math.max(0, machineBusyS - attributed)),
      };
    },
  };
}
