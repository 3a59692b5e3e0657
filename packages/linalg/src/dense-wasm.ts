/**
 * @internal The dense kernels of {@link generalEigen} and {@link spectralRadius} as a
 * WebAssembly module, compiled from AssemblyScript (assembly/dense.ts, each function the
 * TypeScript one line for line: the same bits). The engine compiles a WebAssembly module before
 * its first call, where it runs a fresh process's JavaScript unoptimised for a while — most of a
 * process's first reservoir build, before this module.
 *
 * Process-global state: the compiled `WebAssembly.Module` (or the finding that WebAssembly is
 * unavailable) is cached per realm, as the other kernels' are; each call has its own memory and
 * instance.
 */
import { DENSE_WASM_BASE64 } from './dense-wasm-bytes.js';

/** The module's functions: pointers are byte offsets into the instance's memory, indices count doubles. */
export interface DenseExports {
  eigen(H: number, V: number, re: number, im: number, ort: number, row: number, n: number, maxIterations: number): number;
  eigenUnfound(): number;
  norm(x: number, off: number, n: number): number;
  divideInto(out: number, o: number, x: number, d: number, n: number): void;
  leadingBlock(H: number, m: number, k: number, out: number): void;
  gramSchmidtPass(V: number, rows: number, n: number, w: number, h: number, c: number): void;
  combineRows(out: number, Q: number, V: number, q: number, k: number, n: number): void;
  projectHessenberg(H: number, m: number, Q: number, k: number, q: number, HQ: number): void;
  orthonormalInto(V: number, row: number, w: number, n: number): number;
}

/** An instance over its own memory, and the doubles of that memory (never grown: its views stay valid). */
export interface DenseInstance {
  readonly exports: DenseExports;
  readonly heap: Float64Array;
}

let compiled: WebAssembly.Module | null | undefined;

function denseModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'object' && typeof atob === 'function') {
      const bytes = Uint8Array.from(atob(DENSE_WASM_BASE64), (c) => c.charCodeAt(0));
      if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    }
  } catch {
    compiled = null;
  }
  return compiled;
}

/** An instance with memory for `doubles` doubles, or null where WebAssembly (or that memory) is unavailable. */
export function denseInstance(doubles: number): DenseInstance | null {
  const module = denseModule();
  if (module === null) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((doubles * 8) / 65536)) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return { exports: instance.exports as unknown as DenseExports, heap: new Float64Array(memory.buffer, 0, doubles) };
  } catch {
    return null;
  }
}
