import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createRoleStatement,
  DEFAULT_DATABASE_ROLES,
  grantStatements,
  schemaStatements,
  scramSha256Verifier,
} from './database-roles';

// pg's own SCRAM client (what the apps log in with), played against a server that knows only the verifier.
const sasl = require('pg/lib/crypto/sasl') as {
  startSession(mechanisms: string[]): { clientNonce: string; response: string };
  continueSession(session: object, password: string, serverData: string): Promise<void>;
  finalizeSession(session: object, serverData: string): void;
};

/** The server's side of RFC 5802 with a stored verifier: does `password` log in? */
async function logsIn(verifier: string, password: string): Promise<boolean> {
  const [, iterSalt, keys] = verifier.split('$') as [string, string, string];
  const [iterations, salt] = iterSalt.split(':') as [string, string];
  const [storedKey, serverKey] = keys.split(':').map((k) => Buffer.from(k, 'base64')) as [Buffer, Buffer];
  const session = sasl.startSession(['SCRAM-SHA-256']) as { clientNonce: string; response: string };
  const clientFirstBare = session.response.slice(3);
  const nonce = session.clientNonce + randomBytes(18).toString('base64');
  const serverFirst = `r=${nonce},s=${salt},i=${iterations}`;
  await sasl.continueSession(session, password, serverFirst);
  const clientFinal = session.response;
  const withoutProof = clientFinal.slice(0, clientFinal.indexOf(',p='));
  const proof = Buffer.from(clientFinal.slice(clientFinal.indexOf(',p=') + 3), 'base64');
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
  const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!));
  if (!createHash('sha256').update(clientKey).digest().equals(storedKey)) return false;
  const serverSignature = createHmac('sha256', serverKey).update(authMessage).digest('base64');
  sasl.finalizeSession(session, `v=${serverSignature}`);
  return true;
}

describe('scramSha256Verifier (what migrate stores instead of a password)', () => {
  it('has the form Postgres stores and lets exactly that password log in with the driver', async () => {
    const verifier = scramSha256Verifier('app-Secret_42!');
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(await logsIn(verifier, 'app-Secret_42!')).toBe(true);
    expect(await logsIn(verifier, 'app-Secret_43!')).toBe(false);
    expect(scramSha256Verifier('same')).not.toBe(scramSha256Verifier('same')); // a fresh salt each time
  });

  it('refuses a password it cannot hash as Postgres would (non-ASCII is SASLprepped first)', () => {
    expect(() => scramSha256Verifier('密码password')).toThrow('must be printable ASCII');
  });
});

describe('docs/operations.md shows the SQL that migrate runs', () => {
  const docs = readFileSync(path.resolve(__dirname, '../../../docs/operations.md'), 'utf8');
  const statements = [
    ...Object.values(DEFAULT_DATABASE_ROLES).map(createRoleStatement),
    ...schemaStatements(DEFAULT_DATABASE_ROLES),
    ...grantStatements(DEFAULT_DATABASE_ROLES),
  ];
  it.each(statements)('%s', (statement) => expect(docs).toContain(`${statement};`));
});
