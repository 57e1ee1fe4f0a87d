import { DomainErrorCode, LISTING_EVENT_TYPES } from '@oc/domain';
import { AUDIT_ANCHOR_KEY, AuditAnchorV1 } from '../audit-anchors-v1/audit-anchor';
import { CaseReferralV1 } from '../credit-case-referrals-v1/case-referral';
import { CompanyListingEventV1 } from '../credit-company-listing-events-v1/company-listing-event';
import { ListingEventV1 } from '../credit-listing-events-v1/listing-event';
import { noticeReceiptDeadLetterCodes, NoticeReceiptV1Dto } from '../credit-notice-receipts-v1/notice-receipt';
import { CompanyNoticeMessageV1, NoticeMessageV1 } from '../credit-notices-v1/notice-message';
import { GateDecisionEventV1 } from '../gate-decisions-v1/gate-decision-event';
import { GATE_DECISION_DEAD_LETTER_CODES } from '../gate-decisions-v1/parse-gate-decision';
import { REGISTRY_DEAD_LETTER_CODES } from '../registry-v1/parse-registry-record';
import { PermitRecordV1Dto, StationRecordV1Dto, VehicleRecordV1Dto } from '../registry-v1/registry-records.dto';
import { TOPIC } from '../topics';
import { WEIGHING_DEAD_LETTER_CODES } from '../weighing-events-v1/dead-letter-codes';
import { MAX_EVENT_BYTES } from '../weighing-events-v1/parse-weigh-event';
import { WeighEventV1Dto } from '../weighing-events-v1/weigh-event.dto';
import * as example from './examples';
import { dateTimeSchema, JsonSchema, schemaOf, UUID_PATTERN, vehicleKeyPattern } from './json-schema';

/**
 * The AsyncAPI 3.0 document of every topic (SPEC §3, §4.7, §4.9, §4.10, §5), generated: payload schemas
 * from the message classes' decorators (json-schema.ts), keys, the DLQ headers and the error codes from
 * the constants the code uses. `npm run contracts` writes it to libs/contracts/asyncapi.yaml; a test fails
 * when the committed file differs.
 */
type Role = 'payload' | 'key';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const messageRef = (name: string) => ({ $ref: `#/components/messages/${name}` });

/** The original message's own reasons: the header names of every dead letter (SPEC §3). */
export const DEAD_LETTER_HEADERS = [
  'error-code',
  'error-detail',
  'original-topic',
  'original-partition',
  'original-offset',
  'failed-at',
] as const;

const DECIMAL = '^(0|[1-9][0-9]*)$';

function deadLetterHeaders(topic: string, codes: readonly string[]): JsonSchema {
  const escaped = topic.replace(/\./g, '\\.');
  return {
    type: 'object',
    required: [...DEAD_LETTER_HEADERS],
    // The original message's headers ride along unchanged.
    additionalProperties: { type: 'string' },
    properties: {
      'error-code': { type: 'string', enum: [...codes], description: 'why the message was dead-lettered' },
      'error-detail': {
        type: 'string',
        contentMediaType: 'application/json',
        description:
          'JSON array of {field, message}: every field that is wrong and why ("(message)" for the whole value, "(key)" for the key)',
      },
      'original-topic': {
        type: 'string',
        pattern: `^.*${escaped}$`,
        description: `${topic}, with TOPIC_PREFIX`,
      },
      'original-partition': { type: 'string', pattern: DECIMAL },
      'original-offset': { type: 'string', pattern: DECIMAL },
      'failed-at': { ...dateTimeSchema(3), description: 'when it was dead-lettered (UTC)' },
      'replayed-from': {
        type: 'string',
        pattern: '^.+/(0|[1-9][0-9]*)/(0|[1-9][0-9]*)$',
        description:
          'on a letter of a message that dlq:replay had sent back (the replayed message carries it, with the ' +
          'headers of its earlier letter): <dlq topic>/<partition>/<offset>',
      },
      'value-truncated-from': {
        type: 'string',
        pattern: DECIMAL,
        description: 'the original size in bytes, when the broker refused the whole value (64 KiB kept)',
      },
    },
  };
}

/** The JSON array of error-detail, for consumers that parse it. */
export const DEAD_LETTER_DETAIL_SCHEMA: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['field', 'message'],
    additionalProperties: false,
    properties: { field: { type: 'string' }, message: { type: 'string' } },
  },
};

interface MessageSpec {
  name: string;
  title: string;
  summary: string;
  payload: JsonSchema;
  key: JsonSchema;
  headers?: JsonSchema;
  example: { payload: unknown; headers?: Record<string, string>; name: string; summary?: string };
}

function message(m: MessageSpec) {
  return {
    name: m.name,
    title: m.title,
    summary: m.summary,
    contentType: 'application/json',
    ...(m.headers ? { headers: m.headers } : {}),
    payload: m.payload,
    bindings: { kafka: { key: m.key, bindingVersion: '0.5.0' } },
    examples: [
      {
        name: m.example.name,
        ...(m.example.summary ? { summary: m.example.summary } : {}),
        ...(m.example.headers ? { headers: m.example.headers } : {}),
        payload: m.example.payload,
      },
    ],
  };
}

const UUID_KEY: JsonSchema = { type: 'string', pattern: UUID_PATTERN };

/** The payload and key schemas, by name: what components.schemas holds and the conformance tests read. */
export function messageSchemas(): Record<string, { payload: JsonSchema; key: JsonSchema }> {
  const vehicleKey = (unknown: boolean, description: string): JsonSchema => ({
    type: 'string',
    pattern: vehicleKeyPattern({ unknown }),
    description,
  });
  const nullable = (schema: JsonSchema, tombstone: string): JsonSchema => ({
    anyOf: [schema, { type: 'null', description: tombstone }],
  });
  const tombstone = 'a tombstone (null value): deletes the key';
  return {
    WeighEventV1: {
      payload: schemaOf(WeighEventV1Dto),
      key: vehicleKey(
        true,
        '"<plateColorCode>:<plate>" of the normalised plate (1:UNKNOWN when the camera read nothing): it keeps a ' +
          "vehicle's weighings in one partition. Ingest does not read it: results do not depend on key or partition.",
      ),
    },
    GateDecisionV1: {
      payload: schemaOf(GateDecisionEventV1),
      key: vehicleKey(true, '"<plateColorCode>:<plate>" of the answered vehicle'),
    },
    ListingEventV1: {
      payload: schemaOf(ListingEventV1),
      key: vehicleKey(false, "the vehicle key: a vehicle's events are in one partition, in order"),
    },
    NoticeV1: {
      payload: schemaOf(NoticeMessageV1),
      key: vehicleKey(false, 'the vehicle key of the listing'),
    },
    CaseReferralV1: {
      payload: schemaOf(CaseReferralV1),
      key: vehicleKey(false, 'the vehicle key of the listing'),
    },
    CompanyListingEventV1: {
      payload: schemaOf(CompanyListingEventV1),
      key: { type: 'string', minLength: 18, maxLength: 18, description: "operatorId: a company's events in order" },
    },
    CompanyNoticeV1: {
      payload: schemaOf(CompanyNoticeMessageV1),
      key: { type: 'string', minLength: 18, maxLength: 18, description: 'operatorId' },
    },
    NoticeReceiptV1: {
      payload: schemaOf(NoticeReceiptV1Dto),
      key: { ...UUID_KEY, description: 'the noticeId; a receipt under another key is dead-lettered KEY_MISMATCH' },
    },
    StationRecordV1: {
      payload: nullable(schemaOf(StationRecordV1Dto), tombstone),
      key: {
        type: 'string',
        minLength: 1,
        maxLength: 32,
        pattern: '^[0-9]{6}[^\\u0000-\\u001f\\u007f]*$',
        description: "the record's stationId (else KEY_MISMATCH)",
      },
    },
    VehicleRecordV1: {
      payload: nullable(schemaOf(VehicleRecordV1Dto), tombstone),
      key: vehicleKey(false, "the record's vehicle key (else KEY_MISMATCH)"),
    },
    PermitRecordV1: {
      payload: nullable(schemaOf(PermitRecordV1Dto), tombstone),
      key: {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        pattern: '^[^\\u0000-\\u001f\\u007f]*$',
        description: "the record's permitNo (else KEY_MISMATCH)",
      },
    },
    AuditAnchorV1: {
      payload: schemaOf(AuditAnchorV1),
      key: { type: 'string', const: AUDIT_ANCHOR_KEY, description: 'one key: one partition, anchors in order' },
    },
    DeadLetterValue: {
      payload: {
        description:
          'the original value, unchanged (null for a tombstone; cut to 64 KiB when value-truncated-from is set)',
      },
      key: { description: 'the original key, unchanged' },
    },
  };
}

const DLQ_DESCRIPTION =
  'unchanged (key, value and original headers), with the six DLQ headers: error-code, error-detail (JSON ' +
  'array of {field, message}), original-topic, original-partition, original-offset, failed-at (ISO 8601, ' +
  'UTC). `overload-credit dlq:replay` sends them back to the original topic after a fix, adding replayed-from.';

/** The DLQ topics: the consumed topic, its error codes and what they mean. */
export function deadLetterQueues(): { channel: string; of: string; codes: readonly string[]; meaning: string }[] {
  return [
    {
      channel: 'weighingEventsDlq',
      of: TOPIC.weighingEvents,
      codes: WEIGHING_DEAD_LETTER_CODES,
      meaning:
        'BAD_JSON: not JSON or empty; SCHEMA_INVALID: a field breaks its rule (error-detail names it); TOO_LARGE: ' +
        `over ${MAX_EVENT_BYTES} bytes; UNKNOWN_STATION: the station is not registered or not active at ` +
        'measuredAt (replay with --code UNKNOWN_STATION once it is); DUPLICATE_CONFLICT: the eventId is already ' +
        'stored (or earlier in the same batch) with other content, the stored one stays and error-detail (field ' +
        'eventId) names the fields that differ and where the stored one came from; PROCESSING_FAILED: the ' +
        'database refused it for its content.',
    },
    {
      channel: 'gateDecisionsDlq',
      of: TOPIC.gateDecisions,
      codes: GATE_DECISION_DEAD_LETTER_CODES,
      meaning:
        'INVALID_JSON, VALIDATION_FAILED (a field breaks its rule), PROCESSING_FAILED (refused by the database).',
    },
    ...(['registryStations', 'registryVehicles', 'registryPermits'] as const).map((k) => ({
      channel: `${k}Dlq`,
      of: TOPIC[k],
      codes: REGISTRY_DEAD_LETTER_CODES,
      meaning:
        'BAD_JSON, TOO_LARGE, SCHEMA_INVALID (a field, a time not in the form or not a real moment, a control ' +
        'character U+0000-U+001F or U+007F in any string or in the key), KEY_MISMATCH (the key is not the ' +
        "record's key), PROCESSING_FAILED (refused by the database for its content).",
    })),
    {
      channel: 'noticeReceiptsDlq',
      of: TOPIC.noticeReceipts,
      codes: noticeReceiptDeadLetterCodes(Object.values(DomainErrorCode)),
      meaning:
        'TOO_LARGE, BAD_JSON, SCHEMA_INVALID (control characters included), KEY_MISMATCH (key is not the noticeId), ' +
        'RECEIPT_NOT_FOUND (no such notice), RECEIPT_INVALID_TRANSITION (already served or void), ' +
        'RECEIPT_INVALID_ARGUMENT (deliveredAt before the notice was issued), PROCESSING_FAILED.',
    },
  ];
}

export function asyncApiDocument(): Record<string, unknown> {
  const schemas = messageSchemas();
  const s = (name: keyof ReturnType<typeof messageSchemas>, role: Role) => ref(`${name}${role === 'key' ? 'Key' : ''}`);
  const componentsSchemas: Record<string, JsonSchema> = {};
  for (const [name, { payload, key }] of Object.entries(schemas)) {
    componentsSchemas[name] = payload;
    componentsSchemas[`${name}Key`] = key;
  }
  componentsSchemas.DeadLetterDetail = DEAD_LETTER_DETAIL_SCHEMA;

  const messages: Record<string, unknown> = {
    WeighEvent: message({
      name: 'WeighEvent',
      title: 'Weigh event v1 (SPEC §3)',
      summary: 'One weighing of a toll-entry scale, weigh station or mobile unit. UTF-8 JSON, at most 64 KiB.',
      payload: s('WeighEventV1', 'payload'),
      key: s('WeighEventV1', 'key'),
      example: { name: 'laden6Axles', payload: example.weighEventExample },
    }),
    GateDecision: message({
      name: 'GateDecision',
      title: 'Gate decision v1 (SPEC §5)',
      summary: 'A TURN_BACK the gate answered (劝返记录).',
      payload: s('GateDecisionV1', 'payload'),
      key: s('GateDecisionV1', 'key'),
      example: { name: 'turnBack', payload: example.gateDecisionExample },
    }),
    ListingEvent: message({
      name: 'ListingEvent',
      title: 'Listing event v1 (SPEC §5)',
      summary: `A step of a vehicle's listing: ${LISTING_EVENT_TYPES.join(', ')}.`,
      payload: s('ListingEventV1', 'payload'),
      key: s('ListingEventV1', 'key'),
      example: { name: 'inEffect', payload: example.listingEventExample },
    }),
    Notice: message({
      name: 'Notice',
      title: 'Notice v1 (告知书, SPEC §4.10)',
      summary: 'A notice as issued, for the notification channel.',
      payload: s('NoticeV1', 'payload'),
      key: s('NoticeV1', 'key'),
      example: { name: 'toRegisteredParty', payload: example.noticeExample },
    }),
    NoticeReceipt: message({
      name: 'NoticeReceipt',
      title: 'Notice receipt v1 (送达回执, SPEC §4.10)',
      summary: "The notification channel's proof of delivery; one per notice counts.",
      payload: s('NoticeReceiptV1', 'payload'),
      key: s('NoticeReceiptV1', 'key'),
      example: { name: 'sms', payload: example.noticeReceiptExample },
    }),
    CaseReferral: message({
      name: 'CaseReferral',
      title: 'Case referral v1 (抄告, SPEC §4.10)',
      summary: "To the vehicle's registration region once every violation of a listing in effect is processed.",
      payload: s('CaseReferralV1', 'payload'),
      key: s('CaseReferralV1', 'key'),
      example: { name: 'processed', payload: example.caseReferralExample },
    }),
    CompanyListingEvent: message({
      name: 'CompanyListingEvent',
      title: 'Company listing event v1 (SPEC §4.9)',
      summary: "A step of a transport company's listing; it turns no truck back.",
      payload: s('CompanyListingEventV1', 'payload'),
      key: s('CompanyListingEventV1', 'key'),
      example: { name: 'pending', payload: example.companyListingEventExample },
    }),
    CompanyNotice: message({
      name: 'CompanyNotice',
      title: 'Company notice v1 (SPEC §4.9, §4.10)',
      summary: "A company listing's notice as issued.",
      payload: s('CompanyNoticeV1', 'payload'),
      key: s('CompanyNoticeV1', 'key'),
      example: { name: 'toCompany', payload: example.companyNoticeExample },
    }),
    StationRecord: message({
      name: 'StationRecord',
      title: 'Station record v1 (SPEC §4.9)',
      summary: 'The latest state of a station, or a tombstone.',
      payload: s('StationRecordV1', 'payload'),
      key: s('StationRecordV1', 'key'),
      example: { name: 'tollEntry', payload: example.stationRecordExample },
    }),
    VehicleRecord: message({
      name: 'VehicleRecord',
      title: 'Vehicle record v1 (运政 registration, SPEC §4.9)',
      summary: 'The latest registration of a vehicle, or a tombstone.',
      payload: s('VehicleRecordV1', 'payload'),
      key: s('VehicleRecordV1', 'key'),
      example: { name: 'personOwner', payload: example.vehicleRecordExample },
    }),
    PermitRecord: message({
      name: 'PermitRecord',
      title: 'Permit record v1 (大件运输许可, SPEC §4.9)',
      summary: 'The latest state of a permit, or a tombstone.',
      payload: s('PermitRecordV1', 'payload'),
      key: s('PermitRecordV1', 'key'),
      example: { name: 'issued', payload: example.permitRecordExample },
    }),
    AuditAnchor: message({
      name: 'AuditAnchor',
      title: 'Audit anchor v1 (SPEC §4.7)',
      summary: 'The audit chain head, sealed, once per AUDIT_ANCHOR_INTERVAL_MS slot.',
      payload: s('AuditAnchorV1', 'payload'),
      key: s('AuditAnchorV1', 'key'),
      example: { name: 'sealed', payload: example.auditAnchorExample },
    }),
  };
  for (const dlq of deadLetterQueues()) {
    const name = `${dlq.channel[0]!.toUpperCase()}${dlq.channel.slice(1)}Letter`;
    messages[name] = message({
      name,
      title: `Dead letter of ${dlq.of}`,
      summary: `A message of ${dlq.of} that could not be stored for what it contains.`,
      headers: deadLetterHeaders(dlq.of, dlq.codes),
      payload: s('DeadLetterValue', 'payload'),
      key: s('DeadLetterValue', 'key'),
      example:
        dlq.channel === 'weighingEventsDlq'
          ? { name: 'unknownColour', ...example.deadLetterExample }
          : {
              name: 'badJson',
              headers: {
                ...example.deadLetterExample.headers,
                'error-code': dlq.codes.includes('BAD_JSON') ? 'BAD_JSON' : 'INVALID_JSON',
                'error-detail': JSON.stringify([
                  { field: '(message)', message: 'not JSON: Unexpected end of JSON input' },
                ]),
                'original-topic': dlq.of,
              },
              payload: '{"noticeId":',
            },
    });
  }

  const channel = (address: string, description: string, ...names: string[]) => ({
    address,
    description,
    messages: Object.fromEntries(names.map((n) => [n[0]!.toLowerCase() + n.slice(1), messageRef(n)])),
  });
  const channels: Record<string, unknown> = {
    weighingEvents: channel(
      TOPIC.weighingEvents,
      'Every weighing of a toll-entry scale, weigh station or mobile unit (producers: the station systems, ' +
        'principal per system). Results do not depend on key, partition or arrival order; delivery may repeat ' +
        '(idempotent by eventId). Every offset ends as a stored weighing or a dead letter on weighing.events.v1.dlq.',
      'WeighEvent',
    ),
    gateDecisions: channel(
      TOPIC.gateDecisions,
      'Every TURN_BACK answered by gate-api, published asynchronously; ingest stores them as 劝返记录 (by decisionId).',
      'GateDecision',
    ),
    listingEvents: channel(
      TOPIC.listingEvents,
      'Listing lifecycle through the transactional outbox: at least once, in order per vehicle (key). Deduplicate on eventId.',
      'ListingEvent',
    ),
    notices: channel(
      TOPIC.notices,
      'Every notice (告知书) as issued, for the notification channel (SMS gateway, post), through the outbox. ' +
        'The channel answers on credit.notice-receipts.v1.',
      'Notice',
    ),
    noticeReceipts: channel(
      TOPIC.noticeReceipts,
      "Delivery receipts of vehicles' and companies' notices (key noticeId): service is recorded at deliveredAt.",
      'NoticeReceipt',
    ),
    caseReferrals: channel(
      TOPIC.caseReferrals,
      '抄告 to the registration region when every violation of a listing in effect is processed, through the outbox.',
      'CaseReferral',
    ),
    companyListingEvents: channel(
      TOPIC.companyListingEvents,
      'Company listings (道路运输企业), key operatorId, in order per company, through the outbox. They turn no truck back.',
      'CompanyListingEvent',
    ),
    companyNotices: channel(
      TOPIC.companyNotices,
      "A company listing's notice as issued (key operatorId).",
      'CompanyNotice',
    ),
    registryStations: channel(
      TOPIC.registryStations,
      'Station registry: compacted, key stationId, the latest record per key wins, a null value deletes. Only a ' +
        'station registered and active at measuredAt may report weighings.',
      'StationRecord',
    ),
    registryVehicles: channel(
      TOPIC.registryVehicles,
      'Vehicle registry (运政): compacted, key "<plateColorCode>:<plate>", a null value deletes. The party of a ' +
        'listing comes from here as of its notice.',
      'VehicleRecord',
    ),
    registryPermits: channel(
      TOPIC.registryPermits,
      'Permit registry (大件运输许可): compacted, key permitNo, a null value deletes. A record arriving after its ' +
        'weighings reclassifies them.',
      'PermitRecord',
    ),
    auditAnchors: channel(
      TOPIC.auditAnchors,
      'The audit chain head (执法全过程记录), sealed with AUDIT_HMAC_KEY, key "audit-chain", through the outbox; ' +
        'kept forever (cleanup.policy=delete, retention.ms=-1). A record not sealed with a known key is ignored and counted.',
      'AuditAnchor',
    ),
  };
  for (const dlq of deadLetterQueues()) {
    const name = `${dlq.channel[0]!.toUpperCase()}${dlq.channel.slice(1)}Letter`;
    channels[dlq.channel] = channel(
      `${dlq.of}.dlq`,
      `Messages of ${dlq.of} that could not be stored for what they contain, ${DLQ_DESCRIPTION} error-code: ${dlq.meaning}`,
      name,
    );
  }

  const op = (action: 'send' | 'receive', ch: string, summary: string) => ({
    action,
    channel: { $ref: `#/channels/${ch}` },
    summary,
  });
  const operations: Record<string, unknown> = {
    receiveWeighings: op('receive', 'weighingEvents', 'ingest stores weighings (consumer group KAFKA_GROUP_ID)'),
    sendGateDecisions: op('send', 'gateDecisions', 'gate-api publishes its TURN_BACKs'),
    receiveGateDecisions: op('receive', 'gateDecisions', 'ingest stores the 劝返记录'),
    sendListingEvents: op('send', 'listingEvents', 'ingest relays listing steps from its outbox'),
    sendNotices: op('send', 'notices', 'ingest relays issued notices'),
    receiveNoticeReceipts: op('receive', 'noticeReceipts', 'ingest records service'),
    sendCaseReferrals: op('send', 'caseReferrals', 'ingest relays referrals'),
    sendCompanyListingEvents: op('send', 'companyListingEvents', 'ingest relays company listing steps'),
    sendCompanyNotices: op('send', 'companyNotices', 'ingest relays company notices'),
    receiveStationRecords: op('receive', 'registryStations', 'ingest keeps the station registry'),
    receiveVehicleRecords: op('receive', 'registryVehicles', 'ingest keeps the vehicle registry'),
    receivePermitRecords: op('receive', 'registryPermits', 'ingest keeps the permit registry'),
    sendAuditAnchors: op('send', 'auditAnchors', 'ingest relays the sealed chain head'),
  };
  for (const dlq of deadLetterQueues()) {
    operations[`send${dlq.channel[0]!.toUpperCase()}${dlq.channel.slice(1)}`] = op(
      'send',
      dlq.channel,
      `ingest dead-letters what it cannot store from ${dlq.of}`,
    );
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'overload-credit topics',
      version: '1.0.0',
      description:
        'Every topic of the overload credit service (SPEC §3, §4.7, §4.9, §4.10, §5). Generated from the ' +
        'message classes of libs/contracts by `npm run contracts`; do not edit by hand. With TOPIC_PREFIX ' +
        'set, every address is prefixed. Values are UTF-8 JSON; delivery is at least once everywhere, so ' +
        'consumers deduplicate on the ids each message names. How to produce and consume: docs/integration.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The development and test broker (infra/kafka): SASL/SCRAM-SHA-512, ACLs per principal.',
        security: [{ $ref: '#/components/securitySchemes/scram' }],
      },
    },
    channels,
    operations,
    components: {
      schemas: componentsSchemas,
      messages,
      securitySchemes: {
        scram: {
          type: 'scramSha512',
          description:
            'SASL/SCRAM-SHA-512 over the listener; each outside system has its principal and may write or read ' +
            'only its own topics (docs/kafka.md).',
        },
      },
    },
  };
}
