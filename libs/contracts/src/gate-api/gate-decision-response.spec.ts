import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { GATE_REASONS } from '@oc/domain';
import { GateDecisionQueryDto } from './gate-decision-query.dto';
import {
  GATE_ANSWER_REASONS,
  GATE_DECISION_QUERY_PARAMETERS,
  GATE_DECISION_RESPONSE_SCHEMA,
  GATE_REASON_DESCRIPTIONS,
} from './gate-decision-response';

describe('gate-api contract: the answer’s reasons and the OpenAPI description', () => {
  it('answers with the rules of libs/domain decideGate and FAIL_CLOSED, nothing else', () => {
    expect([...GATE_ANSWER_REASONS]).toEqual([
      'OVERLIMIT',
      'DISHONESTY_LIST',
      'EXEMPT_EMPTY',
      'WITHIN_TOLERANCE',
      'FAIL_CLOSED',
    ]);
    expect(GATE_ANSWER_REASONS.slice(0, GATE_REASONS.length)).toEqual([...GATE_REASONS]);
    expect(GATE_DECISION_RESPONSE_SCHEMA.properties.reasons.items.enum).toEqual([...GATE_ANSWER_REASONS]);
  });

  it('describes every reason with the law it applies', () => {
    expect(Object.keys(GATE_REASON_DESCRIPTIONS).sort()).toEqual([...GATE_ANSWER_REASONS].sort());
    expect(GATE_REASON_DESCRIPTIONS.OVERLIMIT).toContain('第三十九条');
    expect(GATE_REASON_DESCRIPTIONS.OVERLIMIT).toContain('117号');
    expect(GATE_REASON_DESCRIPTIONS.OVERLIMIT).toContain('第二十七条');
    expect(GATE_REASON_DESCRIPTIONS.WITHIN_TOLERANCE).toContain('117号');
    for (const reason of GATE_ANSWER_REASONS)
      expect(GATE_DECISION_RESPONSE_SCHEMA.properties.reasons.description).toContain(
        `${reason}: ${GATE_REASON_DESCRIPTIONS[reason]}`,
      );
  });

  it('documents exactly the query parameters the DTO validates', () => {
    const validated = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(GateDecisionQueryDto, '', true, false)
        .map((m) => m.propertyName),
    );
    expect(GATE_DECISION_QUERY_PARAMETERS.map((p) => p.name).sort()).toEqual([...validated].sort());
    expect(GATE_DECISION_QUERY_PARAMETERS.filter((p) => p.required).map((p) => p.name)).toEqual([
      'plate',
      'plateColor',
    ]);
  });
});
