import { GATE_REASONS } from '@oc/domain';
import { GATE_ANSWER_REASONS, GATE_REASON_DESCRIPTIONS } from './gate-decision-response';

// The published document's enum and parameters are checked against the generated openapi/gate-api.json
// by the contracts tier (test/contracts/openapi-documents.contract-spec.ts).
describe('gate-api contract: the answer’s reasons', () => {
  it('answers with the rules of libs/domain decideGate and FAIL_CLOSED, nothing else', () => {
    expect([...GATE_ANSWER_REASONS]).toEqual([
      'OVERLIMIT',
      'DISHONESTY_LIST',
      'EXEMPT_EMPTY',
      'WITHIN_TOLERANCE',
      'FAIL_CLOSED',
    ]);
    expect(GATE_ANSWER_REASONS.slice(0, GATE_REASONS.length)).toEqual([...GATE_REASONS]);
  });

  it('describes every reason with the law it applies', () => {
    expect(Object.keys(GATE_REASON_DESCRIPTIONS).sort()).toEqual([...GATE_ANSWER_REASONS].sort());
    expect(GATE_REASON_DESCRIPTIONS.OVERLIMIT).toContain('第三十九条');
    expect(GATE_REASON_DESCRIPTIONS.OVERLIMIT).toContain('117号');
    expect(GATE_REASON_DESCRIPTIONS.OVERLIMIT).toContain('第二十七条');
    expect(GATE_REASON_DESCRIPTIONS.WITHIN_TOLERANCE).toContain('117号');
  });
});
