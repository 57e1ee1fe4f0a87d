import { HttpStatus } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE, PageQueryDto } from '@oc/contracts';
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
