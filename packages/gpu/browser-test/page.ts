/**
 * The page headless Chromium loads for the WebGL2 test and the bench's webgl2 column: bundled
 * by vite (browser-test/vite.config.mjs: the package sources through the `@phaseflow/source`
 * condition, gpu.js through its `browser` field, i.e. its browser build) and served on
 * localhost by bench/chromium.mjs. It exposes `window.phaseflowGpu` (see
 * {@link PhaseflowGpuPage}); every result it hands back is plain JSON.
 */
import { chooseGpuBackend, createBatchedIntegrator, type BatchedIntegrator, type BatchedState, type GpuBackend, type GpuBackendName } from '@phaseflow/gpu';
import { BROWSER_CASES } from './cases.js';
import { WORKLOADS } from '../bench/workloads.mjs';

/** What the page's WebGL2 context is, and which backend chooseGpuBackend() picks. */
export interface PageEnvironment {
  readonly userAgent: string;
  readonly webgl2: { readonly version: string; readonly renderer: string; readonly maxTextureSize: number; readonly colorBufferFloat: boolean } | null;
  readonly choice:
    { readonly name: string; readonly tried: readonly string[]; readonly skipped: Readonly<Record<string, string>> } | { readonly error: string };
}

/** One case run on a backend: the final states (float32 values as numbers), and where it ran. */
export interface PageCaseResult {
  readonly id: string;
  readonly backend: string;
  readonly runsOn: string;
  readonly fallbackReason: string | null;
  readonly values: number[];
  /** Build (zero-step launch: GLSL compile) and the n-step advance, in ms. */
  readonly buildMs: number;
  readonly advanceMs: number;
}

/** A bench workload built on a backend and warmed up (two steps), ready for {@link PhaseflowGpuPage.benchRun}. */
export interface PageBenchSetup {
  readonly runsOn: string;
  /** Building the kernels (gpu.js's GLSL and the driver's shader compile), in ms. */
  readonly buildMs: number;
}

/** The API the page exposes as `window.phaseflowGpu`. */
export interface PhaseflowGpuPage {
  environment(): PageEnvironment;
  caseIds(): string[];
  runCases(ids: readonly string[], backend: GpuBackendName): PageCaseResult[];
  /** Build the bench workload `system`/`method` (bench/workloads.mjs) for B members on a backend. */
  benchPrepare(workload: { system: string; method: string }, members: number, backend: GpuBackendName): PageBenchSetup;
  /** One `advance` of n steps of the prepared workload (upload, launches, readback), in ms of page time. */
  benchRun(steps: number): number;
  /** Release the prepared workload. */
  benchDone(): void;
}

function environment(): PageEnvironment {
  const gl = document.createElement('canvas').getContext('webgl2');
  let webgl2: PageEnvironment['webgl2'] = null;
  if (gl) {
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    webgl2 = {
      version: String(gl.getParameter(gl.VERSION)),
      renderer: String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
      maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
      colorBufferFloat: gl.getExtension('EXT_color_buffer_float') !== null,
    };
  }
  let choice: PageEnvironment['choice'];
  try {
    const b = chooseGpuBackend();
    choice = { name: b.name, tried: b.tried, skipped: b.skipped };
    b.destroy();
  } catch (e) {
    choice = { error: (e as Error).message };
  }
  return { userAgent: navigator.userAgent, webgl2, choice };
}

const backends = new Map<GpuBackendName, GpuBackend>();
const backendFor = (name: GpuBackendName): GpuBackend => {
  let b = backends.get(name);
  if (b === undefined) backends.set(name, (b = chooseGpuBackend({ prefer: name })));
  return b;
};

function runCases(ids: readonly string[], name: GpuBackendName): PageCaseResult[] {
  const backend = backendFor(name);
  return ids.map((id) => {
    const c = BROWSER_CASES.find((x) => x.id === id);
    if (c === undefined) throw new Error(`no case ${id}`);
    const t0 = performance.now();
    const batch = createBatchedIntegrator({ method: c.method, field: c.field, dimension: c.dimension, parameters: c.parameters, members: c.members, backend });
    const t1 = performance.now();
    const y = batch.advance(batch.problem, c.t0 ?? 0, batch.state(c.starts), c.h, c.n);
    const t2 = performance.now();
    const result = {
      id,
      backend: backend.name,
      runsOn: batch.runsOn,
      fallbackReason: batch.fallbackReason ?? null,
      values: Array.from(y.values),
      buildMs: t1 - t0,
      advanceMs: t2 - t1,
    };
    batch.destroy();
    return result;
  });
}

let prepared: { readonly batch: BatchedIntegrator; readonly y0: BatchedState; readonly h: number } | undefined;

function benchPrepare(key: { system: string; method: string }, B: number, name: GpuBackendName): PageBenchSetup {
  benchDone();
  const w = WORKLOADS.find((x) => x.system === key.system && x.method === key.method);
  if (w === undefined) throw new Error(`no workload ${key.system}/${key.method}`);
  const backend = backendFor(name);
  const t0 = performance.now();
  const batch = createBatchedIntegrator({ method: w.method, field: w.field, dimension: w.dimension, parameters: w.rows(B), backend });
  const buildMs = performance.now() - t0;
  const y0 = batch.state(w.start(B));
  batch.advance(batch.problem, 0, y0, w.h, 2);
  prepared = { batch, y0, h: w.h };
  return { runsOn: batch.runsOn, buildMs };
}

function benchRun(n: number): number {
  if (prepared === undefined) throw new Error('benchPrepare first');
  const { batch, y0, h } = prepared;
  const t0 = performance.now();
  batch.advance(batch.problem, 0, y0, h, n);
  return performance.now() - t0;
}

function benchDone(): void {
  prepared?.batch.destroy();
  prepared = undefined;
}

const api: PhaseflowGpuPage = { environment, caseIds: () => BROWSER_CASES.map((c) => c.id), runCases, benchPrepare, benchRun, benchDone };
(globalThis as unknown as { phaseflowGpu: PhaseflowGpuPage }).phaseflowGpu = api;
