// The browser bundle of the WebGL2 test page (browser-test/page.ts): @phaseflow/* resolved to
// their sources through the `@phaseflow/source` condition (no build needed), gpu.js to its
// browser build through its package.json `browser` field. One ES module, unminified, no
// hashes: bench/chromium.mjs builds it into a temporary folder and serves it.
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  logLevel: 'warn',
  publicDir: false,
  resolve: { conditions: ['@phaseflow/source', ...defaultClientConditions] },
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    lib: { entry: 'page.ts', formats: ['es'], fileName: () => 'page.js' },
    target: 'es2022',
    minify: false,
    sourcemap: false,
    emptyOutDir: true,
    reportCompressedSize: false,
  },
});
