/** Versioned topic names (SPEC §3, §5). A new incompatible shape is a new topic (…v2), never an edit. */
export const TOPIC = {
  weighingEvents: 'weighing.events.v1',
  weighingEventsDlq: 'weighing.events.v1.dlq',
  listingEvents: 'credit.listing-events.v1',
  gateDecisions: 'gate.decisions.v1',
  gateDecisionsDlq: 'gate.decisions.v1.dlq',
  // SPEC §4.9: compacted, latest record per key wins, a tombstone deletes.
  registryStations: 'registry.stations.v1',
  registryStationsDlq: 'registry.stations.v1.dlq',
  registryVehicles: 'registry.vehicles.v1',
  registryVehiclesDlq: 'registry.vehicles.v1.dlq',
  registryPermits: 'registry.permits.v1',
  registryPermitsDlq: 'registry.permits.v1.dlq',
  // SPEC §4.10: notices out to the notification channel, delivery receipts back, referrals (抄告) out.
  notices: 'credit.notices.v1',
  noticeReceipts: 'credit.notice-receipts.v1',
  noticeReceiptsDlq: 'credit.notice-receipts.v1.dlq',
  caseReferrals: 'credit.case-referrals.v1',
  // SPEC §4.9: company listings (道路运输企业), keyed by operatorId: their steps and their notices.
  companyListingEvents: 'credit.company-listing-events.v1',
  companyNotices: 'credit.company-notices.v1',
  // SPEC §4.7: the audit chain head, sealed, every AUDIT_ANCHOR_INTERVAL_MS (kept, never compacted).
  auditAnchors: 'audit.anchors.v1',
} as const;
export type TopicName = (typeof TOPIC)[keyof typeof TOPIC];

export type Topics = { [K in keyof typeof TOPIC]: string };

/** The topic names with TOPIC_PREFIX applied (test isolation, several environments on one cluster). */
export function topics(prefix: string): Topics {
  return Object.fromEntries(Object.entries(TOPIC).map(([name, topic]) => [name, prefix + topic])) as Topics;
}

/** The registry topics, compacted (SPEC §4.9): their names, with TOPIC_PREFIX applied. */
export function registryTopicNames(prefix: string): string[] {
  return [TOPIC.registryStations, TOPIC.registryVehicles, TOPIC.registryPermits].map((t) => prefix + t);
}
