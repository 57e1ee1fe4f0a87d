import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { PageQueryDto, PublicPostingsQueryDto } from '@oc/contracts';
import {
  PublicPostingRepository,
  type Page,
  type PublicCompanyPostingView,
  type PublicPostingView,
} from '@oc/persistence';
import { Public } from '../../auth/staff-auth.guard';
import { pageRequest } from './page-request';
import { PublicRateLimitGuard } from './public-rate-limit.guard';

@ApiTags('public')
@Controller('v1/public')
@Public()
@UseGuards(PublicRateLimitGuard)
export class PublicPostingsController {
  constructor(private readonly repository: PublicPostingRepository) {}

  @Get('postings')
  @ApiOperation({ summary: 'Public postings (失信公示): published, unexpired listings; natural persons masked' })
  @ApiOkResponse({
    description:
      "{items: [{plate, plateColor, listedAt, publishedAt, publicationEndsAt, violationCount, decisionNo, legalBasis, party: {name (a PERSON masked: 张*; a COMPANY in full), type: PERSON|COMPANY, registrationRegion} | null}], page, pageSize, total}; party is the listing's, from the vehicle registry; null: 未登记车辆 (not registered). Never an id number, nor a credit-repair applicant's data",
  })
  @ApiTooManyRequestsResponse({ description: 'more than 60 requests per minute from one address (Retry-After)' })
  postings(@Query() q: PublicPostingsQueryDto): Promise<Page<PublicPostingView>> {
    return this.repository.find({ plate: q.plate }, pageRequest(q), new Date());
  }

  @Get('company-postings')
  @ApiOperation({ summary: 'Public postings of company listings (企业严重失信名单公示, SPEC §4.9)' })
  @ApiOkResponse({
    description:
      '{items: [{companyName, operatorId, listedAt, publishedAt, publicationEndsAt, vehicleCount, fleetSize, decisionNo, legalBasis, decision?}], page, pageSize, total}',
  })
  @ApiTooManyRequestsResponse({ description: 'more than 60 requests per minute from one address (Retry-After)' })
  companyPostings(@Query() q: PageQueryDto): Promise<Page<PublicCompanyPostingView>> {
    return this.repository.companies(pageRequest(q), new Date());
  }
}
