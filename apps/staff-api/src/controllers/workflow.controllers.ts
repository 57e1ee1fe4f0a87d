import type { Provider, Type } from '@nestjs/common';
import {
  CompanyCreditService,
  CompanyListingActionsService,
  CreditRepairService,
  JurisdictionService,
  ListingPublicationService,
  NoticeServiceService,
  ObjectionService,
  ViolationWorkflowService,
} from '@oc/credit';
import {
  CompanyListingReadRepository,
  DueProcessReadRepository,
  JurisdictionRepository,
  RevocationRepository,
  StaffWorkflowRepository,
} from '@oc/persistence';
import { CompanyListingsController } from './workflow/company-listings.controller';
import { DueProcessController } from './workflow/due-process.controller';
import { CreditRepairController } from './workflow/credit-repair.controller';
import { ListingPublicationController } from './workflow/listing-publication.controller';
import { ViolationWorkflowController } from './workflow/violation-workflow.controller';

/** Staff actions: case processing, revocation, publication, credit repair, notices and objections. */
export const WORKFLOW_CONTROLLERS: Type<unknown>[] = [
  ViolationWorkflowController,
  ListingPublicationController,
  CreditRepairController,
  DueProcessController,
  CompanyListingsController,
];
export const WORKFLOW_PROVIDERS: Provider[] = [
  StaffWorkflowRepository,
  ViolationWorkflowService,
  ListingPublicationService,
  CreditRepairService,
  RevocationRepository,
  DueProcessReadRepository,
  NoticeServiceService,
  ObjectionService,
  CompanyCreditService,
  CompanyListingActionsService,
  CompanyListingReadRepository,
  JurisdictionRepository,
  JurisdictionService,
];
