import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { TOPIC } from '@oc/contracts';
import { asyncApiText } from './support/published-documents';

/**
 * The committed asyncapi.yaml through the official AsyncAPI parser (@asyncapi/parser, the one the AsyncAPI
 * CLI, Studio and generator use): it must parse without a single error, and describe every topic with a
 * message whose payload and key schemas resolve. A document the parser refuses is shown to fail too.
 */
describe('conformance: asyncapi.yaml through the official AsyncAPI parser', () => {
  const parser = new Parser();
  const errors = (diagnostics: { severity: number; message: string; path: (string | number)[] }[]) =>
    diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('.')}: ${d.message}`);

  it('parses with no error, every topic a channel with its message, key and payload', async () => {
    const { document, diagnostics } = await parser.parse(asyncApiText());
    expect(errors(diagnostics)).toEqual([]);
    expect(document).toBeDefined();
    const channels = document!.channels().all();
    expect(channels.map((c) => c.address()).sort()).toEqual(Object.values(TOPIC).sort());
    for (const channel of channels) {
      const [message, ...others] = channel.messages().all();
      expect([channel.address(), others.length]).toEqual([channel.address(), 0]);
      expect(message!.hasPayload()).toBe(true);
      const kafka = message!.bindings().get('kafka');
      expect([channel.address(), kafka?.value()?.key]).toEqual([channel.address(), expect.anything()]);
    }
  });

  it('refuses a document with a dangling reference (the check can fail)', async () => {
    const broken = asyncApiText().replace('"#/components/messages/WeighEvent"', '"#/components/messages/Nothing"');
    expect(broken).not.toBe(asyncApiText());
    const { diagnostics } = await parser.parse(broken);
    expect(errors(diagnostics).length).toBeGreaterThan(0);
  });
});
