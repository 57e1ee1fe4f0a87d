import {
  AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
} from 'kafkajs';
import { TOPIC, topics, type Topics } from '@oc/contracts';

/**
 * Who may touch which topic (docs/kafka.md, docs/security.md): each outside system writes only the
 * topic it feeds, ingest reads what it consumes and writes what it publishes, the gate writes only
 * its decisions. The broker refuses everything else (StandardAuthorizer, no ACL = denied).
 */
export interface KafkaPrincipals {
  /** The ingest app: consumes the inbound topics, produces the rest, creates every topic at start. */
  ingest: string;
  /** gate-api: produces gate.decisions.v1 only. */
  gateApi: string;
  /**
   * staff-api: reads the audit anchors to verify the chain (SPEC §4.7); describes the ingest group and
   * the topics it consumes, to report the group's lag while ingest itself is down (docs/operations.md).
   */
  staffApi: string;
  /** Station systems (one principal per system): produce weighing.events.v1 only. */
  stations: readonly string[];
  /** Registry feeders: produce the registry topics only. */
  registryFeeders: readonly string[];
  /** Notification channels: read notices and referrals, produce delivery receipts. */
  noticeChannels: readonly string[];
}

/** The principals of the local broker of infra/kafka (infra/kafka/dev-principals.properties). */
export const DEV_KAFKA_PRINCIPALS: KafkaPrincipals = {
  ingest: 'ingest',
  gateApi: 'gate-api',
  staffApi: 'staff-api',
  stations: ['station'],
  registryFeeders: ['registry'],
  noticeChannels: ['notice-channel'],
};

type TopicKey = keyof Topics;
/** The topics outside systems feed and ingest consumes (apps/ingest/src/main.ts subscribes to these). */
export const INGEST_CONSUMES: readonly TopicKey[] = [
  'weighingEvents',
  'gateDecisions',
  'registryStations',
  'registryVehicles',
  'registryPermits',
  'noticeReceipts',
];
const REGISTRY_TOPICS: readonly TopicKey[] = ['registryStations', 'registryVehicles', 'registryPermits'];
const NOTICE_CHANNEL_READS: readonly TopicKey[] = ['notices', 'companyNotices', 'caseReferrals'];

const allow = (
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
  resourcePatternType = ResourcePatternTypes.LITERAL,
): AclEntry => ({
  principal: `User:${principal}`,
  host: '*',
  resourceType,
  resourceName,
  resourcePatternType,
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

/**
 * The ACLs of one deployment (its TOPIC_PREFIX and ingest group), every name literal: a station
 * principal allowed `weighing.events.v1` cannot write `gate.decisions.v1`, nor a topic of another
 * prefix on the same cluster. READ and WRITE imply DESCRIBE (Kafka's ACL rules).
 */
export function kafkaAcls(prefix: string, ingestGroup: string, principals: KafkaPrincipals): AclEntry[] {
  const names = topics(prefix);
  const topic = (key: TopicKey) => names[key];
  const T = AclResourceTypes.TOPIC;
  const G = AclResourceTypes.GROUP;
  const acls: AclEntry[] = [];
  for (const key of Object.keys(TOPIC) as TopicKey[]) {
    // ingest creates every topic at start (SPEC §5) and checks the registry topics' cleanup policy.
    acls.push(allow(principals.ingest, T, topic(key), AclOperationTypes.CREATE));
    acls.push(allow(principals.ingest, T, topic(key), AclOperationTypes.DESCRIBE));
    acls.push(allow(principals.ingest, T, topic(key), AclOperationTypes.DESCRIBE_CONFIGS));
    const consumed = INGEST_CONSUMES.includes(key);
    acls.push(allow(principals.ingest, T, topic(key), consumed ? AclOperationTypes.READ : AclOperationTypes.WRITE));
  }
  acls.push(allow(principals.ingest, G, ingestGroup, AclOperationTypes.READ));
  acls.push(allow(principals.gateApi, T, topic('gateDecisions'), AclOperationTypes.WRITE));
  // Verification reads audit.anchors.v1 from the start with a throw-away group of its own
  // (libs/messaging/src/audit-anchor-reader.ts: `<KAFKA_GROUP_ID>.audit-verify.<random>`).
  const verifyGroups = `${ingestGroup}.audit-verify.`;
  acls.push(allow(principals.staffApi, T, topic('auditAnchors'), AclOperationTypes.READ));
  acls.push(allow(principals.staffApi, G, verifyGroups, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED));
  // The lag alert must not go quiet when ingest stops (docs/operations.md "Alerts"): staff-api reads the
  // ingest group's committed offsets (OffsetFetch: DESCRIBE on the group and the topics) and the topics'
  // ends (ListOffsets: DESCRIBE). DESCRIBE reads no message and joins no group.
  acls.push(allow(principals.staffApi, G, ingestGroup, AclOperationTypes.DESCRIBE));
  for (const key of INGEST_CONSUMES) acls.push(allow(principals.staffApi, T, topic(key), AclOperationTypes.DESCRIBE));
  for (const station of principals.stations) {
    acls.push(allow(station, T, topic('weighingEvents'), AclOperationTypes.WRITE));
  }
  for (const feeder of principals.registryFeeders) {
    for (const key of REGISTRY_TOPICS) acls.push(allow(feeder, T, topic(key), AclOperationTypes.WRITE));
  }
  for (const channel of principals.noticeChannels) {
    for (const key of NOTICE_CHANNEL_READS) acls.push(allow(channel, T, topic(key), AclOperationTypes.READ));
    acls.push(allow(channel, T, topic('noticeReceipts'), AclOperationTypes.WRITE));
    // Its consumer groups are its own to name, under `<TOPIC_PREFIX><principal>`.
    acls.push(allow(channel, G, `${prefix}${channel}`, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED));
  }
  return acls;
}

/** Grants the ACLs (idempotent: the broker keeps one binding per distinct entry). Needs an admin principal. */
export async function grantKafkaAcls(kafka: Kafka, acls: AclEntry[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: acls });
  } finally {
    await admin.disconnect();
  }
}
