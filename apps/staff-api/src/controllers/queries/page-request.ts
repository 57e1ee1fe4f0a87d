import { HttpStatus } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE, PageQueryDto, VehicleRecordsQueryDto } from '@oc/contracts';
import type { PlateColorCode } from '@oc/domain';
import { ApiError } from '@oc/observability';
import type { PageRequest } from '@oc/persistence';

export function pageRequest(query: PageQueryDto): PageRequest {
  return { page: query.page ?? 1, pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE };
}

/** [from, to) from validated ISO 8601 strings; 400 naming `from` when the range is empty. */
export function period(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
  const range = { from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
  if (range.from && range.to && range.from.getTime() >= range.to.getTime()) {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', [
      { field: 'from', message: 'from must be before to' },
    ]);
  }
  return range;
}

/** The vehicle, station and period filters the weighings and violations lists share. */
export function vehicleRecordsFilter(q: VehicleRecordsQueryDto): {
  plate?: string;
  plateColor?: PlateColorCode;
  stationId?: string;
  from?: Date;
  to?: Date;
} {
  return {
    plate: q.plate,
    plateColor: q.plateColor as PlateColorCode | undefined,
    stationId: q.stationId,
    ...period(q.from, q.to),
  };
}
