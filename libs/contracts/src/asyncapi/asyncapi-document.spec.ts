import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LISTING_EVENT_TYPES } from '@oc/domain';
import { GATE_ANSWER_REASONS } from '../gate-api/gate-decision-response';
import { TOPIC } from '../topics';
import { WEIGHING_DEAD_LETTER_CODES } from '../weighing-events-v1/dead-letter-codes';
import { DEAD_LETTER_HEADERS } from './generate';
import { renderAsyncApiYaml } from './render';
import { ajvErrors, topicValidators } from './validators';

const committed = readFileSync(join(__dirname, '..', '..', 'asyncapi.yaml'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed document, read loosely
type Loose = any;
const doc: Loose = parse(committed);

/** The AsyncAPI document is what outside systems build against: generated, complete, its examples valid. */
describe('asyncapi.yaml', () => {
  it('is the generated document (after a change of a message class: npm run contracts)', () => {
    expect(committed).toBe(renderAsyncApiYaml());
  });

  it('has a channel for every topic the product produces or consumes, DLQs included', () => {
    const addresses = Object.values(doc.channels as Record<string, { address: string }>).map((c) => c.address);
    expect(addresses.sort()).toEqual(Object.values(TOPIC).sort());
  });

  it('gives every message a key schema and every DLQ the six headers with its error codes', () => {
    for (const [name, message] of Object.entries(doc.components.messages as Record<string, Loose>)) {
      expect([name, message.bindings?.kafka?.key]).toEqual([name, expect.anything()]);
    }
    const weighingLetters = doc.components.messages.WeighingEventsDlqLetter;
    expect(weighingLetters.headers.required).toEqual([...DEAD_LETTER_HEADERS]);
    expect(weighingLetters.headers.properties['error-code'].enum).toEqual([...WEIGHING_DEAD_LETTER_CODES]);
  });

  it('lists every listing event type and every gate reason, FAIL_CLOSED included', () => {
    expect(doc.components.schemas.ListingEventV1.properties.type.enum).toEqual([...LISTING_EVENT_TYPES]);
    expect(doc.components.schemas.GateDecisionV1.properties.reasons.items.enum).toEqual([...GATE_ANSWER_REASONS]);
  });

  it("has examples that pass their message's payload, key-less headers and schemas", () => {
    const byName = new Map([...topicValidators(doc).values()].map((v) => [v.messageName, v]));
    for (const [name, message] of Object.entries(doc.components.messages as Record<string, Loose>)) {
      const v = byName.get(name)!;
      expect(message.examples.length).toBeGreaterThan(0);
      for (const example of message.examples) {
        expect([name, v.payload(example.payload) || ajvErrors(v.payload)]).toEqual([name, true]);
        if (v.headers) expect([name, v.headers(example.headers) || ajvErrors(v.headers)]).toEqual([name, true]);
      }
    }
  });

  it('refuses, in the published schema, what the issue found accepted: a bad colour, plate, URL, time, extra evidence', () => {
    const weigh = topicValidators(doc).get(TOPIC.weighingEvents)!.payload;
    const example = doc.components.messages.WeighEvent.examples[0].payload;
    const refused = [
      { plateColor: 'PURPLE' },
      { plate: 'NOT-A-PLATE' },
      { evidence: { imageUrls: ['ftp://cam.example/1.jpg'] } },
      { evidence: { imageUrls: [`https://cam.example/${'x'.repeat(2100)}.jpg`] } },
      { evidence: { imageUrls: [], note: 'extra' } },
      { measuredAt: '2026-12-03 08:15:00+08:00' },
      { measuredAt: '2026-02-30T08:15:00+08:00' },
      { measuredAt: '2026-12-03T08:15:00' },
      { singleDriveAxle: true, axles: 5 },
      { extra: 1 },
    ];
    for (const patch of refused) expect([patch, weigh({ ...example, ...patch })]).toEqual([patch, false]);
  });
});
