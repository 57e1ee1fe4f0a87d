#!/usr/bin/env node
// Writes libs/contracts/asyncapi.yaml from the message classes (libs/contracts/src/asyncapi/generate.ts),
// through the built code in dist/ (`npm run build` first). `npm run contracts` runs it with the other
// generators; `node scripts/contracts-asyncapi.js --check` only says whether the committed file is current.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function generate() {
  const built = path.join(root, 'dist/libs/contracts/src/asyncapi/render.js');
  if (!fs.existsSync(built)) throw new Error(`${path.relative(root, built)} is missing: run npm run build first`);
  require('reflect-metadata');
  const { renderAsyncApiYaml, ASYNCAPI_PATH } = require(built);
  return { file: path.join(root, ASYNCAPI_PATH), text: renderAsyncApiYaml() };
}

/** Writes the document; returns the path written, relative to the repository. */
function write() {
  const { file, text } = generate();
  fs.writeFileSync(file, text);
  return path.relative(root, file);
}

/** True when the committed document is the generated one. */
function check() {
  const { file, text } = generate();
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text;
}

module.exports = { name: 'asyncapi', generate, write, check };

if (require.main === module) {
  if (process.argv.includes('--check')) {
    if (!check()) {
      console.error('libs/contracts/asyncapi.yaml differs from the generated document: run npm run contracts');
      process.exit(1);
    }
  } else console.log(`wrote ${write()}`);
}
