/**
 * @internal randomSparse's draw loop as a WebAssembly module, compiled from AssemblyScript
 * (assembly/draws.ts: core's xoshiro128** and polar method and fdlibm's logarithm, which is the
 * engine's Math.log, operation for operation): the same matrix and the same generator position
 * afterwards as the JavaScript loop of init.ts (tested). The engine compiles the module before
 * its first call, where it runs a fresh process's JavaScript loop unoptimised for a while.
 *
 * Process-global state: the compiled `WebAssembly.Module` (or the finding that WebAssembly is
 * unavailable) is cached per realm; each call has its own memory and instance.
 */
import { randomDraws, type Random } from '@phaseflow/core';
import type { CsrMatrix } from '@phaseflow/linalg';
import { DRAWS_WASM_BASE64 } from './draws-wasm-bytes.js';

interface DrawsExports {
  setState(a: number, b: number, c: number, d: number, held: number): void;
  stateWord(i: number): number;
  heldNormal(): number;
  sparse(
    rows: number,
    cols: number,
    p: number,
    logq: number,
    law: number,
    scale: number,
    rowPtr: number,
    colIdx: number,
    values: number,
    capacity: number,
  ): number;
}

let compiled: WebAssembly.Module | null | undefined;

function drawsModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'object' && typeof atob === 'function') {
      const bytes = Uint8Array.from(atob(DRAWS_WASM_BASE64), (c) => c.charCodeAt(0));
      if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    }
  } catch {
    compiled = null;
  }
  return compiled;
}

/** The laws' codes in the module. */
const LAW = { normal: 0, uniform: 1, bernoulli: 2 } as const;

/**
 * randomSparse's matrix drawn in the module from `random`'s position, which it then advances as
 * the JavaScript loop would; null (with `random` untouched) where the module cannot run, where
 * `random` is not one of core's own sources (its stream is then its own methods'), or where
 * more than `capacity` entries come (the caller draws again in JavaScript, which grows).
 */
export function drawSparseWasm(
  random: Random,
  rows: number,
  cols: number,
  p: number,
  logq: number,
  law: keyof typeof LAW,
  scale: number,
  capacity: number,
): CsrMatrix | null {
  if (randomDraws(random) === random) return null; // not a core source: no xoshiro128** state to take over
  const module = drawsModule();
  if (module === null) return null;
  const align = (b: number): number => Math.ceil(b / 64) * 64;
  const colIdx = align((rows + 1) * 4),
    values = colIdx + align(capacity * 4),
    end = values + capacity * 8;
  let exports: DrawsExports;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(end / 65536)) });
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as DrawsExports;
  } catch {
    return null;
  }
  const state = random.getState();
  const [a, b, c, d] = state.words;
  exports.setState(a, b, c, d, state.spareNormal ?? Number.NaN);
  const nnz = exports.sparse(rows, cols, p, logq, LAW[law], scale, 0, colIdx, values, capacity);
  if (nnz < 0) return null;
  const held = exports.heldNormal();
  random.setState({
    seed: state.seed,
    words: [exports.stateWord(0) >>> 0, exports.stateWord(1) >>> 0, exports.stateWord(2) >>> 0, exports.stateWord(3) >>> 0],
    spareNormal: Number.isNaN(held) ? null : held,
  });
  const buffer = memory.buffer;
  return {
    rows,
    cols,
    rowPtr: new Int32Array(buffer, 0, rows + 1).slice(),
    colIdx: new Int32Array(buffer, colIdx, nnz).slice(),
    values: new Float64Array(buffer, values, nnz).slice(),
  };
}
