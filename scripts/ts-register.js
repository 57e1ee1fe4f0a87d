// Loads the TypeScript sources directly (the .swcrc transform, @oc/* aliases resolved), so that
// `npm run contracts` reads the DTOs and controllers as they are, without a build.
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const ROOT = path.resolve(__dirname, '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(ROOT, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = ROOT;
swcrc.sourceMaps = 'inline';

const compile = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcrc, filename, swcrc: false, configFile: false });
  module._compile(code, filename);
};
require.extensions['.ts'] = compile;
