import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Where a process spent its CPU, from a V8 `.cpuprofile` (`npm run bench -- --cpu-prof` writes one
 * per product process): self time by package or library (node_modules/<package>, libs/<lib>,
 * apps/<app>, Node internals, GC) and by function, and optionally the folded stacks for a flame
 * graph (`--folded`: one `frame;frame;frame <µs>` line per stack, for flamegraph.pl, inferno or
 * speedscope; speedscope and Chrome DevTools also open the .cpuprofile itself).
 *
 * Usage: node dist/bench/tools/cpuprofile-summary.js <file.cpuprofile> [--top 25] [--folded]
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The package, library or app a frame belongs to. */
export function owner(frame: CallFrame): string {
  const url = frame.url;
  if (!url) {
    if (frame.functionName === '(garbage collector)') return '(garbage collector)';
    if (frame.functionName === '(idle)') return '(idle)';
    if (frame.functionName === '(program)') return '(program: V8/native, unattributed)';
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const own = /dist\/(libs|apps|bench)\/([^/]+)/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return path.basename(url);
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    if (frame.functionName === '(idle)') idle += us;
    const o = owner(frame);
    byOwner.set(o, (byOwner.get(o) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'} ${o}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const busy = total - idle;
  const rows = (m: Map<string, number>, n: number): string[] =>
    [...m]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, us]) => `${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${k}`,
      );
  return [
    `profiled ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, busy (not idle) ${(busy / 1e6).toFixed(1)} s`,
    '',
    'self time by package / library (share of busy time):',
    ...rows(byOwner, 40),
    '',
    `top ${top} functions by self time:`,
    ...rows(byFunction, top),
  ].join('\n');
}

/** Folded stacks (root first), weighted by microseconds of self time. */
export function folded(profile: Profile): string {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const weights = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    weights.set(id, (weights.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const lines: string[] = [];
  for (const [id, us] of weights) {
    const stack: string[] = [];
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      if (f.functionName === '(root)') continue;
      stack.push(`${f.functionName || '(anonymous)'} [${owner(f)}]`.replace(/;/g, ','));
    }
    if (stack.length && us > 0) lines.push(`${stack.reverse().join(';')} ${us}`);
  }
  return lines.join('\n') + '\n';
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, folded: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: cpuprofile-summary <file.cpuprofile> [--top 25] [--folded]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  process.stdout.write(`${summarize(profile, Number(values.top))}\n`);
  if (values.folded) {
    const out = file.replace(/\.cpuprofile$/, '') + '.folded';
    writeFileSync(out, folded(profile));
    process.stdout.write(`\nfolded stacks: ${out}\n`);
  }
}
