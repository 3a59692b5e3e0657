/**
 * The NeuralODE layer's solve on the float32 engine of @phaseflow/nn64: a tf op whose forward
 * pass solves on {@link float32Backend} and whose gradient runs the layer's gradient mode there
 * too (back-propagation through the solver on a Float64 tape over kept float32 traces, the
 * continuous adjoint, reversible reconstruction, checkpointing), so `apply` under
 * `opt.minimize`, `model.fit` and `gradients()` train on it with no tfjs kernel per field
 * evaluation. Engines (a workspace with the weights and the kept traces) are pooled per layer
 * and reused from one step to the next.
 */
import * as tf from '@tensorflow/tfjs';
import {
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
  type Traced,
} from '@phaseflow/adjoint';
import { invalid, type AnyIntegrator } from '@phaseflow/core';
import { checkFloat32Buffer, checkRows } from './checks.js';
import { createWorkspace32, type Trainable32 } from '@phaseflow/nn64';
import { NO_TAPE, countingTape, type FieldSpec } from './field.js';
import { createEngine32, float32Backend, type Engine32 } from './field32.js';

/** @internal The engines of one layer: taken for a solve, handed back after its backward pass. */
export interface EnginePool {
  take(rows: number): Engine32;
  give(engine: Engine32): void;
  /** Bytes of a state and of one step kept for back-propagation at `rows` rows (one step measured). */
  model(rows: number, theta: Float32Array, integrator: AnyIntegrator, sched: Schedule): MemoryModel & { evaluationsPerStep: number };
  /** The kernels the engines run (`wasm-simd`, or `js` where WebAssembly SIMD is missing). */
  readonly kernel: Engine32['kernel'];
}

/** Free engines kept per layer (a training loop holds one; a second covers a smaller last batch). */
const KEEP_FREE = 2;

/** @internal A pool for the field `spec`. */
export function createEnginePool(spec: FieldSpec): EnginePool {
  const free: Engine32[] = [];
  const models = new Map<number, MemoryModel & { evaluationsPerStep: number }>();
  let kernel: Engine32['kernel'] | undefined;
  const pool: EnginePool = {
    get kernel() {
      return (kernel ??= createWorkspace32().kind);
    },
    take(rows) {
      // the smallest free engine that holds `rows` rows
      let best = -1;
      for (let i = 0; i < free.length; i++) if (free[i]!.capacity >= rows && (best < 0 || free[i]!.capacity < free[best]!.capacity)) best = i;
      if (best >= 0) return free.splice(best, 1)[0]!;
      const e = createEngine32(spec, rows);
      kernel = e.kernel;
      return e;
    },
    give(engine) {
      free.push(engine);
      if (free.length > KEEP_FREE) {
        free.sort((a, b) => b.capacity - a.capacity);
        free.length = KEEP_FREE;
      }
    },
    model(rows, theta, integrator, sched) {
      let m = models.get(rows);
      if (m === undefined) {
        const engine = pool.take(rows);
        try {
          engine.begin(theta);
          const tape = countingTape();
          let evaluations = 0;
          const be = float32Backend(spec, integrator, engine, rows, tape, true, new Float64Array(theta.length), () => evaluations++);
          const h = sched.steps ? (sched.times[0]! - sched.t0) / sched.steps[0]! : 1e-3;
          be.step(sched.t0, tape.leaf(new Float64Array(rows * spec.D)), h);
          m = {
            stateBytes: 8 * rows * spec.D,
            stepBytes: tape.bytes + evaluations * (engine.evaluationBytes / engine.tracers.length),
            evaluationsPerStep: evaluations,
          };
          models.set(rows, m);
        } finally {
          pool.give(engine);
        }
      }
      return m;
    },
  };
  return pool;
}

/** @internal What the layer hands {@link solveOnEngine32}. */
export interface Solve32 {
  readonly spec: FieldSpec;
  readonly integrator: AnyIntegrator;
  readonly sched: Schedule;
  readonly mode: GradientMode;
  /** Input width d (the state is d + augment wide). */
  readonly dim: number;
  /** One output time and `squeeze`: output [B, d], else [B, K, d]. */
  readonly squeeze: boolean;
  /** The user's memory bound, if any. */
  readonly maxBytes: number | undefined;
  /** Called at every field evaluation. */
  readonly onEvaluate?: () => void;
  /** The checkpoint spacing chosen. */
  readonly onEvery?: (every: number) => void;
}

/** The adjoint package's memory model (exactly its two fields). */
const memoryModel = (m: MemoryModel): MemoryModel => ({ stateBytes: m.stateBytes, stepBytes: m.stepBytes });

const HINT = "gradient 'checkpoint' computes the same gradient within a bound, 'adjoint' in memory independent of the steps";

/** One solve on an engine: the outputs (rows × K × d) and, when prepared, its backward pass. */
interface Run32 {
  readonly out: Float32Array;
  /** ∂L/∂x (rows × d) and ∂L/∂θ from ∂L/∂out; hands the engine back. Once. */
  backward(gOut: ArrayLike<number>): { dx: Float32Array; dtheta: Float64Array };
  /** Hand the engine back without a backward pass. */
  discard(): void;
}

/**
 * @internal One solve of the field with parameters θ from `x` (rows × d) on an engine of
 * `pool`: without `withBackward` the engine is handed back at once; with it, the gradient
 * mode's forward solve (a tape over kept traces for `backprop`, checkpoints for `checkpoint`,
 * the outputs for `adjoint` and `reversible`) and its backward pass.
 */
function run32(pool: EnginePool, o: Solve32, theta: Float32Array, x: ArrayLike<number>, rows: number, withBackward: boolean): Run32 {
  const { spec, sched, mode, dim } = o;
  const D = spec.D;
  const K = sched.times.length;
  const P = theta.length;
  const y0v = new Float64Array(rows * D);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) y0v[r * D + j] = x[r * dim + j]!;
  const project = (states: readonly Traced[]) => {
    const out = new Float32Array(rows * K * dim);
    for (let k = 0; k < K; k++) {
      const sv = states[k]!.v;
      for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) out[(r * K + k) * dim + j] = sv[r * D + j]!;
    }
    return out;
  };
  const refused = (): never => invalid('backward', 'one backward pass after a solve prepared for it', 'none prepared, or already run', 'INVALID_STATE');
  if (!withBackward) {
    const engine = pool.take(rows);
    try {
      engine.begin(theta);
      const be = float32Backend(spec, o.integrator, engine, rows, NO_TAPE, false, new Float64Array(P), o.onEvaluate);
      return { out: project(solveForward(be, NO_TAPE.leaf(y0v), sched).states), backward: refused, discard: () => {} };
    } finally {
      pool.give(engine);
    }
  }
  let every: number | undefined;
  let onEvaluate = o.onEvaluate;
  if (mode === 'checkpoint') {
    every = planCheckpoints(sched.steps!, memoryModel(pool.model(rows, theta, o.integrator, sched)), o.maxBytes, 'args.memory.maxBytes').every;
    o.onEvery?.(every);
  } else if (mode === 'backprop' && o.maxBytes !== undefined) {
    const bound = o.maxBytes;
    const model = pool.model(rows, theta, o.integrator, sched);
    if (sched.steps) {
      const need = backpropBytes(sched.steps, memoryModel(model));
      if (need > bound) memoryBoundExceeded('args.memory.maxBytes', need, bound, HINT);
    } else {
      // adaptive: stop as soon as what the tape holds crosses the bound
      let evaluations = 0;
      const perEvaluation = model.stepBytes / model.evaluationsPerStep;
      onEvaluate = () => {
        o.onEvaluate?.();
        const live = ++evaluations * perEvaluation;
        if (live > bound) memoryBoundExceeded('args.memory.maxBytes', live, bound, `stopped during the forward solve; ${HINT}`);
      };
    }
  }
  const engine = pool.take(rows);
  let held = true;
  const giveBack = () => {
    if (held) pool.give(engine);
    held = false;
  };
  engine.begin(theta);
  const recordTape = mode === 'backprop';
  const tape = recordTape ? createTape() : NO_TAPE;
  const gTape = new Float64Array(P);
  const y0 = tape.leaf(y0v);
  let forward;
  try {
    const be = float32Backend(spec, o.integrator, engine, rows, tape, recordTape, gTape, onEvaluate);
    forward = solveForward(be, y0, sched, every === undefined ? {} : { checkpointEvery: every });
  } catch (e) {
    giveBack();
    throw e;
  }
  const { states, checkpoints } = forward;
  return {
    out: project(states),
    discard: giveBack,
    backward(g) {
      if (!held) refused();
      try {
        const cots = states.map((_, k) => {
          const c = new Float64Array(rows * D);
          for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) c[r * D + j] = g[(r * K + k) * dim + j]!;
          return c;
        });
        let dy0: Float64Array;
        let dtheta: Float64Array;
        if (mode === 'backprop') {
          states.forEach((sk, k) => (sk.g = cots[k]));
          tape.backward();
          dy0 = y0.g ?? new Float64Array(rows * D);
          dtheta = gTape;
        } else {
          // the backward pass counts evaluations with the layer's o.onEvaluate (not the forward memory guard)
          const bb = float32Backend(spec, o.integrator, engine, rows, NO_TAPE, false, gTape, o.onEvaluate);
          const traced = cots.map((c) => NO_TAPE.leaf(c));
          const r =
            mode === 'adjoint'
              ? adjointBackward(bb, states, traced, sched)
              : mode === 'checkpoint'
                ? checkpointBackward(bb, checkpoints!, traced, sched, every!)
                : reversibleBackward(bb, states, traced, sched);
          dy0 = r.dy0.v;
          dtheta = r.dtheta.v;
        }
        const dx = new Float32Array(rows * dim);
        for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) dx[r * dim + j] = dy0[r * D + j]!;
        return { dx, dtheta };
      } finally {
        giveBack();
      }
    },
  };
}

/** θ of the field from its weight tensors, in order. */
function thetaOf(ts: readonly tf.Tensor[]): Float32Array {
  const theta = new Float32Array(ts.reduce((n, w) => n + w.size, 0));
  let off = 0;
  for (const w of ts) {
    theta.set(w.dataSync() as Float32Array, off);
    off += w.size;
  }
  return theta;
}

/**
 * @internal The layer's output for input `x` with field weights `ws` on the float32 engine: a
 * tensor computed from the engine's solve; when tfjs is recording (`taped`), a custom-gradient
 * op whose backward pass is the gradient mode on the engine (∂L/∂x and ∂L/∂W for every weight).
 */
export function solveOnEngine32(pool: EnginePool, o: Solve32, x: tf.Tensor, ws: readonly tf.Tensor[], taped: boolean): tf.Tensor {
  const rows = x.shape[0]!;
  const K = o.sched.times.length;
  const outShape = o.squeeze && K === 1 ? [rows, o.dim] : [rows, K, o.dim];
  if (!taped) return tf.tensor(run32(pool, o, thetaOf(ws), x.dataSync(), rows, false).out, outShape);
  const shapes = ws.map((w) => w.shape);
  const custom = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    args.pop();
    const [xx, ...ww] = args as tf.Tensor[];
    const run = run32(pool, o, thetaOf(ww), xx!.dataSync(), rows, true);
    return {
      value: tf.tensor(run.out, outShape),
      gradFunc: (dy: tf.Tensor) => {
        const { dx, dtheta } = run.backward(dy.dataSync());
        let off = 0;
        const parts = shapes.map((sh) => {
          const n = sh.reduce((a, b) => a * b, 1);
          const t = tf.tensor(Float32Array.from(dtheta.subarray(off, off + n)), sh);
          off += n;
          return t;
        });
        return [tf.tensor(dx, xx!.shape), ...parts];
      },
    };
  });
  return custom(x, ...ws);
}

/**
 * @internal The field as nn64's {@link Trainable32}: θ (`theta`, updated in place by a
 * trainer) read at every `forwardTape`, which solves from x (rows × d) with the gradient mode
 * and returns the outputs at every time (rows × K·d, row-major [B, K, d]); `backwardTape` is
 * that solve's backward pass.
 */
export function trainable32(pool: EnginePool, o: Solve32, theta: Float32Array, name: string): Trainable32 {
  const K = o.sched.times.length;
  let last: Run32 | undefined;
  return {
    name,
    inputs: o.dim,
    outputs: K * o.dim,
    theta,
    kernel: pool.kernel,
    forwardTape(x, rows) {
      checkRows('rows', rows, o.dim);
      checkFloat32Buffer('x', x, rows * o.dim, true);
      last?.discard();
      last = undefined;
      last = run32(pool, o, theta, x, rows, true);
      return last.out;
    },
    backwardTape(gy, gTheta, gx) {
      if (last === undefined) invalid('backwardTape', 'a forwardTape call first', 'no recorded forward pass', 'INVALID_STATE');
      const rows = last.out.length / (K * o.dim);
      checkFloat32Buffer('gy', gy, rows * K * o.dim, true);
      checkFloat32Buffer('gTheta', gTheta, theta.length, false, true);
      if (gx !== undefined) checkFloat32Buffer('gx', gx, rows * o.dim, false);
      const run = last;
      last = undefined;
      const { dx, dtheta } = run.backward(gy);
      for (let i = 0; i < gTheta.length; i++) gTheta[i] += dtheta[i]!;
      gx?.set(dx);
    },
  };
}
