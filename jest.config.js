const fs = require('node:fs');
const path = require('node:path');

// NestJS 12 and some of its dependencies ship ESM only. Node 20.19+ runs them through require(esm), but
// Jest's module loader does that only from Node 24.9, so under Jest they are compiled to CommonJS.
function esmOnlyPackages(root) {
  const found = [];
  const visit = (dir, scope) => {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (name.startsWith('.')) continue;
      if (!scope && name.startsWith('@')) {
        visit(path.join(dir, name), name);
        continue;
      }
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8'));
        if (pkg.type === 'module') found.push(scope ? `${scope}/${name}` : name);
      } catch {
        // not a package folder
      }
    }
  };
  visit(path.join(root, 'node_modules'));
  return found.map((n) => n.replace(/[.+]/g, '\\$&'));
}

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages(__dirname).join('|')})/)`],
  moduleNameMapper: { '^@oc/(.*)$': '<rootDir>/libs/$1/src' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
};

// A project's global setup and teardown run only when one of its tests is selected (and once per call
// when several projects name the same file): the unit tests need no service; the e2e, browser and
// faults projects start the built apps, and their setup first refuses a dist/ built from other sources.
const teardown = '<rootDir>/test/harness/global-teardown.ts';
const withServices = { ...shared, globalSetup: '<rootDir>/test/harness/global-setup.ts', globalTeardown: teardown };
const builtApps = { ...shared, globalSetup: '<rootDir>/test/harness/built-apps-setup.ts', globalTeardown: teardown };

/**
 * Three tiers (STYLE.md): unit beside the code, integration against real services, e2e through the apps;
 * and two suites of e2e tests of their own: the browser tests and the fault suite.
 */
module.exports = {
  // Integration and e2e tests wait for real services; each wait has its own, shorter deadline.
  testTimeout: 180000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...withServices,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      slowTestThreshold: 30,
    },
    { ...builtApps, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], slowTestThreshold: 60 },
    // The console and the public page in Debian's Chromium (docs/console.md): test/browser/*.browser-spec.ts.
    {
      ...builtApps,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      slowTestThreshold: 120,
    },
    // The published contracts (docs/integration.md): generated documents in step with the code, linted
    // (Spectral), validated against the running apps (Prism), the AsyncAPI parser, ajv and kcat on the
    // messages, generated clients and the examples. `npm run test:contracts`.
    {
      ...builtApps,
      displayName: 'contracts',
      testMatch: ['<rootDir>/test/contracts/**/*.contract-spec.ts'],
      slowTestThreshold: 60,
    },
    // Reliability under failure (docs/reliability.md): crashes, outages, hostile input. `npm run test:faults`.
    {
      ...builtApps,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      slowTestThreshold: 120,
    },
  ],
};
