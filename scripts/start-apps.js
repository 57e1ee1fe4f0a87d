#!/usr/bin/env node
// `npm start`: runs the three built apps against the configured services and nothing else
// (SPEC §9). SIGINT/SIGTERM are passed on; it exits when all three have stopped.
const { spawn } = require('node:child_process');
const path = require('node:path');

const { readFileSync } = require('node:fs');

const apps = ['ingest', 'gate-api', 'staff-api'];

// With KAFKA_PRINCIPALS_FILE (name=password lines, as infra/kafka/dev-principals.properties; `npm run up`
// sets it for the local broker), each app logs in to Kafka as the principal named after it, so that the
// broker's ACLs apply to each (docs/kafka.md). Without it, every app gets the same KAFKA_SASL_* as given.
function kafkaLogin(app) {
  const file = process.env.KAFKA_PRINCIPALS_FILE;
  if (!file) return {};
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${app}=`));
  if (!line) throw new Error(`${file} has no principal named ${app}`);
  return { KAFKA_SASL_USERNAME: app, KAFKA_SASL_PASSWORD: line.slice(app.length + 1).trim() };
}

const children = apps.map((app) => {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'apps', app, 'src', 'main.js')], {
    stdio: 'inherit',
    env: { ...process.env, ...kafkaLogin(app) },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${app} exited (${code ?? signal}); stopping the others\n`);
      stop('SIGTERM');
    }
    exitCode = Math.max(exitCode, code ?? 1);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
  return child;
});

let stopping = false;
let exitCode = 0;
function stop(signal) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}
process.on('SIGINT', () => stop('SIGTERM'));
process.on('SIGTERM', () => stop('SIGTERM'));
