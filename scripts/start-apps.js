#!/usr/bin/env node
// `npm start`: runs the three built apps against the configured services and nothing else
// (SPEC §9). SIGINT/SIGTERM are passed on; it exits when all three have stopped.
const { spawn } = require('node:child_process');
const path = require('node:path');

const apps = ['ingest', 'gate-api', 'staff-api'];
const children = apps.map((app) => {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'apps', app, 'src', 'main.js')], {
    stdio: 'inherit',
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
