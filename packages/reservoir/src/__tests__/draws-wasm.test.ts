import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, restoreRandom, type Random } from '@phaseflow/core';
import { randomSparse } from '@phaseflow/reservoir';
import { DRAWS_WASM_BASE64 } from '../draws-wasm-bytes.js';
import { drawSparseWasm } from '../draws-wasm.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

const instance = () =>
  new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(DRAWS_WASM_BASE64), (c) => c.charCodeAt(0))), {
    env: { memory: new WebAssembly.Memory({ initial: 1 }) },
  }).exports as unknown as { log(x: number): number };

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

describe("randomSparse's WebAssembly draw loop", () => {
  it('is what assembly/draws.ts compiles to (src/draws-wasm-bytes.ts is not stale)', () => {
    const args = ['../../tools/build-wasm.mjs', 'assembly/draws.ts', 'src/draws-wasm-bytes.ts', 'DRAWS_WASM_BASE64', '--check'];
    expect(execFileSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8' })).toMatch(/matches/);
  }, 60_000);

  it("takes the logarithm bit for bit as Math.log does (fdlibm's, which is the engine's)", () => {
    const { log } = instance();
    const rng = createRandom(17);
    const words = new Uint32Array(2);
    const asDouble = new Float64Array(words.buffer);
    let mismatches = 0;
    const check = (x: number) => {
      if (!Object.is(log(x), Math.log(x))) mismatches++;
    };
    for (let i = 0; i < 100_000; i++) {
      check(1 - rng.uniform()); // the gaps' (0, 1]
      check(rng.uniform() * 1e-300); // subnormal and tiny
      check(1 + rng.uniform() * 2 ** -20); // |f| < 2⁻²⁰ and around it
      check(1 - rng.uniform() * 2 ** -20);
      words[0] = rng.uint32();
      words[1] = rng.uint32() % 0x7ff00000; // any finite positive double
      check(asDouble[0]!);
    }
    for (const x of [0, -0, 1, 2, 0.5, Infinity, -1, NaN, Number.MIN_VALUE, 2 ** -1022, 1 - 2 ** -53, 1 + 2 ** -52, Number.MAX_VALUE, Math.E]) check(x);
    expect(mismatches).toBe(0);
  });

  it('draws the JavaScript matrix and leaves the source where the JavaScript leaves it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(0.02, 0.1, 0.5, 1),
        fc.constantFrom('normal', 'uniform', 'bernoulli'),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.boolean(),
        (rows, cols, connectivity, distribution, scale, seed, heldSpare) => {
          const source = (): Random => {
            const r = createRandom(seed).fork('W');
            if (heldSpare) r.fillNormal(new Float64Array(1)); // an odd count: the pair's second deviate held
            return r;
          };
          const a = source(),
            b = source();
          const w = randomSparse({ rows, cols, connectivity, distribution, scale, seed: a });
          const j = randomSparse({ rows, cols, connectivity, distribution, scale, seed: b, kernel: 'js' });
          expect(sameBits(w.rowPtr, j.rowPtr) && sameBits(w.colIdx, j.colIdx) && sameBits(w.values, j.values)).toBe(true);
          expect(a.getState()).toEqual(b.getState());
          expect(a.normal()).toBe(b.normal()); // and the streams go on alike
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });

  it('gives the reservoir-sized matrix of a seed the same bits (500 units, 10 %)', () => {
    const w = randomSparse({ rows: 500, cols: 500, connectivity: 0.1, seed: 3 });
    const j = randomSparse({ rows: 500, cols: 500, connectivity: 0.1, seed: 3, kernel: 'js' });
    expect(w.values.length).toBeGreaterThan(24_000);
    expect(sameBits(w.values, j.values) && sameBits(w.colIdx, j.colIdx) && sameBits(w.rowPtr, j.rowPtr)).toBe(true);
  });

  it('runs here, and declines (the source untouched) without room or with a source of the caller’s own', () => {
    const r = restoreRandom(createRandom(8).getState());
    const before = r.getState();
    expect(drawSparseWasm(r, 50, 50, 0.5, Math.log1p(-0.5), 'normal', 1, 10)).toBeNull();
    expect(r.getState()).toEqual(before);
    expect(drawSparseWasm(r, 50, 50, 0.5, Math.log1p(-0.5), 'normal', 1, 2500)).not.toBeNull();
    expect(r.getState()).not.toEqual(before);
    const own: Random = { ...createRandom(8) }; // the methods of a source, but not one of core's objects
    expect(drawSparseWasm(own, 5, 5, 0.5, Math.log1p(-0.5), 'normal', 1, 25)).toBeNull();
  });
});
