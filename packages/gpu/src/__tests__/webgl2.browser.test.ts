/**
 * The float32 contract on WebGL2: every explicit Runge–Kutta and splitting method
 * (browser-test/cases.ts: the fields, rows, starts and step counts of precision.test.ts) run by
 * gpu.js's webgl2 backend in headless Chromium, compared with the family's Float64 integrator
 * computed here in Node, under the same tolerance as on webasm and cpu: the largest component
 * difference relative to max(1, |y|) is at most C · ε₃₂ · n after n steps, C = 1.
 *
 * A last test checks that the GLSL compiler kept the Kahan compensation of the state updates
 * (a fast-math reassociation would cancel it).
 *
 * The page is bundled by vite and served on 127.0.0.1 from this test (bench/chromium.mjs);
 * Chromium is Debian's, driven by playwright-core. Without a GPU, Chromium's WebGL2 is ANGLE on
 * SwiftShader (a CPU Vulkan), so this checks gpu.js's GLSL path and our kernels on it, not speed.
 * Skipped, with the reason, where /usr/bin/chromium (or PHASEFLOW_CHROMIUM) is absent; CI
 * installs it in .ci/run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOAT32_EPSILON, createBatchedIntegrator } from '@phaseflow/gpu';
import { BROWSER_CASES } from '../../browser-test/cases.js';
import { CHROMIUM, browserUnavailable, openGpuPage, type GpuPage } from '../../bench/chromium.mjs';
import type { PageCaseResult, PageEnvironment, PhaseflowGpuPage } from '../../browser-test/page.js';

const C = 1;
const unavailable = await browserUnavailable();
const ids = BROWSER_CASES.map((c) => c.id);

let gpuPage: GpuPage | undefined;
let environment: PageEnvironment;
const results = new Map<string, PageCaseResult>();
const measured: Record<string, number> = {};
let compensated: number | undefined;

declare const phaseflowGpu: PhaseflowGpuPage;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  gpuPage = await openGpuPage();
  environment = await gpuPage.page.evaluate(() => phaseflowGpu.environment());
  const ran = await gpuPage.page.evaluate((list) => phaseflowGpu.runCases(list, 'webgl2'), ids);
  for (const r of ran) results.set(r.id, r);
}, 180_000);

afterAll(async () => {
  await gpuPage?.close();
  if (Object.keys(measured).length > 0) {
    const worst = Object.entries(measured).sort((a, b) => b[1] - a[1]);
    console.info(
      `webgl2 (${environment.webgl2?.renderer}): max error ${worst[0]![1].toFixed(4)} ε₃₂·n (${worst[0]![0]}); ` +
        (compensated === undefined ? '' : `compensated sum of 4096 increments ${compensated.toFixed(3)} ε₃₂; `) +
        worst.map(([id, e]) => `${id} ${e.toFixed(4)}`).join(', '),
    );
  }
});

/** max_i |a_i − b_i| / max(1, |b_i|), in units of ε₃₂ · n. */
function errorInEpsN(a: readonly number[], b: Float64Array, n: number): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return e / (FLOAT32_EPSILON * n);
}

describe(`webgl2 in headless Chromium (${unavailable === undefined ? CHROMIUM : `skipped: ${unavailable}`})`, () => {
  it.skipIf(unavailable !== undefined)('the page has a WebGL2 context and chooseGpuBackend() picks webgl2 there', () => {
    expect(environment.webgl2).not.toBeNull();
    expect(environment.webgl2!.version).toMatch(/^WebGL 2\.0/);
    expect(environment.choice).toMatchObject({ name: 'webgl2', tried: ['webgpu', 'webgl2'] });
    expect(gpuPage!.errors).toEqual([]);
  });

  it.skipIf(unavailable !== undefined).each(ids)('%s on webgl2 agrees with Float64 within ε₃₂·n', (id) => {
    const c = BROWSER_CASES.find((x) => x.id === id)!;
    const r = results.get(id)!;
    expect(r.backend).toBe('webgl2');
    expect(r.runsOn).toBe('webgl2');
    expect(r.fallbackReason).toBeNull();
    const reference = createBatchedIntegrator({
      method: c.method,
      field: c.field,
      dimension: c.dimension,
      parameters: c.parameters,
      members: c.members,
      backend: 'cpu',
    });
    const y0 = reference.state(c.starts);
    const t0 = c.t0 ?? 0;
    const expected = reference
      .float64Reference()
      .integrate(y0, { t0, tEnd: t0 + c.n * c.h, steps: c.n })
      .y.at(-1)!;
    reference.backend.destroy();
    const e = errorInEpsN(r.values, expected, c.n);
    measured[id] = e;
    expect(e).toBeLessThan(C);
  });

  it.skipIf(unavailable !== undefined)(
    'the GLSL kernels keep the Kahan compensation: 4096 small increments stay within 4 ε₃₂ (plain float32 drifts by > 50 ε₃₂)',
    () => {
      const r = results.get('euler/compensated-sum')!;
      const n = 4096;
      const h = 1e-3;
      let naive = Math.fround(1);
      for (let j = 0; j < n; j++) naive = Math.fround(naive + Math.fround(Math.fround(h) * Math.fround(0.1)));
      const exact = [1 + n * h * 0.1, 1 + n * h * 0.3];
      expect(Math.abs(naive - exact[0]!) / exact[0]! / FLOAT32_EPSILON).toBeGreaterThan(50);
      const e = exact.map((x, m) => Math.abs(r.values[m]! - x) / x / FLOAT32_EPSILON);
      compensated = Math.max(...e);
      for (const x of e) expect(x).toBeLessThan(4);
    },
  );
});
