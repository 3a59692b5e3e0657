import { afterAll, describe, expect, it } from 'vitest';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { KNOWN_GPU_BACKENDS, chooseGpuBackend, createBatchedIntegrator, useBestGpuBackend, type GpuBackend } from '@phaseflow/gpu';

const started: GpuBackend[] = [];
const keep = (b: GpuBackend) => (started.push(b), b);
afterAll(() => started.forEach((b) => b.destroy()));

describe('backend choice in Node', () => {
  it('tries webgpu → webgl2 → headlessgl → webasm and runs on webasm, saying why the others were skipped', () => {
    const b = keep(chooseGpuBackend());
    expect(b.name).toBe('webasm');
    expect(b.runtime).toBe('node');
    expect(b.float32).toBe(true);
    expect(b.asynchronous).toBe(false);
    expect(b.tried).toEqual(['webgpu', 'webgl2', 'headlessgl', 'webasm']);
    expect(Object.keys(b.skipped)).toEqual(['webgpu', 'webgl2', 'headlessgl']);
    expect(b.skipped.webgpu).toMatch(/asynchronous/);
    expect(b.skipped.webgl2).toMatch(/no WebGL2 context in Node/);
    expect(b.skipped.headlessgl).toMatch(/`gl`/);
  });

  it('useBestGpuBackend probes webgpu first and reports why it is absent here', async () => {
    const b = keep(await useBestGpuBackend());
    expect(b.name).toBe('webasm');
    expect(b.tried).toEqual(['webgpu', 'webgl2', 'headlessgl', 'webasm']);
    expect(b.skipped.webgpu).toMatch(/navigator\.gpu is absent in Node/);
  });

  it('runs on cpu when cpu is asked for, and the kernels it builds run there', () => {
    const b = keep(chooseGpuBackend({ prefer: 'cpu' }));
    expect(b.name).toBe('cpu');
    expect(b.tried).toEqual(['cpu']);
    const batch = createBatchedIntegrator({ method: 'euler', field: (_t, y, p) => [-p[0] * y[0]], dimension: 1, parameters: [[1], [2]], backend: b });
    expect(batch.runsOn).toBe('cpu');
    expect(batch.fallbackReason).toBeUndefined();
    expect(batch.readback).toBe('rows');
    batch.destroy();
  });

  it('builds webasm kernels that stay on webasm (no silent degradation to cpu)', () => {
    const batch = createBatchedIntegrator({
      method: 'rk4',
      field: (_t, y, p) => [y[1], -p[0] * Math.sin(y[0])],
      dimension: 2,
      parameters: [[1], [2]],
      backend: 'webasm',
    });
    expect(batch.backend.name).toBe('webasm');
    expect(batch.runsOn).toBe('webasm');
    // One flat copy per launch instead of B row views (the shape gpu.js 2.24's webasm kernel has).
    expect(batch.readback).toBe('flat');
    batch.backend.destroy();
  });

  it('a preference list goes first, then the default order', () => {
    const b = keep(chooseGpuBackend({ prefer: ['cpu', 'webasm'] }));
    expect(b.name).toBe('cpu');
    expect(KNOWN_GPU_BACKENDS).toEqual(['webgpu', 'webgl2', 'headlessgl', 'webasm', 'cpu']);
  });

  it('a single backend that cannot start is a hard failure naming every reason', () => {
    const e = expectPhaseflowError(() => chooseGpuBackend({ prefer: 'webgl2' }), 'NOT_AVAILABLE', 'options.prefer');
    expect(e.message).toMatch(/webgl2: no WebGL2 context/);
    expectPhaseflowError(() => chooseGpuBackend({ prefer: 'webgpu' }), 'NOT_AVAILABLE', 'options.prefer');
  });

  it('rejects unknown names, options and shapes', async () => {
    expectPhaseflowError(() => chooseGpuBackend({ prefer: 'cuda' as never }), 'NOT_AVAILABLE', 'options.prefer');
    expectPhaseflowError(() => chooseGpuBackend({ prefer: ['cpu', 'metal'] as never }), 'NOT_AVAILABLE', 'options.prefer[1]');
    expectPhaseflowError(() => chooseGpuBackend({ prefer: 3 as never }), 'INVALID_ARGUMENT', 'options.prefer');
    expectPhaseflowError(() => chooseGpuBackend({ mode: 'cpu' } as never), 'UNKNOWN_OPTION', 'options.mode');
    await expect(useBestGpuBackend({ prefer: 'headlessgl' })).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
  });
});
