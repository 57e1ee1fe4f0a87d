/**
 * Asks the gate once and prints what the lane would do, as JSON:
 *   node -r ./scripts/ts-register.js examples/gate-client/main.ts \
 *     --url http://127.0.0.1:3001 --key ocst_… --plate 浙E12345 --plate-color 1 [--cargo LADEN] \
 *     [--axles 6 --gross-weight-kg 52000] [--permit-no …] [--lane L1] [--timeout-ms 300]
 * Exit code 0: the gate answered; 2: it refused the request (400/401/429); 3: no answer.
 */
import { parseArgs } from 'node:util';
import { createGateClient, type GateQuery } from './gate-client';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.GATE_URL ?? 'http://127.0.0.1:3001' },
    key: { type: 'string', default: process.env.STATION_KEY },
    plate: { type: 'string' },
    'plate-color': { type: 'string', default: '1' },
    cargo: { type: 'string' },
    axles: { type: 'string' },
    'gross-weight-kg': { type: 'string' },
    'permit-no': { type: 'string' },
    lane: { type: 'string' },
    'timeout-ms': { type: 'string', default: '300' },
  },
});

async function main(): Promise<number> {
  if (!values.key || !values.plate) {
    console.error('usage: main.ts --url <gate> --key <station key> --plate <plate> [--plate-color 1] …');
    return 64;
  }
  const gate = createGateClient({
    baseUrl: values.url!,
    stationKey: values.key,
    timeoutMs: Number(values['timeout-ms']),
  });
  const query: GateQuery = { plate: values.plate, plateColor: values['plate-color'] as GateQuery['plateColor'] };
  if (values.cargo) query.cargo = values.cargo as GateQuery['cargo'];
  if (values.axles) query.axles = Number(values.axles);
  if (values['gross-weight-kg']) query.grossWeightKg = Number(values['gross-weight-kg']);
  if (values['permit-no']) query.permitNo = values['permit-no'];
  if (values.lane) query.laneId = values.lane;
  const decision = await gate.decide(query);
  console.log(JSON.stringify(decision));
  return decision.kind === 'answer' ? 0 : decision.kind === 'refused' ? 2 : 3;
}

void main().then((code) => process.exit(code));
