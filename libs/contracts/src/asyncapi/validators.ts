import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * ajv validators of a parsed AsyncAPI document (asyncapi.yaml as committed), by topic address: what an
 * outside system would build from the published document. For the tests and the conformance tier; the
 * apps validate with the message classes themselves.
 */
export interface TopicValidators {
  address: string;
  messageName: string;
  payload: ValidateFunction;
  key: ValidateFunction;
  headers: ValidateFunction | null;
}

interface Doc {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: {
    schemas: Record<string, unknown>;
    messages: Record<
      string,
      {
        payload: unknown;
        headers?: unknown;
        bindings?: { kafka?: { key?: unknown } };
        examples?: { payload: unknown; headers?: Record<string, string> }[];
      }
    >;
  };
}

const local = (ref: string) => ref.split('/').pop()!;

export function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strictTypes: false, strictTuples: false });
  addFormats(ajv);
  return ajv;
}

/** One validator set per channel address (a channel of this project carries one message). */
export function topicValidators(document: unknown): Map<string, TopicValidators> {
  const doc = document as Doc;
  const ajv = newAjv();
  ajv.addSchema({ $id: 'asyncapi', definitions: doc.components.schemas });
  const compile = (schema: unknown): ValidateFunction => {
    const text = JSON.stringify(schema ?? {}).replace(/"#\/components\/schemas\//g, '"asyncapi#/definitions/');
    return ajv.compile(JSON.parse(text) as object);
  };
  const out = new Map<string, TopicValidators>();
  for (const channel of Object.values(doc.channels)) {
    const [ref] = Object.values(channel.messages);
    const name = local(ref!.$ref);
    const message = doc.components.messages[name]!;
    out.set(channel.address, {
      address: channel.address,
      messageName: name,
      payload: compile(message.payload),
      key: compile(message.bindings?.kafka?.key),
      headers: message.headers ? compile(message.headers) : null,
    });
  }
  return out;
}

/** ajv's errors in one line, for a test failure that says what was wrong. */
export const ajvErrors = (validate: ValidateFunction): string =>
  (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
