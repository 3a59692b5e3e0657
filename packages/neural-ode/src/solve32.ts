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
  type Tape,
  type Traced,
} from '@phaseflow/adjoint';
import type { AnyIntegrator } from '@phaseflow/core';
import { createWorkspace32 } from '@phaseflow/nn64';
import { NO_TAPE, type FieldSpec } from './field.js';
import { createEngine32, float32Backend, type Engine32 } from './field32.js';

/** A tape that adds up the bytes it records (each value and its gradient, plus bookkeeping). */
function countingTape(): Tape & { bytes: number } {
  const inner = createTape();
  const t = {
    bytes: 0,
    leaf: (v: Float64Array) => inner.leaf(v),
    record(v: Float64Array, backward: (g: Float64Array) => void) {
      t.bytes += 2 * v.byteLength + 96;
      return inner.record(v, backward);
    },
    backward: () => inner.backward(),
    get length() {
      return inner.length;
    },
  };
  return t;
}

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
  /** Whether tfjs records gradients now (only then is a backward pass prepared). */
  readonly taped: boolean;
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

/**
 * @internal The layer's output for input `x` with field weights `ws` on the float32 engine: a
 * tensor computed from the engine's solve; when tfjs is recording, a custom-gradient op whose
 * backward pass is the gradient mode on the engine (∂L/∂x and ∂L/∂W for every weight).
 */
export function solveOnEngine32(pool: EnginePool, o: Solve32, x: tf.Tensor, ws: readonly tf.Tensor[]): tf.Tensor {
  const { spec, sched, mode, dim, squeeze } = o;
  const D = spec.D;
  const K = sched.times.length;
  const rows = x.shape[0]!;
  const outShape = squeeze && K === 1 ? [rows, dim] : [rows, K, dim];
  const pad = (v: ArrayLike<number>) => {
    const y = new Float64Array(rows * D);
    for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) y[r * D + j] = v[r * dim + j]!;
    return y;
  };
  const project = (states: readonly Traced[]) => {
    const out = new Float32Array(rows * K * dim);
    for (let k = 0; k < K; k++) {
      const s = states[k]!.v;
      for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) out[(r * K + k) * dim + j] = s[r * D + j]!;
    }
    return tf.tensor(out, outShape);
  };
  const thetaOf = (ts: readonly tf.Tensor[]) => {
    const theta = new Float32Array(ts.reduce((n, w) => n + w.size, 0));
    let off = 0;
    for (const w of ts) {
      theta.set(w.dataSync() as Float32Array, off);
      off += w.size;
    }
    return theta;
  };
  const P = ws.reduce((n, w) => n + w.size, 0);
  if (!o.taped) {
    const engine = pool.take(rows);
    try {
      engine.begin(thetaOf(ws));
      const be = float32Backend(spec, o.integrator, engine, rows, NO_TAPE, false, new Float64Array(P), o.onEvaluate);
      return project(solveForward(be, NO_TAPE.leaf(pad(x.dataSync())), sched).states);
    } finally {
      pool.give(engine);
    }
  }
  const shapes = ws.map((w) => w.shape);
  const custom = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    args.pop();
    const [xx, ...ww] = args as tf.Tensor[];
    const theta = thetaOf(ww);
    const y0v = pad(xx!.dataSync());
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
    engine.begin(theta);
    const recordTape = mode === 'backprop';
    const tape = recordTape ? createTape() : NO_TAPE;
    const gTape = new Float64Array(P);
    const be = float32Backend(spec, o.integrator, engine, rows, tape, recordTape, gTape, onEvaluate);
    const y0 = tape.leaf(y0v);
    let forward;
    try {
      forward = solveForward(be, y0, sched, every === undefined ? {} : { checkpointEvery: every });
    } catch (e) {
      pool.give(engine);
      throw e;
    }
    const { states, checkpoints } = forward;
    return {
      value: project(states),
      gradFunc: (dy: tf.Tensor) => {
        try {
          const g = dy.dataSync();
          const cots = states.map((_, k) => {
            const c = new Float64Array(rows * D);
            for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) c[r * D + j] = g[(r * K + k) * dim + j]!;
            return c;
          });
          let dy0: Float64Array;
          let dtheta: Float64Array;
          if (mode === 'backprop') {
            states.forEach((s, k) => (s.g = cots[k]));
            tape.backward();
            dy0 = y0.g ?? new Float64Array(rows * D);
            dtheta = gTape;
          } else {
            // the backward pass evaluates with the o.onEvaluate of the layer (not the forward memory guard)
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
          let off = 0;
          const parts = shapes.map((s) => {
            const n = s.reduce((a, b) => a * b, 1);
            const t = tf.tensor(Float32Array.from(dtheta.subarray(off, off + n)), s);
            off += n;
            return t;
          });
          return [tf.tensor(dx, xx!.shape), ...parts];
        } finally {
          pool.give(engine);
        }
      },
    };
  });
  return custom(x, ...ws);
}
