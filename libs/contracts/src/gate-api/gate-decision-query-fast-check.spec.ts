import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import fc from 'fast-check';
import { GateDecisionQueryDto } from './gate-decision-query.dto';
import { fastGateDecisionQuery } from './gate-decision-query-fast-check';

/** What the gate's ValidationPipe does (transform, whitelist, forbidNonWhitelisted). */
function throughDecorators(raw: object): object | undefined {
  const dto = plainToInstance(GateDecisionQueryDto, raw);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length ? undefined : { ...dto };
}

const base = { plate: '浙E12345', plateColor: '1', cargo: 'LADEN' };
// Fastify hands over strings (or arrays for repeated keys); edges of every constraint.
const anyValue = fc.oneof(
  fc.constantFrom(
    '',
    '1',
    '2',
    '12',
    '13',
    '-1',
    '0',
    '200000',
    '200001',
    '1.5',
    ' 3',
    'true',
    'false',
    'TRUE',
    'yes',
    'YELLOW',
    'LADEN',
    'EMPTY',
    'UNKNOWN',
    'laden',
    '浙E12345',
    '浙e·12345',
    'UNKNOWN',
    'ABC',
    'x'.repeat(16),
    'x'.repeat(17),
    'x'.repeat(64),
    'x'.repeat(65),
    ['1', '2'],
  ),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 250000 }).map(String),
);
// Every property the DTO declares (a new one shows up here by itself), and one it does not.
const declared = getMetadataStorage()
  .getTargetValidationMetadatas(GateDecisionQueryDto, '', true, false)
  .map((m) => m.propertyName);
const field = fc.constantFrom(...new Set(declared), 'unexpected');
const queries = fc
  .array(fc.tuple(field, fc.oneof(anyValue, fc.constant(undefined))), { maxLength: 4 })
  .map((changes) => {
    const q: Record<string, unknown> = { ...base };
    for (const [key, value] of changes) {
      if (value === undefined) delete q[key];
      else q[key] = value;
    }
    return q;
  });

describe('fastGateDecisionQuery', () => {
  it('gives what the ValidationPipe gives for a full scale reading', () => {
    const q = {
      ...base,
      axles: '6',
      grossWeightKg: '52000',
      combination: 'true',
      singleDriveAxle: 'false',
      laneId: 'L1',
    };
    expect(fastGateDecisionQuery(q)).toEqual(throughDecorators(q));
    expect(fastGateDecisionQuery(q)).toMatchObject({
      axles: 6,
      grossWeightKg: 52000,
      combination: true,
      singleDriveAxle: false,
    });
  });

  it('never accepts what the decorators refuse, and transforms exactly as they do', () => {
    fc.assert(
      fc.property(queries, (q) => {
        const fast = fastGateDecisionQuery(q);
        if (fast !== undefined) expect(fast).toEqual(throughDecorators(q));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes every query the decorators take', () => {
    fc.assert(
      fc.property(queries, (q) => {
        if (throughDecorators(q) !== undefined) expect(fastGateDecisionQuery(q)).toBeDefined();
      }),
      { numRuns: 3000 },
    );
  });
});
