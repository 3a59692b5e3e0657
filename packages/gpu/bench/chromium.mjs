// Headless Chromium for the WebGL2 test and the bench's webgl2 column, with no network beyond
// localhost: bundle browser-test/page.ts with vite (browser-test/vite.config.mjs) into a temporary folder,
// serve it from node:http on 127.0.0.1, and open it in Debian's chromium driven by
// playwright-core (`executablePath`, never a downloaded browser). Without a GPU (and with
// --disable-gpu) Chromium's WebGL2 is ANGLE on SwiftShader's Vulkan: a CPU renderer.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pageDir = fileURLToPath(new URL('../browser-test/', import.meta.url));

/** The Chromium binary: PHASEFLOW_CHROMIUM, else Debian's /usr/bin/chromium. */
export const CHROMIUM = process.env.PHASEFLOW_CHROMIUM || '/usr/bin/chromium';

/** Launch flags: headless, no sandbox (CI runs as root), no GPU process, no background network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Why the browser path cannot run here, or undefined when it can. */
export async function browserUnavailable() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (CI installs Debian's chromium in .ci/run; PHASEFLOW_CHROMIUM names another binary)`;
  try {
    await import('playwright-core');
  } catch (e) {
    return `playwright-core does not load: ${e.message}`;
  }
  return undefined;
}

/** Bundle the page into `outDir` (page.js). */
export async function buildPage(outDir) {
  const { build } = await import('vite');
  await build({ configFile: join(pageDir, 'vite.config.mjs'), build: { outDir, emptyOutDir: true } });
}

const INDEX = '<!doctype html><meta charset="utf-8"><title>phaseflow gpu</title><script type="module" src="/page.js"></script>';

/**
 * Build, serve and open the page; resolves once `window.phaseflowGpu` exists. `close()` ends the
 * browser and the server and removes the temporary folder.
 */
export async function openGpuPage({ args = [], timeoutMs = 60_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'phaseflow-gpu-page-'));
  const www = join(dir, 'www');
  const t0 = performance.now();
  await buildPage(www);
  const buildMs = performance.now() - t0;
  const page_js = readFileSync(join(www, 'page.js'));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/' || path === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INDEX);
    else if (path === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(page_js);
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const { chromium } = await import('playwright-core');
  let context;
  try {
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      timeout: timeoutMs,
    });
  } catch (e) {
    server.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeoutMs);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page
    .waitForFunction(() => 'phaseflowGpu' in globalThis)
    .catch((e) => {
      throw new Error(`the page did not start: ${errors.join('; ') || e.message}`);
    });
  return {
    page,
    url,
    buildMs,
    errors,
    version: context.browser()?.version() ?? '',
    async close() {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
