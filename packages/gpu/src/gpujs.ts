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

/** Call a kernel with untyped arguments (gpu.js's declared call signature is narrower than what it accepts). */
export function call(kernel: Kernel, args: readonly unknown[]): unknown {
  return (kernel as unknown as (...a: unknown[]) => unknown)(...args);
}
