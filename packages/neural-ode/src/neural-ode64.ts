/**
 * The Float64 twin of a neural ODE layer: the same field and weights in double precision, with
 * the same three gradient modes (back-propagation through the solver on a traced Float64 tape,
 * the continuous adjoint, reversible reconstruction) — the reference the float32 layer and
 * finite differences are checked against.
 */
import { checkInteger, checkOneOf, invalid, type AnyIntegrator } from '@phaseflow/core';
import {
  GRADIENT_MODES,
  adjointBackward,
  createTape,
  reversibleBackward,
  solveForward,
  type FieldBackend,
  type GradientMode,
  type Schedule,
  type Tape,
  type Traced,
} from '@phaseflow/adjoint';
import { float64Backend, type FieldSpec } from './field.js';

/** The Float64 twin of a `NeuralODE` (see `NeuralODE.float64`). */
export interface NeuralODE64 {
  /** θ (Float64), in the layer's weight order; writable. */
  readonly theta: Float64Array;
  /** States at the layer's output times for `rows` inputs x (rows × d): K arrays of rows × d. */
  forward(x: Float64Array, rows: number): Float64Array[];
  /**
   * L and ∂L/∂θ, ∂L/∂x for L = Σₖ loss(k, y(tₖ)) given ∂loss/∂y(tₖ) by `cotangent(k, y)`.
   * Returns the gradient by the chosen mode.
   */
  gradients(
    x: Float64Array,
    rows: number,
    cotangent: (k: number, y: Float64Array) => Float64Array,
    mode: GradientMode,
  ): { gradient: Float64Array; dx: Float64Array; tapeLength: number };
}

/** @internal The twin over a copy of the layer's weights. */
export function createNeuralOde64(
  spec: FieldSpec,
  dim: number,
  augment: number,
  integrator: AnyIntegrator,
  schedule: (times: readonly number[]) => Schedule,
  times: readonly number[],
  weights: Float64Array[],
): NeuralODE64 {
  const P = weights.reduce((n, w) => n + w.length, 0);
  const theta = new Float64Array(P);
  let off = 0;
  for (const w of weights) {
    theta.set(w, off);
    off += w.length;
  }
  const D = spec.D;
  const pad = (x: Float64Array, rows: number) => {
    if (x.length !== rows * dim) invalid('x', `rows × ${dim} = ${rows * dim} numbers`, x, 'SHAPE_MISMATCH');
    const y = new Float64Array(rows * D);
    for (let r = 0; r < rows; r++) y.set(x.subarray(r * dim, (r + 1) * dim), r * D);
    return y;
  };
  const cut = (y: Float64Array, rows: number) => {
    const out = new Float64Array(rows * dim);
    for (let r = 0; r < rows; r++) out.set(y.subarray(r * D, r * D + dim), r * dim);
    return out;
  };
  const sched = schedule(times);
  const run = (x: Float64Array, rows: number, tape: Tape, gTheta: Float64Array) => {
    const be: FieldBackend<Traced> = float64Backend(spec, integrator, theta, rows, tape, gTheta);
    const y0 = tape.leaf(pad(x, rows));
    return { be, y0, ...solveForward(be, y0, sched) };
  };
  return {
    theta,
    forward(x, rows) {
      checkInteger('rows', rows, { min: 1 });
      const { states } = run(x, rows, createTape(), new Float64Array(P));
      return states.map((s) => cut(s.v, rows));
    },
    gradients(x, rows, cotangent, mode) {
      checkInteger('rows', rows, { min: 1 });
      checkOneOf('mode', mode, GRADIENT_MODES);
      const tape = createTape();
      const gTape = new Float64Array(P);
      const { be, y0, states } = run(x, rows, tape, gTape);
      const cots = states.map((s, k) => {
        const g = cotangent(k, cut(s.v, rows));
        if (g.length !== rows * dim) invalid(`cotangent(${k})`, `rows × ${dim} numbers`, g, 'SHAPE_MISMATCH');
        return pad(g, rows);
      });
      const tapeLength = tape.length;
      if (mode === 'backprop') {
        states.forEach((s, k) => (s.g = cots[k]));
        tape.backward();
        return { gradient: gTape, dx: cut(y0.g ?? new Float64Array(rows * D), rows), tapeLength };
      }
      const traced = cots.map((c) => tape.leaf(c));
      const { dy0, dtheta } = mode === 'adjoint' ? adjointBackward(be, states, traced, sched) : reversibleBackward(be, states, traced, sched);
      return { gradient: dtheta.v, dx: cut(dy0.v, rows), tapeLength };
    },
  };
}
