/**
 * gpu.js's webgpu backend in Node, where the `webgpu` package (Dawn) loads and gives an adapter
 * (a software adapter: PHASEFLOW_WEBGPU_FLAGS=backend=opengles, EGL_PLATFORM=surfaceless,
 * PHASEFLOW_WEBGPU_COMPAT=1; see bench/node-webgpu.mjs). Skipped with the reason where it
 * cannot be set up — on Debian 12 the webgpu 0.2.9 that gpu.js pins needs a newer libstdc++.
 */
import { describe, expect, it } from 'vitest';
import { FLOAT32_EPSILON, createBatchedIntegrator, useBestGpuBackend, type FieldVector } from '@phaseflow/gpu';
import { installNodeWebGpu } from '../../bench/node-webgpu.mjs';

const setup = await installNodeWebGpu();
const why = setup.ok ? `adapter: ${setup.adapter}` : `skipped: ${setup.reason}`;

describe(`webgpu in Node (${why})`, () => {
  it.skipIf(!setup.ok)('leapfrog on a pendulum grid through advanceAsync agrees with Float64 within ε₃₂·n', async () => {
    const backend = await useBestGpuBackend({ prefer: 'webgpu' });
    expect(backend.name).toBe('webgpu');
    expect(backend.asynchronous).toBe(true);
    const rows = Array.from({ length: 64 }, (_, m) => [0.5 + m / 64]);
    const batch = createBatchedIntegrator({
      method: 'leapfrog',
      field: { dVdq: (q: FieldVector, p: FieldVector) => [p[0] * Math.sin(q[0])] },
      dimension: 1,
      parameters: rows,
      backend,
    });
    const y0 = batch.state(rows.map((_, m) => [-2 + m / 16, 0]));
    const n = 400;
    const y = await batch.advanceAsync(0, y0, 0.05, n);
    const ref = batch.float64Reference().integrate(y0, { tEnd: 20, steps: n }).y.at(-1)!;
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(y.values[i]! - ref[i]!) / Math.max(1, Math.abs(ref[i]!)));
    expect(err).toBeLessThan(FLOAT32_EPSILON * n);
    batch.destroy();
    backend.destroy();
  });
});
