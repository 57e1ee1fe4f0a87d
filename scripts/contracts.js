#!/usr/bin/env node
// `npm run contracts`: writes every published contract document from the code it describes
// (docs/integration.md). Each generator is one line here; `--check` writes nothing and fails when a
// committed document differs from what its generator makes now.
require('./ts-register');

const generators = [
  // openapi/gate-api.json, openapi/staff-api.json, openapi/ingest.json
  require('./contracts/openapi').openApiGenerator,
  // libs/contracts/asyncapi.yaml, from the built message classes (npm run build first)
  async () => {
    const { file, text } = require('./contracts-asyncapi').generate();
    return [{ file, content: text }];
  },
];

async function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const generator of generators) {
    for (const { file, content } of await generator()) {
      const path = require('node:path');
      const fs = require('node:fs');
      const relative = path.relative(path.resolve(__dirname, '..'), file);
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
      if (current === content) continue;
      if (check) {
        stale++;
        console.error(`${relative} differs from what its generator makes now: run npm run contracts`);
      } else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        console.log(`wrote ${relative}`);
      }
    }
  }
  if (stale) process.exit(1);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
