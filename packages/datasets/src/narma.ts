import { checkAllocation, checkOptions, createRandom, PhaseflowError } from '@phaseflow/core';
import { seedArg, sizeArg } from './internal/args.js';
import type { RegressionSet } from './types.js';

/** Options of {@link narma}. */
export interface NarmaOptions {
  /** Number of (input, target) pairs kept (default 2000). */
  readonly n?: number;
  /** Memory N of the system (default 10). */
  readonly order?: number;
  /** Leading pairs discarded, so the start-up from y = 0 is not in the data (default 200). */
  readonly transient?: number;
  readonly seed?: number;
}

/**
 * The NARMA-N benchmark (Atiya & Parlos 2000; Jaeger 2003), with u(k) ~ U[0, 0.5] i.i.d.:
 * y(k+1) = 0.3 y(k) + 0.05 y(k) Σ_{i=0}^{N−1} y(k−i) + 1.5 u(k−N+1) u(k) + 0.1, y = 0 before
 * the start. Row k of the result is x = u(k), y = y(k+1). A series that diverges (possible,
 * rarely, for long runs) fails with NON_FINITE_STATE rather than returning Infinity.
 *
 * @example
 * ```ts
 * const { x: u, y } = narma({ n: 1000, seed: 4 }); // NARMA-10
 * ```
 */
export function narma(options: NarmaOptions = {}): RegressionSet {
  const o = checkOptions('options', options, ['n', 'order', 'transient', 'seed']);
  const n = sizeArg('options.n', o.n, 2000);
  const order = sizeArg('options.order', o.order, 10);
  const transient = sizeArg('options.transient', o.transient, 200, 0);
  const rng = createRandom(seedArg(o.seed));
  const total = n + transient;
  checkAllocation(o.transient !== undefined && transient > n ? 'options.transient' : 'options.n', 2 * total + 1, 8);
  const u = new Float64Array(total);
  for (let k = 0; k < total; k++) u[k] = 0.5 * rng.uniform();
  const y = new Float64Array(total + 1); // y[k] = y(k); y(0) = 0
  for (let k = 0; k < total; k++) {
    let sum = 0;
    for (let i = 0; i < order && k - i >= 0; i++) sum += y[k - i]!;
    const uLag = k - order + 1 >= 0 ? u[k - order + 1]! : 0;
    const next = 0.3 * y[k]! + 0.05 * y[k]! * sum + 1.5 * uLag * u[k]! + 0.1;
    if (!Number.isFinite(next)) {
      throw new PhaseflowError('NON_FINITE_STATE', `NARMA-${order} diverged at step ${k + 1}; try another seed or a shorter series`, { step: k + 1 });
    }
    y[k + 1] = next;
  }
  return {
    kind: 'regression',
    name: `narma${order}`,
    x: u.slice(transient),
    y: y.slice(transient + 1),
    n,
    dim: 1,
    outDim: 1,
  };
}

/**
 * NARMA-10: {@link narma} with N = 10, the standard reservoir-computing memory task.
 *
 * @example
 * ```ts
 * const data = narma10({ n: 2000, seed: 1 });
 * ```
 */
export function narma10(options: Omit<NarmaOptions, 'order'> = {}): RegressionSet {
  const o = checkOptions('options', options, ['n', 'transient', 'seed']);
  return narma({ ...o, order: 10 });
}
