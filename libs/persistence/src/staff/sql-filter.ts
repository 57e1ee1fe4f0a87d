import { PLATE_COLOR_CODES, vehicleKey, type PlateColorCode } from '@oc/domain';
import type { PageRequest } from './staff-read-models';

/**
 * Collects the WHERE conditions of a read query. Each condition is constant SQL text written in the
 * repository; every value goes in as a bind parameter (`$?` becomes `$n`), never into the text.
 */
export class SqlFilter {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds `condition` when `value` is defined; each `$?` in it binds `value`. */
  when(value: unknown, condition: string): this {
    if (value === undefined || value === null) return this;
    this.params.push(value);
    this.conditions.push(condition.replaceAll('$?', `$${this.params.length}`));
    return this;
  }

  /** A condition without a value (e.g. `status = 'LISTED'`). */
  always(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  get where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }

  /** `LIMIT $a OFFSET $b` for a page, with the params appended (call last). */
  page(page: PageRequest): { sql: string; params: unknown[] } {
    const params = [...this.params, page.pageSize, (page.page - 1) * page.pageSize];
    return { sql: `LIMIT $${params.length - 1} OFFSET $${params.length}`, params };
  }
}

/**
 * The vehicle keys a plate filter means: one with the colour, or the plate in every colour (so the
 * (vehicle_key, measured_at) indexes serve a plate search without a colour). `plate` is normalised.
 */
export function vehicleKeysFor(
  plate: string | undefined,
  plateColor: PlateColorCode | undefined,
): string[] | undefined {
  if (plate === undefined) return undefined;
  const colors = plateColor === undefined ? PLATE_COLOR_CODES : [plateColor];
  return colors.map((c) => vehicleKey(c, plate));
}

export const iso = (d: Date | null | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined);
