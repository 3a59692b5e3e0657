/**
 * The Float64 twin of a neural ODE layer: the same field and weights in double precision, with
 * the same four gradient modes (back-propagation through the solver on a traced Float64 tape,
 * the continuous adjoint, reversible reconstruction, checkpointed back-propagation) — the
 * reference the float32 layer and finite differences are checked against, and a fast path for
 * small batches.
 */
import { checkFiniteArray, checkFunction, checkInteger, checkOneOf, invalid, type AnyIntegrator } from '@phaseflow/core';
import {
  GRADIENT_MODES,
  adjointBackward,
  backpropBytes,
  checkpointBackward,
  createTape,
  memoryBoundExceeded,
  planCheckpoints,
  reversibleBackward,
  solveForward,
  type GradientMode,
  type MemoryModel,
  type Schedule,
} from '@phaseflow/adjoint';
import { callCotangent } from './checks.js';
import { NO_TAPE, countingTape, float64Backend, type FieldSpec } from './field.js';

/** What {@link NeuralODE64.gradients} returns. */
export interface NeuralODE64Gradients {
  /** ∂L/∂θ, in θ's layout. */
  readonly gradient: Float64Array;
  /** ∂L/∂x (rows × d). */
  readonly dx: Float64Array;
  /** Operations recorded on the tape by the forward solve (0 outside `backprop`). */
  readonly tapeLength: number;
  /** Field evaluations (MLP forward passes, also inside vector–Jacobian products). */
  readonly evaluations: number;
  /** `checkpoint`: the spacing k chosen (every k-th state stored). */
  readonly every?: number;
}

/** The Float64 twin of a `NeuralODE` (see `NeuralODE.float64`). */
export interface NeuralODE64 {
  /** θ (Float64), in the layer's weight order; writable. */
  readonly theta: Float64Array;
  /** States at the layer's output times for `rows` inputs x (rows × d): K arrays of rows × d. */
  forward(x: Float64Array, rows: number): Float64Array[];
  /**
   * L and ∂L/∂θ, ∂L/∂x for L = Σₖ loss(k, y(tₖ)) given ∂loss/∂y(tₖ) by `cotangent(k, y)`.
   * Returns the gradient by the chosen mode. `backprop` and `checkpoint` honour the layer's
   * `memory.maxBytes` (bytes of tape), as the tensor layer does.
   */
  gradients(x: Float64Array, rows: number, cotangent: (k: number, y: Float64Array) => Float64Array, mode: GradientMode): NeuralODE64Gradients;
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
  maxBytes?: number,
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
    checkFiniteArray('x', x);
    checkInteger('rows', rows, { min: 1 });
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
  const stepBytesByRows = new Map<number, number>();
  /** Bytes of a state and of one step on the tape: one step measured on a counting tape. */
  const model = (y0: Float64Array, rows: number): MemoryModel => {
    let stepBytes = stepBytesByRows.get(rows);
    if (stepBytes === undefined) {
      const tape = countingTape();
      let evaluations = 0;
      const be = float64Backend(spec, integrator, theta, rows, tape, new Float64Array(P), () => evaluations++);
      be.step(sched.t0, tape.leaf(y0), sched.steps ? (sched.times[0]! - sched.t0) / sched.steps[0]! : 1e-3);
      stepBytes = tape.bytes + evaluations * be.evaluationBytes;
      stepBytesByRows.set(rows, stepBytes);
    }
    return { stateBytes: 8 * rows * D, stepBytes };
  };
  return {
    theta,
    forward(x, rows) {
      const y0 = pad(x, rows);
      const be = float64Backend(spec, integrator, theta, rows, NO_TAPE, new Float64Array(P));
      const { states } = solveForward(be, NO_TAPE.leaf(y0), sched);
      return states.map((s) => cut(s.v, rows));
    },
    gradients(x, rows, cotangent, mode) {
      const y0v = pad(x, rows);
      checkFunction('cotangent', cotangent);
      checkOneOf('mode', mode, GRADIENT_MODES);
      if (mode === 'reversible' && (!integrator.properties.timeReversible || !sched.steps))
        invalid('mode', `a mode the integrator ${integrator.name} supports (not 'reversible': a time-reversible integrator on fixed steps only)`, mode);
      if (mode === 'checkpoint' && !sched.steps) invalid('mode', "a mode adaptive steps support (not 'checkpoint': fixed steps only)", mode);
      let every: number | undefined;
      if (mode === 'checkpoint') every = planCheckpoints(sched.steps!, model(y0v, rows), maxBytes, 'args.memory.maxBytes').every;
      else if (mode === 'backprop' && maxBytes !== undefined && sched.steps) {
        const need = backpropBytes(sched.steps, model(y0v, rows));
        if (need > maxBytes) memoryBoundExceeded('args.memory.maxBytes', need, maxBytes, "gradient 'checkpoint' computes the same gradient within a bound");
      }
      const tape = mode === 'backprop' ? createTape() : NO_TAPE;
      const gTape = new Float64Array(P);
      let evaluations = 0;
      const be = float64Backend(spec, integrator, theta, rows, tape, gTape, () => evaluations++);
      const y0 = tape.leaf(y0v);
      const { states, checkpoints } = solveForward(be, y0, sched, every === undefined ? {} : { checkpointEvery: every });
      const cots = states.map((s, k) => {
        const g = callCotangent(cotangent, k, cut(s.v, rows), rows * dim);
        return pad(g, rows);
      });
      const tapeLength = tape.length;
      if (mode === 'backprop') {
        states.forEach((s, k) => (s.g = cots[k]));
        tape.backward();
        return { gradient: gTape, dx: cut(y0.g ?? new Float64Array(rows * D), rows), tapeLength, evaluations };
      }
      const traced = cots.map((c) => tape.leaf(c));
      const r =
        mode === 'adjoint'
          ? adjointBackward(be, states, traced, sched)
          : mode === 'checkpoint'
            ? checkpointBackward(be, checkpoints!, traced, sched, every!)
            : reversibleBackward(be, states, traced, sched);
      return { gradient: r.dtheta.v, dx: cut(r.dy0.v, rows), tapeLength, evaluations, ...(every !== undefined && { every }) };
    },
  };
}
