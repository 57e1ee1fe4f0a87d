import { Injectable } from '@nestjs/common';
import type { RegistryChange } from '@oc/contracts';
import {
  AuditLogRepository,
  DatabaseConnection,
  RegistryApplyResult,
  RegistryRepository,
  RegistrySource,
} from '@oc/persistence';
import { PermitReclassificationService } from '../permit-reclassification.service';

/**
 * Stores a batch of registry records in one transaction, whoever sent them (a registry topic, a CSV
 * import): the records, their history and audit, and for permits the reclassification of the weighings
 * that carry them (docs/rules.md, permits), so a permit that arrives after its weighings gives the same
 * violations as one that was there first.
 */
@Injectable()
export class RegistryUpdateService {
  constructor(
    private readonly db: DatabaseConnection,
    private readonly registry: RegistryRepository,
    private readonly reclassification: PermitReclassificationService,
    private readonly audit: AuditLogRepository,
  ) {}

  async apply(changes: RegistryChange[], source: RegistrySource): Promise<RegistryApplyResult> {
    if (changes.length === 0) return { created: 0, updated: 0, deleted: 0, unchanged: 0, superseded: 0, permitNos: [] };
    const ds = await this.db.ready();
    return ds.transaction(async (manager) => {
      const now = source.now ?? new Date();
      const { result, audit } = await this.registry.applyDeferringAudit(manager, changes, { ...source, now });
      // The permits stay locked exclusively until commit (permit-locks.ts); the recount inside locks the
      // vehicles, which must come before the audit chain's lock, so the registry's entries ride on the
      // reclassification's one append, ahead of the entries of their consequences.
      if (result.permitNos.length > 0) {
        await this.reclassification.reclassify(manager, result.permitNos, {
          now,
          actor: source.actor,
          causeAudit: audit,
        });
      } else {
        await this.audit.append(manager, audit);
      }
      return result;
    });
  }
}
