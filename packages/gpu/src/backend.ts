/**
 * Backend choice: which gpu.js backend runs here, tried in the order webgpu → webgl2 →
 * headlessgl → webasm → cpu, with the reason each one before the chosen backend was passed
 * over. Every gpu.js backend computes in float32 (cpu included).
 */
import { CPUKernel, GPU, HeadlessGLKernel, WebAssemblyKernel, WebGL2Kernel, WebGPUKernel, call, createKernel } from './gpujs.js';
import { PhaseflowError, checkOptions, describeValue, invalid } from '@phaseflow/core';

/**
 * The gpu.js backends phaseflow chooses between, best first.
 *
 * @example
 * ```ts
 * const backend = chooseGpuBackend({ prefer: KNOWN_GPU_BACKENDS.filter((b) => b !== 'webasm') });
 * ```
 */
export const KNOWN_GPU_BACKENDS = ['webgpu', 'webgl2', 'headlessgl', 'webasm', 'cpu'] as const;

/** A backend name: one of {@link KNOWN_GPU_BACKENDS}. */
export type GpuBackendName = (typeof KNOWN_GPU_BACKENDS)[number];

/** Options of {@link chooseGpuBackend} and {@link useBestGpuBackend}. */
export interface GpuBackendOptions {
  /**
   * Backend(s) to try first, in order. A single name is a hard request: when it cannot start,
   * the call fails with NOT_AVAILABLE instead of falling back. A list is tried in order, then
   * the default order.
   */
  readonly prefer?: GpuBackendName | readonly GpuBackendName[];
}

/** A gpu.js instance on one backend, and how it was chosen. */
export interface GpuBackend {
  /** The backend that ran the probe kernel (not merely the one asked for). */
  readonly name: GpuBackendName;
  /** The gpu.js instance every kernel of this package built on this backend belongs to. */
  readonly gpu: GPU;
  /** `node` or `browser`. */
  readonly runtime: 'node' | 'browser';
  /** The candidates in the order they were tried. */
  readonly tried: readonly string[];
  /** Why each candidate tried before the chosen one was passed over. */
  readonly skipped: Readonly<Record<string, string>>;
  /** Always true: every gpu.js backend computes in float32. */
  readonly float32: true;
  /** True on webgpu, whose kernel calls return Promises: there only the `*Async` entry points run. */
  readonly asynchronous: boolean;
  /** Release the gpu.js instance and every kernel built on it. */
  destroy(): void;
}

const isNode = (): boolean => {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
};

/** The backend a built gpu.js kernel actually runs on (gpu.js may degrade a kernel to cpu). */
export function kernelBackend(kernel: unknown): GpuBackendName | 'unknown' {
  const k = (kernel as { kernel?: unknown } | null)?.kernel ?? kernel;
  if (k instanceof WebGPUKernel) return 'webgpu';
  if (k instanceof WebGL2Kernel) return 'webgl2';
  if (k instanceof HeadlessGLKernel) return 'headlessgl';
  if (k instanceof WebAssemblyKernel) return 'webasm';
  if (k instanceof CPUKernel) return 'cpu';
  return 'unknown';
}

/** Why a backend cannot start here, or undefined when its platform check passes. */
function unsupported(name: GpuBackendName, runtime: 'node' | 'browser'): string | undefined {
  switch (name) {
    case 'webgpu':
      return GPU.isWebGPUSupported
        ? undefined
        : runtime === 'node'
          ? 'navigator.gpu is absent in Node (the `webgpu` package has to load and be exposed as navigator.gpu; see tools/device-check-gpu.sh)'
          : 'navigator.gpu is absent in this browser';
    case 'webgl2':
      return GPU.isWebGL2Supported
        ? undefined
        : runtime === 'node'
          ? 'no WebGL2 context in Node (browsers only; headless Chromium gives one through SwiftShader)'
          : 'this browser gave no WebGL2 context';
    case 'headlessgl':
      return GPU.isHeadlessGLSupported
        ? undefined
        : runtime === 'node'
          ? 'the optional native module `gl` is not installed or gave no context (its install downloads a prebuilt binary)'
          : 'headless-gl runs in Node only';
    case 'webasm':
      return GPU.isWebAssemblySupported ? undefined : 'WebAssembly is not available in this runtime';
    case 'cpu':
      return undefined;
  }
}

function probeKernel(gpu: GPU) {
  return createKernel(gpu, 'function (a) { return a[this.thread.x] * 2 + 1; }', { output: [4] });
}

const PROBE_INPUT = [1, 2, 3, 4];

function checkProbe(name: GpuBackendName, kernel: unknown, result: unknown): void {
  const values = Array.from(result as ArrayLike<number>);
  if (values.length !== 4 || values.some((v, i) => v !== 2 * PROBE_INPUT[i]! + 1)) {
    throw new Error(`the probe kernel returned ${JSON.stringify(values)} instead of [3,5,7,9]`);
  }
  const ran = kernelBackend(kernel);
  if (ran !== name) throw new Error(`gpu.js ran the probe kernel on ${ran}, not ${name}`);
}

function checkName(argument: string, name: unknown): GpuBackendName {
  if (typeof name !== 'string' || !(KNOWN_GPU_BACKENDS as readonly string[]).includes(name)) {
    throw new PhaseflowError('NOT_AVAILABLE', `${argument}: unknown backend ${describeValue(name)}; known backends are ${KNOWN_GPU_BACKENDS.join(', ')}`, {
      argument,
      expected: `one of ${KNOWN_GPU_BACKENDS.join(', ')}`,
      received: describeValue(name),
    });
  }
  return name as GpuBackendName;
}

function plan(options: GpuBackendOptions | undefined): { order: GpuBackendName[]; runtime: 'node' | 'browser' } {
  const o = checkOptions('options', options, ['prefer']);
  const strict = typeof o.prefer === 'string';
  let preferred: GpuBackendName[] = [];
  if (o.prefer !== undefined) {
    if (typeof o.prefer === 'string') preferred = [checkName('options.prefer', o.prefer)];
    else if (Array.isArray(o.prefer)) preferred = o.prefer.map((n, i) => checkName(`options.prefer[${i}]`, n));
    else invalid('options.prefer', 'a backend name or an array of backend names', o.prefer);
  }
  return { order: strict ? preferred : [...new Set([...preferred, ...KNOWN_GPU_BACKENDS])], runtime: isNode() ? 'node' : 'browser' };
}

function chosen(name: GpuBackendName, gpu: GPU, runtime: 'node' | 'browser', tried: string[], skipped: Record<string, string>): GpuBackend {
  return {
    name,
    gpu,
    runtime,
    tried,
    skipped,
    float32: true,
    asynchronous: name === 'webgpu',
    destroy: () => void gpu.destroy(),
  };
}

function none(order: readonly string[], runtime: string, skipped: Record<string, string>): never {
  const why = Object.entries(skipped)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  throw new PhaseflowError('NOT_AVAILABLE', `options.prefer: no gpu.js backend of ${order.join(', ')} could start here (${why})`, {
    argument: 'options.prefer',
    expected: `a backend that starts in ${runtime}`,
    received: order.join(', '),
  });
}

/** Start one synchronous backend: its gpu.js instance, or the reason it cannot start. */
function startSync(name: Exclude<GpuBackendName, 'webgpu'>, runtime: 'node' | 'browser'): GPU | string {
  const why = unsupported(name, runtime);
  if (why !== undefined) return why;
  let gpu: GPU | undefined;
  try {
    gpu = new GPU({ mode: name });
    const k = probeKernel(gpu);
    checkProbe(name, k, call(k, [PROBE_INPUT]));
    return gpu;
  } catch (e) {
    void gpu?.destroy();
    return e instanceof Error ? e.message : String(e);
  }
}

const WEBGPU_IS_ASYNC = 'asynchronous (kernel calls return Promises): use useBestGpuBackend and the *Async entry points';

/**
 * Pick the best synchronous gpu.js backend this runtime has and say which: webgl2 →
 * headlessgl → webasm → cpu. Each candidate must pass its platform check and run a probe
 * kernel on itself (gpu.js degrades some kernels to cpu silently; the probe catches that).
 * webgpu is skipped with its reason — its adapter probe and its kernels are asynchronous —
 * and asking for it by name fails: use {@link useBestGpuBackend} for it.
 * In Node without a GL context this is `webasm` (WebAssembly with f32x4 SIMD).
 *
 * @example
 * ```ts
 * const backend = chooseGpuBackend();              // { name: 'webasm', skipped: { webgpu: …, webgl2: …, headlessgl: … } }
 * const reference = chooseGpuBackend({ prefer: 'cpu' });
 * ```
 */
export function chooseGpuBackend(options?: GpuBackendOptions): GpuBackend {
  const { order, runtime } = plan(options);
  const tried: string[] = [];
  const skipped: Record<string, string> = {};
  for (const name of order) {
    tried.push(name);
    const started = name === 'webgpu' ? WEBGPU_IS_ASYNC : startSync(name, runtime);
    if (typeof started === 'string') skipped[name] = started;
    else return chosen(name, started, runtime, tried, skipped);
  }
  return none(order, runtime, skipped);
}

async function startWebGpu(runtime: 'node' | 'browser'): Promise<GPU | string> {
  const why = unsupported('webgpu', runtime);
  if (why !== undefined) return why;
  let gpu: GPU | undefined;
  try {
    if (!(await GPU.isWebGPUAvailable())) return 'navigator.gpu.requestAdapter() gave no adapter';
    gpu = new GPU({ mode: 'webgpu' });
    const k = probeKernel(gpu);
    checkProbe('webgpu', k, await call(k, [PROBE_INPUT]));
    return gpu;
  } catch (e) {
    void gpu?.destroy();
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * {@link chooseGpuBackend} with webgpu first: in a runtime with `navigator.gpu` an adapter is
 * requested and a probe kernel awaited. A webgpu backend has `asynchronous: true`: its
 * kernels return Promises, so batched integrators built on it run through `advanceAsync`
 * (core's synchronous `integrate` needs a synchronous backend).
 *
 * @example
 * ```ts
 * const backend = await useBestGpuBackend();       // webgpu in a browser with an adapter, else as chooseGpuBackend
 * console.log(backend.name, backend.skipped);
 * ```
 */
export async function useBestGpuBackend(options?: GpuBackendOptions): Promise<GpuBackend> {
  const { order, runtime } = plan(options);
  const tried: string[] = [];
  const skipped: Record<string, string> = {};
  for (const name of order) {
    tried.push(name);
    const started = name === 'webgpu' ? await startWebGpu(runtime) : startSync(name, runtime);
    if (typeof started === 'string') skipped[name] = started;
    else return chosen(name, started, runtime, tried, skipped);
  }
  return none(order, runtime, skipped);
}

/** A backend given directly, a name to start, or undefined for {@link chooseGpuBackend}'s choice. */
export function resolveBackend(argument: string, value: unknown): GpuBackend {
  if (value === undefined) return chooseGpuBackend();
  if (typeof value === 'string') return chooseGpuBackend({ prefer: checkName(argument, value) });
  if (value !== null && typeof value === 'object' && (value as GpuBackend).gpu instanceof GPU && typeof (value as GpuBackend).name === 'string') {
    return value as GpuBackend;
  }
  return invalid(argument, `a GpuBackend (from chooseGpuBackend / useBestGpuBackend) or one of ${KNOWN_GPU_BACKENDS.join(', ')}`, value);
}
