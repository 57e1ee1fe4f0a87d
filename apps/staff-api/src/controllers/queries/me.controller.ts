import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffJwtAuth } from '@oc/observability';
import type { StaffPrincipal } from '@oc/credit';
import type { StaffIdentityView } from '@oc/persistence';
import { CurrentStaff } from '../../auth/current-staff.decorator';

/** Who the token belongs to: the console's sign-in checks a pasted token here and shows the roles. */
@ApiTags('staff: queries')
@StaffJwtAuth()
@Controller('v1/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The staff member of the token: sub, name, roles and expiry (401 when invalid)' })
  @ApiOkResponse({
    description: '{sub, name?, roles, regions (division-code prefixes; null: the whole city), expiresAt}',
  })
  me(@CurrentStaff() staff: StaffPrincipal): StaffIdentityView {
    return {
      sub: staff.sub,
      ...(staff.name ? { name: staff.name } : {}),
      roles: staff.roles,
      regions: staff.regions,
      expiresAt: new Date(staff.exp * 1000).toISOString(),
    };
  }
}
