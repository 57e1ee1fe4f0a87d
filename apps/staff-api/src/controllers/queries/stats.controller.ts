import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StatsPeriodQueryDto, StatsQueryDto } from '@oc/contracts';
import { StaffStatsService, type StatsPeriod } from '@oc/credit';
import { MS_PER_DAY, startOfShanghaiDay } from '@oc/domain';
import { ApiError, StaffJwtAuth } from '@oc/observability';
import type { DailyStatsView, RegionStatsView, StatsView } from '@oc/persistence';
import { period } from './page-request';

const DEFAULT_PERIOD_DAYS = 30;
/** A daily series is at most a year and a day long (one row per day). */
const MAX_DAILY_DAYS = 366;

@ApiTags('staff: queries')
@StaffJwtAuth()
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StaffStatsService) {}

  @Get()
  @ApiOperation({
    summary: 'Counts as of now and over [from, to) (default: the last 30 days), optionally for a region',
  })
  @ApiOkResponse({
    description:
      '{region, asOfNow: {at, watch, listed, published, overduePublications, listingsByStatus}, period: {from, to, violations, warnings, turnBacks, casesProcessed, finesYuan, repaired, expired, revoked}}',
  })
  get(@Query() q: StatsQueryDto): Promise<StatsView> {
    const now = new Date();
    return this.stats.stats({ ...statsPeriod(q, now), region: q.region }, now);
  }

  @Get('regions')
  @ApiOperation({
    summary:
      'The /v1/stats figures for Huzhou (3305) and for each region: 市本级 330500, 德清 330521, 长兴 330522, 安吉 330523',
  })
  @ApiOkResponse({ description: '{from, to, total: {name, …/v1/stats}, items: [{name, …/v1/stats}]}' })
  regions(@Query() q: StatsPeriodQueryDto): Promise<RegionStatsView> {
    const now = new Date();
    return this.stats.byRegion(statsPeriod(q, now), now);
  }

  @Get('daily')
  @ApiOperation({
    summary:
      'Weighings, warnings, violations and turn-backs per Asia/Shanghai day of [from, to) (default: the last 30 days up to now; at most 366 days)',
  })
  @ApiOkResponse({
    description:
      '{region, timeZone, from, to, items: [{date: YYYY-MM-DD, weighings, warnings, violations, turnBacks}]}',
  })
  daily(@Query() q: StatsQueryDto): Promise<DailyStatsView> {
    const now = new Date();
    const to = q.to ? new Date(q.to) : now;
    // By default whole local days: today and the 29 before it.
    const from = q.from
      ? new Date(q.from)
      : startOfShanghaiDay(new Date(to.getTime() - (DEFAULT_PERIOD_DAYS - 1) * MS_PER_DAY));
    period(from.toISOString(), to.toISOString()); // 400 unless from < to
    if (to.getTime() - from.getTime() > MAX_DAILY_DAYS * MS_PER_DAY) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', [
        { field: 'from', message: `a daily series covers at most ${MAX_DAILY_DAYS} days` },
      ]);
    }
    return this.stats.daily({ from, to, region: q.region });
  }
}

/** [from, to), by default the last 30 days up to now; 400 unless from < to. */
function statsPeriod(q: StatsPeriodQueryDto, now: Date): StatsPeriod {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * MS_PER_DAY);
  period(from.toISOString(), to.toISOString());
  return { from, to };
}
