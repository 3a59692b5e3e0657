#!/usr/bin/env node
// Does the wasm backend start in a Vite build and on Vite's dev server, set up as the
// @phaseflow/tfjs README says ("Bundlers and the wasm backend")? Builds main.ts with Vite
// (@phaseflow/* from their TypeScript sources), serves it with `vite preview` and with the dev
// server, opens each page in headless Chromium and checks what useBestBackend did there:
//   - without wasmPaths: BACKEND_INIT_FAILED naming the URL it looked at (the page's folder);
//   - a wrong folder: BACKEND_INIT_FAILED naming it (the server answers with its HTML page);
//   - then, in the same page, the .wasm files copied to a static folder: wasm runs (a retry);
//   - the three ?url imports as a file map: wasm runs.
// Prints one JSON document; exits 1 when a check fails. Needs Chromium (CHROMIUM=path, default
// /usr/bin/chromium) and the workspace's vite and playwright-core; skips with a note without them.
// Usage: node examples/tfjs/vite-wasm/check.mjs
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const skip = (why) => {
  console.log(JSON.stringify({ skipped: why }));
  process.exit(0);
};
if (!existsSync(chromiumPath)) skip(`no Chromium at ${chromiumPath} (set CHROMIUM)`);
const load = async (name) => import(name).catch(() => skip(`${name} is not installed in this workspace`));
const vite = await load('vite');
const { chromium } = await load('playwright-core');

const scratch = mkdtempSync(join(tmpdir(), 'phaseflow-vite-wasm-'));
const publicDir = join(scratch, 'public');
const outDir = join(scratch, 'dist');
// The README's first recipe: the three binaries copied to the static folder, served at /tfjs-wasm/.
const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
mkdirSync(join(publicDir, 'tfjs-wasm'), { recursive: true });
for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDist, f), join(publicDir, 'tfjs-wasm', f));

const conditions = ['@phaseflow/source'];
const common = { root: here, publicDir, configFile: false, logLevel: 'error', resolve: { conditions } };
const results = {};
let failed = false;
const expect = (where, ok, what) => {
  if (!ok) {
    failed = true;
    console.error(`${where}: ${what}`);
  }
};

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  await vite.build({ ...common, build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 } });
  const preview = await vite.preview({ ...common, build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const dev = await vite.createServer({ ...common, server: { host: '127.0.0.1', port: 0, hmr: false } });
  await dev.listen();
  try {
    for (const [server, origin] of [
      ['preview', preview.resolvedUrls.local[0]],
      ['dev', dev.resolvedUrls.local[0]],
    ]) {
      for (const mode of ['public', 'url']) {
        const page = await browser.newPage();
        await page.goto(`${origin}?mode=${mode}`);
        await page.waitForFunction(() => globalThis.document.title === 'done', null, { timeout: 180_000 });
        const log = JSON.parse(await page.textContent('#out'));
        await page.close();
        const where = `${server} ${mode}`;
        results[where] = log;
        if (mode === 'public') {
          const [byDefault, wrong, copied] = log;
          expect(
            where,
            byDefault?.code === 'BACKEND_INIT_FAILED' && byDefault.looked?.[0]?.startsWith(origin),
            'no wasmPaths: BACKEND_INIT_FAILED naming a URL in the page folder',
          );
          expect(
            where,
            wrong?.code === 'BACKEND_INIT_FAILED' && wrong.looked?.[0]?.startsWith(new URL('/nope/', origin).href),
            'a wrong folder: BACKEND_INIT_FAILED naming it',
          );
          expect(where, copied?.name === 'wasm' && copied.sum === 24, 'the copied files, retried in the same page: wasm runs');
        } else {
          expect(where, log[0]?.name === 'wasm' && log[0].sum === 24, 'the ?url file map: wasm runs');
        }
      }
    }
  } finally {
    await dev.close();
    await new Promise((resolve) => preview.httpServer.close(resolve));
  }
} finally {
  await browser.close();
  rmSync(scratch, { recursive: true, force: true });
}
console.log(JSON.stringify({ vite: vite.version, ok: !failed, results }, null, 1));
process.exit(failed ? 1 : 0);
