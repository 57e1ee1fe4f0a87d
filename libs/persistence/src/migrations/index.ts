import { CreateCoreSchema1764190800000 } from './1764190800000-CreateCoreSchema';
import { CreateCreditRepairs1764201600000 } from './1764201600000-CreateCreditRepairs';
import { AddStaffQueryIndexes1764212400000 } from './1764212400000-AddStaffQueryIndexes';
import { CreateRegistries1764400000000 } from './1764400000000-CreateRegistries';
import { AddExemptedViolationAuditIndex1764486400000 } from './1764486400000-AddExemptedViolationAuditIndex';
import { AddDueProcess1764662400000 } from './1764662400000-AddDueProcess';
import { AddCompanyListings1764748800000 } from './1764748800000-AddCompanyListings';
import { AddWeighingContentHash1764838800000 } from './1764838800000-AddWeighingContentHash';
import { AddAuditSeal1764921600000 } from './1764921600000-AddAuditSeal';

/** Every migration in order. Listed explicitly so that the built code and Jest find the same set. */
export const MIGRATIONS = [
  CreateCoreSchema1764190800000,
  CreateCreditRepairs1764201600000,
  AddStaffQueryIndexes1764212400000,
  CreateRegistries1764400000000,
  AddExemptedViolationAuditIndex1764486400000,
  AddDueProcess1764662400000,
  AddCompanyListings1764748800000,
  AddWeighingContentHash1764838800000,
  AddAuditSeal1764921600000,
];
