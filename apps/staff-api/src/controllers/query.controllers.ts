import { EvidenceController } from './queries/evidence.controller';
import type { Provider, Type } from '@nestjs/common';
import { StaffStatsService } from '@oc/credit';
import {
  PublicPostingRepository,
  RegistryReadRepository,
  StaffQueryRepository,
  StatsRepository,
  VehicleProfileRepository,
} from '@oc/persistence';
import { AuditController } from './queries/audit.controller';
import { ListingsController } from './queries/listings.controller';
import { MeController } from './queries/me.controller';
import { PublicPostingsController } from './queries/public-postings.controller';
import { PublicRateLimitGuard } from './queries/public-rate-limit.guard';
import { RecordsController } from './queries/records.controller';
import { RegistryController } from './queries/registry.controller';
import { StatsController } from './queries/stats.controller';
import { VehiclesController } from './queries/vehicles.controller';

/**
 * Staff and public reads: the signed-in staff member, vehicles, weighings, violations, listings, repairs,
 * audit, stats, the registries, postings.
 */
export const QUERY_CONTROLLERS: Type<unknown>[] = [
  MeController,
  VehiclesController,
  RecordsController,
  EvidenceController,
  ListingsController,
  AuditController,
  StatsController,
  RegistryController,
  PublicPostingsController,
];
export const QUERY_PROVIDERS: Provider[] = [
  StaffQueryRepository,
  VehicleProfileRepository,
  StatsRepository,
  StaffStatsService,
  PublicPostingRepository,
  RegistryReadRepository,
  PublicRateLimitGuard,
];
