import type { CpuAccount } from './cpu-accounting';

/** Markdown helpers for the report: numbers with thousands separators, tables. */

export function num(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pct(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)} %`;
}

export function times(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${share.toFixed(1)}×`;
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface Target {
  scenario: string;
  target: string;
  measured: string;
  /** null: not measured (scenario failed or skipped). */
  met: boolean | null;
}

export const metCell = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : '**missed**');

/** "ingest 11.6, postgres 8.0, … outside 2.1 (5 %) of 30.0 (busy 25.3)": where the machine's CPU went. */
export function cpuCell(account: CpuAccount | undefined): string {
  if (!account) return '—';
  const parts = Object.entries(account.byRole)
    .filter(([, v]) => v >= 0.05)
    .map(([k, v]) => `${k} ${num(v, 1)}`);
  return (
    `${parts.join(', ')}; outside ${num(account.outsideS, 1)} (${pct(account.outsideShare)})` +
    `${account.dirty ? ' **dirty**' : ''}; busy ${num(account.machineBusyS, 1)} of ` +
    `${num(account.elapsedS * account.cores, 1)}`
  );
}

/** " (dirty)" after a figure measured while outside work took a share of the machine (cpu-accounting.ts). */
export const dirtyMark = (...accounts: (CpuAccount | undefined)[]): string =>
  accounts.some((a) => a?.dirty) ? ' (dirty)' : '';
