import type { Provider, Type } from '@nestjs/common';
import { CreditRepairService, ListingPublicationService, ViolationWorkflowService } from '@oc/credit';
import { StaffWorkflowRepository } from '@oc/persistence';
import { CreditRepairController } from './workflow/credit-repair.controller';
import { ListingPublicationController } from './workflow/listing-publication.controller';
import { ViolationWorkflowController } from './workflow/violation-workflow.controller';

/** Staff actions: case processing, revocation, publication, credit repair. */
export const WORKFLOW_CONTROLLERS: Type<unknown>[] = [
  ViolationWorkflowController,
  ListingPublicationController,
  CreditRepairController,
];
export const WORKFLOW_PROVIDERS: Provider[] = [
  StaffWorkflowRepository,
  ViolationWorkflowService,
  ListingPublicationService,
  CreditRepairService,
];
