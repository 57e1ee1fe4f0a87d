import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The principals of the local broker of infra/kafka and their passwords (name=password lines, `#`
 * comments), relative to the repository root. Published: for tests, benchmarks and `npm run up` on
 * this machine only; the apps themselves never read it, they get KAFKA_SASL_* (docs/kafka.md).
 */
export const LOCAL_KAFKA_PRINCIPALS_FILE = join('infra', 'kafka', 'dev-principals.properties');

export function readKafkaPrincipals(file: string): ReadonlyMap<string, string> {
  const principals = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Za-z0-9._-]+)=(.+)$/.exec(line.trim());
    if (match) principals.set(match[1]!, match[2]!);
  }
  return principals;
}

/** KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD of one principal of the file; throws naming it when absent. */
export function kafkaLoginEnv(principals: ReadonlyMap<string, string>, name: string): Record<string, string> {
  const password = principals.get(name);
  if (password === undefined) throw new Error(`the Kafka principals file has no password for '${name}'`);
  return { KAFKA_SASL_USERNAME: name, KAFKA_SASL_PASSWORD: password };
}
