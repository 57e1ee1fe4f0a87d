// Which sources dist/ was built from. `npm run build` ends with `node test/harness/dist-stamp.js write`,
// which records a digest of every build input in dist/source-stamp.json. The e2e, browser and faults
// projects start the built apps, and their global setup (built-apps-setup.ts) refuses a dist/ whose stamp
// does not match the sources, so that a test never passes against an older build. Plain JavaScript
// because the build runs it with node, before anything is compiled.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, 'source-stamp.json');

// What `npm run build` reads: apps/ and libs/ (the console's pages, styles and Vite config included)
// except the unit and integration tests that swc leaves out; the compiler settings; the locked
// dependency versions; and the build command itself.
const SOURCE_DIRS = ['apps', 'libs'];
const SOURCE_FILES = ['.swcrc', 'tsconfig.json', 'package-lock.json'];
const NOT_BUILT = /\.(spec|int-spec)\.ts$/;

const digest = (content) => createHash('sha256').update(content).digest('hex');

/** The digest of each build input, by path from the repository root. */
function sourceDigests() {
  const digests = {};
  const visit = (dir) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(file);
      } else if (entry.isFile() && !NOT_BUILT.test(entry.name)) {
        digests[file] = digest(fs.readFileSync(path.join(ROOT, file)));
      }
    }
  };
  SOURCE_DIRS.forEach(visit);
  for (const file of SOURCE_FILES) digests[file] = digest(fs.readFileSync(path.join(ROOT, file)));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  digests['package.json (scripts.build)'] = digest(pkg.scripts.build);
  return digests;
}

function writeStamp() {
  if (!fs.existsSync(DIST)) throw new Error('dist/ does not exist: the stamp is written after the build');
  fs.writeFileSync(STAMP, `${JSON.stringify({ sources: sourceDigests() }, null, 1)}\n`);
}

/** Why dist/ cannot be tested, or null when it was built from the sources as they are now. */
function staleDistReason() {
  const rebuild = 'run npm run build';
  if (!fs.existsSync(DIST)) return `dist/ does not exist: ${rebuild}`;
  if (!fs.existsSync(STAMP))
    return `dist/ has no source stamp (dist/source-stamp.json), so its age is unknown: ${rebuild}`;
  const built = JSON.parse(fs.readFileSync(STAMP, 'utf8')).sources ?? {};
  const now = sourceDigests();
  const changed = [...new Set([...Object.keys(built), ...Object.keys(now)])].filter((f) => built[f] !== now[f]).sort();
  if (changed.length === 0) return null;
  const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ` and ${changed.length - 5} more` : '');
  return `dist/ is older than the sources: ${rebuild} (changed since the build: ${shown})`;
}

module.exports = { writeStamp, staleDistReason };

if (require.main === module) {
  if (process.argv[2] !== 'write') {
    process.stderr.write('usage: node test/harness/dist-stamp.js write\n');
    process.exit(2);
  }
  writeStamp();
}
