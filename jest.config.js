const fs = require('node:fs');
const path = require('node:path');

// NestJS 12 and some of its dependencies ship ESM only. Node 20 runs them through require(esm), but
// Jest's module loader does that only from Node 24.9, so under Jest they are compiled to CommonJS.
function esmOnlyPackages(root) {
  const found = [];
  const visit = (dir, scope) => {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (name.startsWith('.')) continue;
      if (!scope && name.startsWith('@')) { visit(path.join(dir, name), name); continue; }
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8'));
        if (pkg.type === 'module') found.push(scope ? `${scope}/${name}` : name);
      } catch { /* not a package */ }
    }
  };
  visit(path.join(root, 'node_modules'));
  return found;
}
const esm = esmOnlyPackages(__dirname).map((n) => n.replace(/[.+]/g, '\\$&'));
const swc = ['@swc/jest', { module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esm.join('|')})/)`],
  moduleNameMapper: { '^@oc/(.*)$': '<rootDir>/libs/$1/src' },
  testMatch: ['**/*.spec.ts'],
};
