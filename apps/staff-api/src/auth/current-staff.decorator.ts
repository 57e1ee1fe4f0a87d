import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { StaffPrincipal } from '@oc/credit';
import type { StaffRequest } from './staff-auth.guard';

/** The authenticated staff member (set by StaffAuthGuard). */
export const CurrentStaff = createParamDecorator((_data: unknown, context: ExecutionContext): StaffPrincipal => {
  return context.switchToHttp().getRequest<StaffRequest>().staff!;
});
