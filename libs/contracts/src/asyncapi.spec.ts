import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LISTING_EVENT_TYPES } from '@oc/domain';
import { TOPIC } from './topics';
import { WEIGHING_DEAD_LETTER_CODES } from './weighing-events-v1/dead-letter-codes';

/** The AsyncAPI document is what outside systems build against (SPEC §6): it must name every topic. */
describe('asyncapi.yaml', () => {
  const doc = parse(readFileSync(join(__dirname, '..', 'asyncapi.yaml'), 'utf8')) as {
    channels: Record<string, { address: string; description: string }>;
    components: { messages: Record<string, { payload: { properties: { type?: { enum?: string[] } } } }> };
  };

  it('describes every topic the product produces or consumes', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const topic of Object.values(TOPIC)) {
      if (topic.endsWith('.dlq') && topic !== TOPIC.noticeReceiptsDlq && topic !== TOPIC.weighingEventsDlq) continue;
      expect(addresses).toContain(topic);
    }
  });

  it("names every error-code of the weighings' DLQ", () => {
    const description = Object.values(doc.channels).find((c) => c.address === TOPIC.weighingEventsDlq)!.description;
    for (const code of WEIGHING_DEAD_LETTER_CODES) expect(description).toContain(code);
  });

  it('lists every listing event type', () => {
    expect(doc.components.messages.ListingEvent!.payload.properties.type!.enum).toEqual([...LISTING_EVENT_TYPES]);
  });
});
