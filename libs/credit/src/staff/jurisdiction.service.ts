import { Injectable } from '@nestjs/common';
import { assertWithinJurisdiction } from '@oc/domain';
import { type CaseTarget, JurisdictionRepository } from '@oc/persistence';
import type { StaffPrincipal } from './staff-token';

/**
 * 管辖 (SPEC §4.8, docs/rules.md "Jurisdiction"): a staff member acts only on cases of their regions.
 * Called by every staff action before it runs; 403 OUT_OF_JURISDICTION otherwise. A case's region is
 * where it was weighed, which no action changes, so the check may precede the action's transaction.
 */
@Injectable()
export class JurisdictionService {
  constructor(private readonly cases: JurisdictionRepository) {}

  async assertMayAct(staff: StaffPrincipal, target: CaseTarget): Promise<void> {
    if (staff.regions === null) return;
    const found = await this.cases.caseRegions(target);
    // Not there: the action itself answers 404 (nothing to protect, nothing to reveal).
    if (!found.exists) return;
    assertWithinJurisdiction(staff.regions, found.regions, { entityType: target.type, entityId: target.id });
  }
}
