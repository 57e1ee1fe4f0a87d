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
