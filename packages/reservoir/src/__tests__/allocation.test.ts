import { afterEach, describe, expect, it } from 'vitest';
import { createEsn, createReservoir, createRidge, matrix } from '@phaseflow/reservoir';

// Count typed-array constructions made through the global constructors while `f` runs: the
// reservoir loop must not allocate per time step, so the count may not grow with T.
const Original = globalThis.Float64Array;
let count = 0;
function counting<T>(f: () => T): T {
  count = 0;
  class Counted extends Original {
    static override [Symbol.hasInstance](v: unknown): boolean {
      return v instanceof Original;
    }
    constructor(...args: unknown[]) {
      super(...(args as [number]));
      count++;
    }
  }
  globalThis.Float64Array = Counted as unknown as Float64ArrayConstructor;
  try {
    return f();
  } finally {
    globalThis.Float64Array = Original;
  }
}
afterEach(() => {
  globalThis.Float64Array = Original;
});

const series = (T: number) =>
  matrix(
    T,
    1,
    Original.from({ length: T }, (_, i) => Math.sin(0.1 * i)),
  );

describe('no allocation per time step', () => {
  it('reservoir.run into a caller buffer, esn.run and esn.generate allocate the same for 10 and 2000 steps', async () => {
    const res = createReservoir({ units: 50, inputDim: 1, feedbackDim: 0, seed: 1 });
    // (The W·x kernel makes its tanh module at the first activation: once per reservoir, not per step.)
    res.run(series(1), { out: matrix(1, 50) });
    const counts: number[] = [];
    for (const T of [10, 2000]) {
      const U = series(T),
        out = matrix(T, 50);
      counting(() => res.run(U, { out }));
      counts.push(count);
    }
    expect(counts[1]).toBe(counts[0]);

    const esn = createEsn({ reservoir: { units: 50, inputDim: 1, seed: 2 } });
    await esn.fit(series(300), series(300), { trainer: createRidge({ ridge: 1e-6 }) });
    const run: number[] = [],
      gen: number[] = [];
    for (const T of [10, 2000]) {
      const U = series(T);
      counting(() => esn.run(U));
      run.push(count);
      counting(() => esn.generate(T));
      gen.push(count);
    }
    expect(run[1]).toBe(run[0]);
    expect(gen[1]).toBe(gen[0]);
  });
});
