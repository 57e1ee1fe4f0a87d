/** Versioned topic names (SPEC §3, §5). A new incompatible shape is a new topic (…v2), never an edit. */
export const TOPIC = {
  weighingEvents: 'weighing.events.v1',
  weighingEventsDlq: 'weighing.events.v1.dlq',
  listingEvents: 'credit.listing-events.v1',
  gateDecisions: 'gate.decisions.v1',
} as const;
export type TopicName = (typeof TOPIC)[keyof typeof TOPIC];

export type Topics = { [K in keyof typeof TOPIC]: string };

/** The topic names with TOPIC_PREFIX applied (test isolation, several environments on one cluster). */
export function topics(prefix: string): Topics {
  return {
    weighingEvents: prefix + TOPIC.weighingEvents,
    weighingEventsDlq: prefix + TOPIC.weighingEventsDlq,
    listingEvents: prefix + TOPIC.listingEvents,
    gateDecisions: prefix + TOPIC.gateDecisions,
  };
}
