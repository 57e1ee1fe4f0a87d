import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

// The staff console (/console/) and the public postings page (/postings/), built into
// dist/apps/staff-api/web and served by staff-api (apps/staff-api/src/console/serve-web.ts).
const web = fileURLToPath(new URL('.', import.meta.url));

/** Brotli and gzip copies of every page, script and style; staff-api sends them to browsers that accept them. */
function precompress(): Plugin {
  return {
    name: 'overload-credit:precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const file of Object.keys(bundle).filter((f) => /\.(js|css|html)$/.test(f))) {
        const target = path.join(options.dir!, file);
        const content = readFileSync(target);
        writeFileSync(
          `${target}.br`,
          brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(`${target}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: web,
  base: '/',
  publicDir: false,
  plugins: [precompress()],
  // Vite 8's own JSX transform (oxc), React's automatic runtime; no Babel.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../../dist/apps/staff-api/web', import.meta.url)),
    emptyOutDir: true,
    // ECharts is one lazy chunk of the dashboard; nothing else comes near this.
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      input: {
        console: fileURLToPath(new URL('console/index.html', import.meta.url)),
        postings: fileURLToPath(new URL('postings/index.html', import.meta.url)),
      },
    },
  },
  // `npm run console:dev`: pages from Vite with hot reload, the API from a staff-api on its default port.
  server: { proxy: { '/v1': 'http://127.0.0.1:3002' } },
});
