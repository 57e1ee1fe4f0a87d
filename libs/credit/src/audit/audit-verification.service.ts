import { Injectable } from '@nestjs/common';
import { AppConfig } from '@oc/config';
import { topics } from '@oc/contracts';
import type { AuditVerification, CachedAuditVerification } from '@oc/domain';
import { KafkaConnection, readAuditAnchors } from '@oc/messaging';
import { AuditLogRepository } from '@oc/persistence';

/**
 * The verification of the audit log (SPEC §4.7) for the CLI's `audit:verify` and the staff API: every
 * anchor from `audit.anchors.v1`, then the chain walked against its HMACs and those anchors.
 */
@Injectable()
export class AuditVerificationService {
  constructor(
    private readonly config: AppConfig,
    private readonly kafka: KafkaConnection,
    private readonly audit: AuditLogRepository,
  ) {}

  async verify(now: () => Date = () => new Date()): Promise<AuditVerification> {
    const read = await readAuditAnchors(this.kafka.kafka, topics(this.config.TOPIC_PREFIX).auditAnchors, {
      groupPrefix: this.config.KAFKA_GROUP_ID,
    });
    // The clock is read after the anchors: an anchor made while they were read is not "in the future".
    const result = await this.audit.verify(read.anchors, {
      now: now(),
      anchorIntervalMs: this.config.AUDIT_ANCHOR_INTERVAL_MS,
    });
    return { ...result, anchors: { ...result.anchors, invalid: result.anchors.invalid + read.malformed } };
  }
}

/**
 * /audit/verification reads the whole log: it is answered from the last result while that is younger
 * than AUDIT_VERIFICATION_CACHE_SECONDS, and one walk at a time runs, however many ask. A request after
 * that starts a walk and gets the previous result meanwhile (it says when it was computed); only the
 * first request of the process waits for one.
 */
export class AuditVerificationCache {
  private last?: CachedAuditVerification;
  private running?: Promise<CachedAuditVerification>;

  constructor(
    private readonly compute: () => Promise<AuditVerification>,
    private readonly maxAgeMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The last completed walk, without starting one (the metrics read it: docs/operations.md "Alerts"). */
  get latest(): CachedAuditVerification | undefined {
    return this.last;
  }

  async get(): Promise<CachedAuditVerification> {
    const fresh = this.last && this.clock().getTime() - Date.parse(this.last.computedAt) < this.maxAgeMs;
    if (fresh) return this.last!;
    const running = (this.running ??= this.refresh());
    if (!this.last) return running;
    // The previous result answers meanwhile; a failed walk is tried again by the next request.
    running.catch(() => undefined);
    return this.last;
  }

  private async refresh(): Promise<CachedAuditVerification> {
    const startedAt = this.clock().toISOString();
    try {
      const result = await this.compute();
      this.last = { ...result, computedAt: startedAt };
      return this.last;
    } finally {
      this.running = undefined;
    }
  }
}
