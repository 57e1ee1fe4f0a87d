import { Injectable } from '@nestjs/common';
import { HUZHOU_REGIONS, HUZHOU_TOTAL, type Region } from '@oc/domain';
import { StatsRepository, type DailyStatsView, type RegionStatsView, type StatsView } from '@oc/persistence';

export interface StatsPeriod {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/**
 * The figures of the staff dashboard (统计): /v1/stats for Huzhou and each of its regions side by side,
 * and the daily series. One definition of every figure: StatsRepository's.
 */
@Injectable()
export class StaffStatsService {
  constructor(private readonly repository: StatsRepository) {}

  stats(period: StatsPeriod & { region?: string }, now: Date): Promise<StatsView> {
    return this.repository.stats({ ...period, now });
  }

  daily(period: StatsPeriod & { region?: string }): Promise<DailyStatsView> {
    return this.repository.daily(period);
  }

  /** The city total and each region (市本级 and the three counties), in one consistent `now`. */
  async byRegion(period: StatsPeriod, now: Date): Promise<RegionStatsView> {
    // One region after another: five statements on one connection rather than five at once.
    const of = async (region: Region) => ({
      ...(await this.repository.stats({ ...period, region: region.code, now })),
      name: region.name,
    });
    const total = await of(HUZHOU_TOTAL);
    const items = [];
    for (const region of HUZHOU_REGIONS) items.push(await of(region));
    return { from: period.from.toISOString(), to: period.to.toISOString(), total, items };
  }
}
