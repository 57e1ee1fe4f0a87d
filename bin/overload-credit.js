#!/usr/bin/env node
// The operator CLI (SPEC §8). Built code lives in dist/; `npm run build` produces it.
require('../dist/apps/cli/src/main.js').runCli();
