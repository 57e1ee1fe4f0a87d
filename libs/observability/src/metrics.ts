import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import {
  calendarKnownUntil,
  MS_PER_DAY,
  officialCalendarInUse,
  startOfShanghaiDay,
  type OfficialCalendar,
} from '@oc/domain';

/**
 * Days from today (Asia/Shanghai) to the last day the official calendar knows, that day included; 0 when
 * today's year is unknown. A working-day deadline past it is "calendar missing" (docs/calendar.md):
 * alert well before it reaches the longest period (below 30). SYNTHETIC years (a test's
 * OFFICIAL_CALENDAR_FILE) do not count: they are no State Council notice.
 */
export function calendarDaysLeft(now: Date, calendar: OfficialCalendar = officialCalendarInUse()): number {
  const until = calendarKnownUntil(calendar, now, { realOnly: true });
  if (!until) return 0;
  const lastDay = startOfShanghaiDay(new Date(`${until}T12:00:00+08:00`));
  return Math.round((lastDay.getTime() - startOfShanghaiDay(now).getTime()) / MS_PER_DAY) + 1;
}

/** The process's Prometheus registry; each app registers its own metrics on it. */
@Injectable()
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    collectDefaultMetrics({ register: this });
    new Gauge({
      name: 'official_calendar_days_left',
      help: 'days from today to the last day the official working-day calendar knows (docs/calendar.md)',
      registers: [this],
      collect() {
        this.set(calendarDaysLeft(new Date()));
      },
    });
  }
}

@ApiTags('platform')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format 0.0.4)' })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
