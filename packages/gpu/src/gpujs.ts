/**
 * The parts of gpu.js this package uses, typed where gpu.js 2.24.1's own declarations lag its
 * JavaScript (`input` is declared as a type; WebGPUKernel and the webasm settings are missing).
 */
import * as gpujs from 'gpu.js';
import type { GPU as GPUInstance, IKernelRunShortcut } from 'gpu.js';

const g = gpujs as unknown as {
  GPU: typeof gpujs.GPU;
  input(value: Float32Array, size: number[]): unknown;
  CPUKernel: abstract new (...a: never[]) => unknown;
  WebAssemblyKernel: abstract new (...a: never[]) => unknown;
  WebGL2Kernel: abstract new (...a: never[]) => unknown;
  HeadlessGLKernel: abstract new (...a: never[]) => unknown;
  WebGPUKernel: abstract new (...a: never[]) => unknown;
};

export const { GPU, input, CPUKernel, WebAssemblyKernel, WebGL2Kernel, HeadlessGLKernel, WebGPUKernel } = g;
export type GPU = GPUInstance;
export type Kernel = IKernelRunShortcut;

/** The kernel settings this package passes (a superset of gpu.js's declared IGPUKernelSettings). */
export interface KernelSettings {
  readonly output: number[];
  readonly returnType?: string;
  readonly argumentTypes?: Record<string, string>;
  readonly loopMaxIterations?: number;
  readonly tactic?: 'speed' | 'balanced' | 'precision';
  readonly precision?: 'single' | 'unsigned';
  readonly immutable?: boolean;
  readonly asyncMode?: boolean;
  readonly constants?: Record<string, number>;
}

/** gpu.createKernel from source text with the settings above. */
export function createKernel(gpu: GPUInstance, source: string | ((...a: never[]) => unknown), settings: KernelSettings): Kernel {
  return gpu.createKernel(source as string, settings as unknown as Parameters<GPUInstance['createKernel']>[1]);
}

/**
 * Ask a webasm kernel for its result as the flat Float32Array it computes (a fresh copy of its
 * output memory) instead of gpu.js's nested rows: shaping B rows of Array(k) allocates B typed
 * array views per launch (measured 23 ms of a 24 ms launch at B = 10⁵). Other backends keep
 * their shaped results; readers accept both. Returns true when the flat output is in place.
 */
export function preferFlatOutput(kernel: Kernel): boolean {
  const inner: unknown = (kernel as unknown as { kernel?: unknown }).kernel;
  if (!(inner instanceof WebAssemblyKernel)) return false;
  const k = inner as { _shapeOutput?: unknown };
  if (typeof k._shapeOutput !== 'function') return false;
  k._shapeOutput = (data: Float32Array) => data;
  return true;
}

/** Call a kernel with untyped arguments (gpu.js's declared call signature is narrower than what it accepts). */
export function call(kernel: Kernel, args: readonly unknown[]): unknown {
  return (kernel as unknown as (...a: unknown[]) => unknown)(...args);
}
