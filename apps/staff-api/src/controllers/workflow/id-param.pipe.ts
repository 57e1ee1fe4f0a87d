import { HttpStatus, ParseUUIDPipe } from '@nestjs/common';
import { ApiError } from '@oc/observability';

/** `:id` must be a UUID (400 naming the field); an unknown one is the service's 404. */
export const idParam = (): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', [
        { field: 'id', message: 'id must be a UUID' },
      ]),
  });
