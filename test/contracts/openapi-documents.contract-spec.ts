import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { getMetadataStorage } from 'class-validator';
import { GATE_ANSWER_REASONS, GateDecisionQueryDto } from '@oc/contracts';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);
const committed = (app: string) => JSON.parse(readFileSync(path.join(ROOT, 'openapi', `${app}.json`), 'utf8'));

describe('the OpenAPI documents (openapi/*.json)', () => {
  // A DTO, a controller or a response model changed without `npm run contracts`: the published
  // document no longer says what the app does.
  it('are what npm run contracts makes from the code now', async () => {
    const check = await run(process.execPath, ['scripts/contracts.js', '--check'], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(check).toEqual({ code: 0, stderr: '' });
  }, 180_000);

  it('pass Spectral (spectral:oas) without an error', async () => {
    const files = ['gate-api', 'staff-api', 'ingest'].map((a) => path.join('openapi', `${a}.json`));
    const { stdout } = await run(
      path.join(ROOT, 'node_modules', '.bin', 'spectral'),
      ['lint', ...files, '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet', '--fail-severity', 'error'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { stdout?: string; message: string }) => ({ stdout: error.stdout ?? error.message }));
    const problems = (
      JSON.parse(stdout || '[]') as { severity: number; code: string; path: string[]; source: string }[]
    )
      .filter((p) => p.severity === 0)
      .map((p) => `${path.relative(ROOT, p.source)} ${p.code} ${p.path.join('.')}`);
    expect(problems).toEqual([]);
  }, 60_000);

  it('document every query parameter the gate validates, with its constraints, and nothing else', () => {
    const operation = committed('gate-api').paths['/v1/gate/decision'].get;
    const validated = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(GateDecisionQueryDto, '', true, false)
        .map((m) => m.propertyName),
    );
    const parameters = operation.parameters as {
      name: string;
      in: string;
      required: boolean;
      schema: Record<string, unknown>;
    }[];
    expect(parameters.map((p) => p.name).sort()).toEqual([...validated].sort());
    expect(parameters.filter((p) => p.required).map((p) => p.name)).toEqual(['plate', 'plateColor']);
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p.schema]));
    expect(byName.plate).toMatchObject({ type: 'string', pattern: expect.stringContaining('浙') });
    expect(byName.plateColor!.enum).toEqual(expect.arrayContaining(['1', 'YELLOW', '12']));
    expect(byName.axles).toMatchObject({ type: 'integer', minimum: 2, maximum: 12 });
    expect(byName.cargo!.enum).toEqual(['LADEN', 'EMPTY', 'UNKNOWN']);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '429']);
    expect(operation.security).toEqual([{ stationKey: [] }]);
  });

  it('call the station key an opaque bearer token and describe the staff JWT claims', () => {
    expect(committed('gate-api').components.securitySchemes.stationKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'opaque',
    });
    const jwt = committed('staff-api').components.securitySchemes.staffJwt;
    expect(jwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const claim of ['sub', 'roles', 'regions', 'exp', 'iat', 'iss', 'aud'])
      expect(jwt.description).toContain(`\`${claim}\``);
  });

  it('give the gate answer the reasons the gate answers with', () => {
    const schemas = committed('gate-api').components.schemas;
    const reasons = JSON.stringify(schemas.GateAnswerReason) + JSON.stringify(schemas.GateReason);
    for (const reason of GATE_ANSWER_REASONS) expect(reasons).toContain(`"${reason}"`);
  });

  it('give ingest its own document: health and metrics', () => {
    expect(Object.keys(committed('ingest').paths).sort()).toEqual(['/health/live', '/health/ready', '/metrics']);
  });
});
