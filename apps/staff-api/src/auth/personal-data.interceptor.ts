import { CallHandler, ExecutionContext, HttpStatus, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import { PersonalDataAccessService } from '@oc/credit';
import { ApiError } from '@oc/observability';
import type { StaffRequest } from './staff-auth.guard';

/**
 * Every staff and public response passes here (SPEC §4.8): personal data masked unless the caller's
 * role reads it in full, and then that read is in the audit log before the response leaves — a read
 * that cannot be audited is not answered (503).
 */
@Injectable()
export class PersonalDataInterceptor implements NestInterceptor {
  private readonly logger = new Logger(PersonalDataInterceptor.name);

  constructor(private readonly access: PersonalDataAccessService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<StaffRequest>();
    const staff = request.staff ?? null;
    return next.handle().pipe(
      mergeMap((body: unknown) =>
        from(
          this.access.disclose(staff, `${request.method} ${request.url}`, body).catch((error: Error) => {
            this.logger.error(`personal data read by ${staff?.sub} not audited: ${error.message}`);
            throw new ApiError(
              HttpStatus.SERVICE_UNAVAILABLE,
              'SERVICE_UNAVAILABLE',
              'The read of personal data could not be audited; try again',
            );
          }),
        ),
      ),
    );
  }
}
