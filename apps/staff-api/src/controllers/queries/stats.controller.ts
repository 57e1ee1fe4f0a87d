import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StatsQueryDto } from '@oc/contracts';
import { MS_PER_DAY } from '@oc/domain';
import { StatsRepository, type StatsView } from '@oc/persistence';
import { period } from './page-request';

const DEFAULT_PERIOD_DAYS = 30;

@ApiTags('staff: queries')
@ApiBearerAuth()
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Counts as of now and over [from, to) (default: the last 30 days), optionally for a region',
  })
  @ApiOkResponse({
    description:
      '{region, asOfNow: {at, watch, listed, published, overduePublications}, period: {from, to, violations, warnings, turnBacks, casesProcessed, finesYuan, repaired, expired, revoked}}',
  })
  get(@Query() q: StatsQueryDto): Promise<StatsView> {
    const now = new Date();
    const to = q.to ? new Date(q.to) : now;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * MS_PER_DAY);
    period(from.toISOString(), to.toISOString()); // 400 unless from < to
    return this.stats.stats({ from, to, region: q.region, now });
  }
}
