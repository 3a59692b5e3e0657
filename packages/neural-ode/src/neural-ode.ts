/**
 * NeuralODE: a tf layer whose forward pass solves y' = f_θ(t, y) from the input state, with
 * three ways to compute gradients. This file registers the layer class with
 * tf.serialization when loaded (listed in the package's `sideEffects`).
 */
import * as tf from '@tensorflow/tfjs';
import {
  PhaseflowError,
  checkFinite,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  integratorNames,
  invalid,
  resolveIntegrator,
  type AdaptiveOptions,
  type AnyIntegrator,
} from '@phaseflow/core';
import {
  GRADIENT_MODES,
  adjointBackward,
  backpropBytes,
  checkpointBackward,
  memoryBoundExceeded,
  planCheckpoints,
  reversibleBackward,
  solveForward,
  stepsFor,
  type GradientMode,
  type MemoryModel,
  type Schedule,
} from '@phaseflow/adjoint';
import { rungeKuttaMethods } from '@phaseflow/runge-kutta';
import { createLeapfrog, splittingMethods } from '@phaseflow/symplectic';
import {
  PhaseflowLayer,
  SMOOTH_ACTIVATIONS,
  asTensor,
  checkTensor,
  mlpWeightShapes,
  registerPhaseflowLayer,
  releaseTapeOnError,
  type LayerArgs,
  type SmoothActivation,
  type Weight,
} from '@phaseflow/tfjs';
import { ENGINE_CHOICES, chooseEngine, type EngineChoice, type EngineDecision, type Trainable32 } from '@phaseflow/nn64';
import { callLoss } from './checks.js';
import { fieldWidths, initialFieldWeights, tensorBackend, usesPartitioned, type FieldSpec } from './field.js';
import { createEnginePool, solveOnEngine32, trainable32, type EnginePool } from './solve32.js';
import { createNeuralOde64, type NeuralODE64 } from './neural-ode64.js';

export type { GradientMode } from '@phaseflow/adjoint';

/** Options of {@link NeuralODE} (also what `getConfig` returns). */
export interface NeuralODEArgs extends LayerArgs {
  /** Hidden widths of the vector field's MLP(s) (default [32, 32]). */
  hidden?: number[];
  /** Hidden activation of the field (default `tanh`). */
  activation?: SmoothActivation;
  /**
   * `general` (default): y' = f_θ(t, y). `partitioned`: y = (q, p) (halves), q' = f¹_θ(t, p),
   * p' = f²_θ(t, q) — separable, so explicit symplectic / reversible methods apply.
   */
  structure?: 'general' | 'partitioned';
  /** The forward integrator: an Integrator or a name (`rk4` default, `dopri5`, `leapfrog`, …). */
  integrator?: string | AnyIntegrator;
  /** The adjoint's backward integrator (must solve `ode` problems); default: the forward one, or rk4. */
  adjointIntegrator?: string | AnyIntegrator;
  /** Fixed step size (default 0.1); every output interval is split into ⌈Δt/h⌉ equal steps. */
  h?: number;
  /** Adaptive steps with the integrator's own control (`true` or `{ rtol, atol }`). */
  adaptive?: boolean | { rtol?: number; atol?: number };
  /** Start time (default 0). */
  t0?: number;
  /** Output times, strictly increasing, > t0 (default [1]). One time gives output [B, d], K times [B, K, d]. */
  times?: number[];
  /**
   * Gradient mode (default `backprop`; see @phaseflow/adjoint's `GradientMode`): `backprop`,
   * `adjoint`, `reversible`, or `checkpoint` (back-propagation storing every k-th state and
   * recomputing the steps between, k chosen for `memory.maxBytes`; fixed steps).
   */
  gradient?: GradientMode;
  /**
   * Memory bound of a gradient computation. `maxBytes`: the most bytes of tensors (Float64
   * twin: of tape) the backward pass may hold. `checkpoint` chooses its spacing to fit it;
   * `backprop` refuses a computation whose estimated need exceeds it with
   * `MEMORY_BOUND_EXCEEDED` (before starting with fixed steps, as soon as the live memory
   * crosses it with adaptive ones) instead of exhausting the heap. Default on the wasm backend:
   * 85% of its 4 GiB heap cap less what is in use; elsewhere unbounded (`checkpoint` then stores
   * the fewest states, every ≈ √N-th).
   */
  memory?: { maxBytes?: number };
  /** Extra zero dimensions appended to the state (augmented neural ODE, Dupont et al. 2019; default 0). */
  augment?: number;
  /** Feed t to the field (default false). */
  timeDependent?: boolean;
  /**
   * What the field's MLP reads: `state` (default) f_θ(y), or `cube` f_θ(y³) with the cube taken
   * elementwise — torchdiffeq's spiral demo (`net(y**3)`), a polynomial feature map.
   */
  features?: 'state' | 'cube';
  /** Seed of the field's Glorot-uniform initialisation (default 0). */
  seed?: number;
  /** Stop with NON_FINITE_STATE when the state becomes NaN/Inf (default true; one device read per step). */
  checkFinite?: boolean;
  /**
   * The engine of the solve and its gradients (default `auto`): `nn64`, the field's MLPs on the
   * float32 kernels of @phaseflow/nn64 (fused WebAssembly SIMD matmul + bias + activation and
   * their reverse pass, buffers kept between steps, the integrator's combinations on Float64
   * states), every gradient mode; `tfjs`, tensor ops per field evaluation (for WebGL/WebGPU
   * backends, or tfjs's own memory accounting); `auto`, nn64 up to a million parameters (nn64's
   * `chooseEngine`). Either way the layer is a tf layer with tf weights: `apply` under
   * `opt.minimize`, `model.fit` and {@link NeuralODE.gradients} run on the chosen engine, and
   * {@link NeuralODE.engineDecision} and `gradients()` say which.
   */
  engine?: EngineChoice;
}

/** The method records a layer config may name: the Runge–Kutta methods, `leapfrog` and every splitting method. */
const METHODS = [rungeKuttaMethods, { leapfrog: () => createLeapfrog() }, splittingMethods] as const;

/**
 * Integrator names a {@link NeuralODE} configuration may use (`integrator`, `adjointIntegrator`):
 * every Runge–Kutta method of @phaseflow/runge-kutta, `leapfrog` and every splitting method of
 * @phaseflow/symplectic, resolved by core's `resolveIntegrator`.
 *
 * @example
 * ```ts
 * NEURAL_ODE_INTEGRATORS.includes('dopri5'); // true
 * ```
 */
export const NEURAL_ODE_INTEGRATORS: readonly string[] = integratorNames(...METHODS);

const KEYS = [
  'hidden',
  'activation',
  'structure',
  'integrator',
  'adjointIntegrator',
  'h',
  'adaptive',
  't0',
  'times',
  'gradient',
  'memory',
  'augment',
  'timeDependent',
  'features',
  'seed',
  'checkFinite',
  'engine',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'name',
  'trainable',
  'weights',
  'inputDType',
];

/** Hidden widths: a non-empty array of positive integers. */
function checkHidden(argument: string, hidden: unknown): number[] {
  if (!Array.isArray(hidden) || hidden.length === 0) invalid(argument, 'a non-empty array of hidden layer widths', hidden);
  return hidden.map((w, i) => checkInteger(`${argument}[${i}]`, w, { min: 1 }));
}

/** @internal Validate output times: finite, strictly increasing, after t0. */
function checkOutputTimes(argument: string, times: unknown, t0: number): number[] {
  if (!Array.isArray(times) || times.length === 0) invalid(argument, 'a non-empty array of output times', times);
  const out = times.map((t, i) => checkFinite(`${argument}[${i}]`, t));
  for (let i = 0; i < out.length; i++) {
    const prev = i === 0 ? t0 : out[i - 1]!;
    if (!(out[i]! > prev))
      invalid(`${argument}[${i}]`, `a time strictly greater than ${i === 0 ? `t0 = ${t0}` : `the previous time ${prev}`} (output times must increase)`, out[i]);
  }
  return out;
}

/**
 * Probe of live tensors during field evaluations: the peak memory of a gradient computation.
 * Process-global: set for the duration of one `gradients()` call (which is synchronous).
 */
interface Probe {
  peak: number;
  peakBytes: number;
  evaluations: number;
}
let activeProbe: Probe | undefined;
const sample = () => {
  if (!activeProbe) return;
  activeProbe.evaluations++;
  const m = tf.memory();
  if (m.numTensors > activeProbe.peak) activeProbe.peak = m.numTensors;
  if (m.numBytes > activeProbe.peakBytes) activeProbe.peakBytes = m.numBytes;
};

/** The wasm backend's heap cap (tfjs-backend-wasm is built with a 4 GiB maximum memory). */
const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** Whether tfjs is recording gradients now (outside any kernel): only then does a solve hold a tape. */
const recording = () => {
  const state = tf.engine().state as unknown as { gradientDepth: number; kernelDepth: number };
  return state.gradientDepth > 0 && state.kernelDepth === 0;
};

/** Run tf.grads-based code inside a custom gradient without clobbering the outer tape (tfjs keeps one global tape). */
function isolatedTape<T>(fn: () => T): T {
  const state = tf.engine().state as unknown as { activeTape: unknown; gradientDepth: number };
  const tape = state.activeTape;
  try {
    return fn();
  } finally {
    state.activeTape = tape;
  }
}

/** Run `fn` with tfjs's gradient recording paused (nothing it computes lands on the tape). */
function untaped<T>(fn: () => T): T {
  const state = tf.engine().state as unknown as { gradientDepth: number };
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return fn();
  } finally {
    state.gradientDepth = depth;
  }
}

/**
 * A neural ODE layer (Chen, Rubanova, Bettencourt & Duvenaud, "Neural Ordinary Differential
 * Equations", NeurIPS 2018): y(tₖ) = y(t₀) + ∫_{t₀}^{tₖ} f_θ(t, y) dt, f_θ an MLP, solved by
 * any core Integrator — fixed steps, or adaptive ones from @phaseflow/runge-kutta — and output
 * at the requested times. Gradients by back-propagation through the solver, the continuous
 * adjoint, or exact reversible reconstruction ({@link GradientMode}); `augment` appends zero
 * dimensions (Dupont, Doucet & Teh, "Augmented Neural ODEs", NeurIPS 2019) and the output keeps
 * the first d. Float32 (tfjs); {@link NeuralODE.float64} is the Float64 twin with the same
 * weights and the same three gradient modes.
 *
 * @example
 * ```ts
 * const ode = new NeuralODE({ hidden: [50], times: [0.5, 1], integrator: 'rk4', h: 0.05, gradient: 'adjoint' });
 * const y = ode.apply(tf.tensor2d([[2, 0]])) as tf.Tensor; // [1, 2, 2]: y(0.5), y(1)
 * ```
 */
export class NeuralODE extends PhaseflowLayer {
  static override className = 'PhaseflowNeuralODE';
  readonly hidden: number[];
  readonly activationName: SmoothActivation;
  readonly structure: 'general' | 'partitioned';
  readonly integrator: AnyIntegrator;
  readonly adjointIntegrator: AnyIntegrator;
  readonly h: number;
  readonly adaptiveOptions: AdaptiveOptions | undefined;
  readonly t0: number;
  readonly times: number[];
  readonly gradient: GradientMode;
  /** The user's memory bound in bytes (`memory.maxBytes`), if any. */
  readonly maxBytes: number | undefined;
  readonly augment: number;
  readonly timeDependent: boolean;
  readonly features: 'state' | 'cube';
  readonly seed: number;
  readonly checkFiniteStates: boolean;
  /** The engine asked for (`engine` option); {@link NeuralODE.engineDecision} is the one that runs. */
  readonly engine: EngineChoice;
  private readonly integratorName: string;
  private readonly adjointName: string;
  private fieldWeights: Weight[] = [];
  private dim = 0;
  /** Measured bytes one step keeps under a tape, per batch size. */
  private readonly stepBytesByRows = new Map<number, number>();
  /** The checkpoint spacing the last `checkpoint` gradient chose. */
  private lastEvery: number | undefined;
  /** The float32 engines of this layer's field (made at build). */
  private pool: EnginePool | undefined;

  constructor(args: NeuralODEArgs = {}) {
    const o = checkOptions('args', args, KEYS);
    super(args);
    this.hidden = o.hidden === undefined ? [32, 32] : checkHidden('args.hidden', o.hidden);
    this.activationName = o.activation === undefined ? 'tanh' : checkOneOf('args.activation', o.activation, SMOOTH_ACTIVATIONS);
    this.structure = o.structure === undefined ? 'general' : checkOneOf('args.structure', o.structure, ['general', 'partitioned'] as const);
    this.integrator = resolveIntegrator('args.integrator', o.integrator === undefined ? 'rk4' : o.integrator, ...METHODS);
    this.integratorName = typeof o.integrator === 'string' ? o.integrator : this.integrator.name;
    const adj = o.adjointIntegrator !== undefined ? o.adjointIntegrator : this.integrator.problemKinds.includes('ode') ? this.integrator : 'rk4';
    this.adjointIntegrator = resolveIntegrator('args.adjointIntegrator', adj, ...METHODS);
    this.adjointName =
      typeof o.adjointIntegrator === 'string'
        ? o.adjointIntegrator
        : this.adjointIntegrator === this.integrator
          ? this.integratorName
          : this.adjointIntegrator.name;
    if (!this.adjointIntegrator.problemKinds.includes('ode'))
      invalid('args.adjointIntegrator', "an integrator that solves 'ode' problems", this.adjointIntegrator.name, 'UNSUPPORTED_PROBLEM');
    this.h = o.h === undefined ? 0.1 : checkPositive('args.h', o.h);
    if (o.adaptive !== undefined && o.adaptive !== false) {
      if (!this.integrator.properties.adaptive || !this.integrator.adaptive) {
        throw new PhaseflowError('NOT_AVAILABLE', `args.adaptive: integrator ${this.integrator.name} has no adaptive step control`, {
          argument: 'args.adaptive',
          expected: 'an adaptive integrator (dopri5, tsit5, bs3, dop853)',
          received: this.integrator.name,
        });
      }
      const a = o.adaptive === true ? {} : checkOptions('args.adaptive', o.adaptive, ['rtol', 'atol']);
      this.adaptiveOptions = {
        rtol: a.rtol === undefined ? 1e-5 : checkPositive('args.adaptive.rtol', a.rtol),
        atol: a.atol === undefined ? 1e-6 : checkPositive('args.adaptive.atol', a.atol),
      };
    }
    this.t0 = o.t0 === undefined ? 0 : checkFinite('args.t0', o.t0);
    this.times = checkOutputTimes('args.times', o.times === undefined ? [1] : o.times, this.t0);
    this.gradient = o.gradient === undefined ? 'backprop' : checkOneOf('args.gradient', o.gradient, GRADIENT_MODES);
    if (this.gradient === 'checkpoint' && this.adaptiveOptions) invalid('args.adaptive', "fixed steps for gradient 'checkpoint'", o.adaptive);
    const memory = o.memory === undefined ? {} : checkOptions('args.memory', o.memory, ['maxBytes']);
    this.maxBytes = memory.maxBytes === undefined ? undefined : checkPositive('args.memory.maxBytes', memory.maxBytes);
    if (this.gradient === 'reversible') {
      if (!this.integrator.properties.timeReversible)
        invalid('args.integrator', "a time-reversible integrator for gradient 'reversible' (leapfrog, stormer-verlet-*, yoshida6, …)", this.integrator.name);
      if (this.adaptiveOptions) invalid('args.adaptive', "fixed steps for gradient 'reversible'", o.adaptive);
    }
    this.augment = o.augment === undefined ? 0 : checkInteger('args.augment', o.augment, { min: 0 });
    if (o.timeDependent !== undefined && typeof o.timeDependent !== 'boolean') invalid('args.timeDependent', 'a boolean', o.timeDependent);
    this.timeDependent = o.timeDependent ?? false;
    this.features = o.features === undefined ? 'state' : checkOneOf('args.features', o.features, ['state', 'cube'] as const);
    if (o.checkFinite !== undefined && typeof o.checkFinite !== 'boolean') invalid('args.checkFinite', 'a boolean', o.checkFinite);
    this.checkFiniteStates = o.checkFinite ?? true;
    this.engine = o.engine === undefined ? 'auto' : checkOneOf('args.engine', o.engine, ENGINE_CHOICES);
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  }

  /** @internal */
  spec(): FieldSpec {
    return {
      D: this.dim + this.augment,
      structure: this.structure,
      timeDependent: this.timeDependent,
      cube: this.features === 'cube',
      activation: this.activationName,
      hidden: this.hidden,
    };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const d = shape[shape.length - 1];
    if (typeof d !== 'number' || shape.length !== 2) invalid('inputShape', 'a known [batch, d] state shape', `[${shape.join(', ')}]`, 'SHAPE_MISMATCH');
    this.dim = d;
    const spec = this.spec();
    if (spec.structure === 'partitioned' && spec.D % 2 !== 0) {
      invalid('inputShape', `an even state width for a partitioned field (d + augment = ${spec.D})`, d, 'SHAPE_MISMATCH');
    }
    usesPartitioned(spec, this.integrator);
    const widths = fieldWidths(spec);
    this.pool = createEnginePool(spec);
    this.fieldWeights = [];
    widths.forEach((w, m) => {
      const values = initialFieldWeights(w, this.seed + m);
      mlpWeightShapes(w).forEach((shape, i) => {
        const weight = this.addWeight(`field${m}_${i % 2 === 0 ? 'kernel' : 'bias'}${i >> 1}`, shape, 'float32', tf.initializers.zeros());
        tf.tidy(() => {
          weight.write(tf.tensor(Float32Array.from(values[i]!), shape));
        });
        this.fieldWeights.push(weight);
      });
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.times.length === 1 ? shape : [shape[0]!, this.times.length, shape[1]!];
  }

  private schedule(times: readonly number[]): Schedule {
    return {
      t0: this.t0,
      times,
      ...(this.adaptiveOptions ? { adaptive: this.adaptiveOptions } : { steps: stepsFor(this.t0, times, this.h) }),
      adjointIntegrator: this.adjointIntegrator,
      checkFinite: this.checkFiniteStates,
    };
  }

  private checkInput(x: tf.Tensor, argument: string): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected a state batch [batch, ${this.dim}] for this field, received [${x.shape.join(', ')}]`, {
        argument,
        expected: `[batch, ${this.dim}]`,
        received: `[${x.shape.join(', ')}]`,
      });
    }
  }

  private pad(x: tf.Tensor): tf.Tensor {
    return this.augment === 0 ? x : tf.concat([x, tf.zeros([x.shape[0]!, this.augment])], 1);
  }

  private project(states: readonly tf.Tensor[], squeeze: boolean): tf.Tensor {
    const cut = (s: tf.Tensor) => (this.augment === 0 ? s : tf.slice(s, [0, 0], [-1, this.dim]));
    return squeeze && states.length === 1 ? cut(states[0]!) : tf.stack(states.map(cut), 1);
  }

  /** dy of the projected output → cotangent of every full state. */
  private cotangents(dy: tf.Tensor, K: number, squeeze: boolean): tf.Tensor[] {
    const per = squeeze && K === 1 ? [dy] : tf.unstack(dy, 1);
    return per.map((g) => (this.augment === 0 ? g : tf.concat([g, tf.zeros([g.shape[0]!, this.augment])], 1)));
  }

  /**
   * The bound a gradient computation must fit in, and which option sets it: the user's
   * `memory.maxBytes`, or on wasm 85% of the 4 GiB heap less the tensors alive now.
   */
  private memoryBound(): { bound: number; argument: string; fromUser: boolean } {
    if (this.maxBytes !== undefined) return { bound: this.maxBytes, argument: 'args.memory.maxBytes', fromUser: true };
    if (tf.getBackend() === 'wasm') return { bound: 0.85 * WASM_HEAP_BYTES - tf.memory().numBytes, argument: 'args.memory.maxBytes', fromUser: false };
    return { bound: Infinity, argument: 'args.memory.maxBytes', fromUser: false };
  }

  /**
   * Bytes per state and per step under a tape for a batch of `rows`: one step is measured
   * (every tensor it allocates, inside a tidy, with the tape paused: `tf.memory().numBytes`
   * counts a tape's saved clones once more) and tripled, for the gradients the backward pass
   * allocates next to the kept intermediates (a 1000-step back-propagation grew the wasm heap by
   * 2.8–3.2× the measured step, batch 256 / 20). Cached per batch size.
   */
  private memoryModel(x: tf.Tensor, ws: readonly tf.Tensor[]): MemoryModel {
    const rows = x.shape[0]!;
    const D = this.dim + this.augment;
    let stepBytes = this.stepBytesByRows.get(rows);
    if (stepBytes === undefined) {
      const be = tensorBackend(this.spec(), this.integrator, ws);
      let grown = 0;
      untaped(() =>
        tf.tidy(() => {
          const y = this.pad(x);
          const before = tf.memory().numBytes;
          be.step(this.t0, y, this.h);
          grown = tf.memory().numBytes - before;
        }),
      );
      stepBytes = 3 * grown;
      this.stepBytesByRows.set(rows, stepBytes);
    }
    return { stateBytes: 4 * rows * D, stepBytes };
  }

  /**
   * The engine the layer's solves and gradients run on, and why: nn64's `chooseEngine` for the
   * `engine` option and the field's parameter count (`auto`: nn64 up to a million), with the
   * kernels nn64 runs (`wasm-simd`, or `js` where WebAssembly SIMD is missing). A built layer.
   *
   * @example
   * ```ts
   * ode.engineDecision(); // { engine: 'nn64', reason: 'auto: 252 parameters ≤ 1000000', kernel: 'wasm-simd' }
   * ```
   */
  engineDecision(): EngineDecision & { readonly kernel?: 'wasm-simd' | 'js' } {
    if (!this.built) invalid('layer', 'a built layer (call it once first)', 'an unbuilt NeuralODE', 'INVALID_STATE');
    const d = chooseEngine(
      this.engine,
      this.fieldWeights.reduce((n, w) => n + w.read().size, 0),
    );
    if (d.engine === 'tfjs') return d;
    return { ...d, kernel: this.pool!.kernel };
  }

  private solveTensors(x: tf.Tensor, times: readonly number[], squeeze: boolean, mode: GradientMode): tf.Tensor {
    const spec = this.spec();
    const sched = this.schedule(times);
    const ws = this.fieldWeights.map((w) => w.read());
    const taped = recording();
    if (this.engineDecision().engine === 'nn64') {
      return solveOnEngine32(
        this.pool!,
        {
          spec,
          integrator: this.integrator,
          sched,
          mode,
          dim: this.dim,
          squeeze,
          maxBytes: this.maxBytes,
          onEvaluate: sample,
          onEvery: (every) => (this.lastEvery = every),
        },
        x,
        ws,
        taped,
      );
    }
    if (mode === 'backprop' || (mode === 'checkpoint' && !taped)) {
      if (!taped) return this.project(solveForward(tensorBackend(spec, this.integrator, ws, sample), this.pad(x), sched).states, squeeze);
      // Back-propagation: every step stays on tfjs's tape. Refuse what would not fit before it
      // starts (fixed steps), and stop as soon as the live tensors cross the bound (adaptive).
      const { bound, argument, fromUser } = this.memoryBound();
      const why = fromUser ? '' : ' (the default bound: 85% of the wasm heap cap less the tensors alive)';
      const hint = `gradient 'checkpoint' computes the same gradient within a bound, 'adjoint' in memory independent of the steps${why}`;
      let guard = sample;
      if (Number.isFinite(bound)) {
        if (sched.steps) {
          const need = backpropBytes(sched.steps, this.memoryModel(x, ws));
          if (need > bound) memoryBoundExceeded(argument, need, bound, hint);
        }
        const start = tf.memory().numBytes;
        guard = () => {
          sample();
          // The backward pass allocates about twice what the forward pass keeps (see memoryModel).
          const live = 3 * (tf.memory().numBytes - start);
          if (live > bound) memoryBoundExceeded(argument, live, bound, `stopped during the forward solve; ${hint}`);
        };
      }
      const { states } = solveForward(tensorBackend(spec, this.integrator, ws, guard), this.pad(x), sched);
      return this.project(states, squeeze);
    }
    let every = 0;
    if (mode === 'checkpoint') {
      // The user's bound: the widest spacing that fits it (fewest segments). None: the spacing
      // that needs the least memory, which must still fit the backend's heap.
      const { bound, argument, fromUser } = this.memoryBound();
      const model = this.memoryModel(x, ws);
      const plan = planCheckpoints(sched.steps!, model, fromUser ? bound : undefined, argument);
      if (!fromUser && plan.needBytes > bound)
        memoryBoundExceeded(
          argument,
          plan.needBytes,
          bound,
          'even the checkpointed backward pass needing the least memory does not fit the default bound (85% of the wasm heap cap less the tensors alive)',
        );
      every = plan.every;
      this.lastEvery = every;
    }
    const nW = ws.length;
    const shapes = ws.map((w) => w.shape);
    const K = times.length;
    const custom = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [xx, ...ww] = args as tf.Tensor[];
      const be = tensorBackend(spec, this.integrator, ww, sample);
      const y0 = this.pad(xx!);
      const { states, checkpoints } = solveForward(be, y0, sched, mode === 'checkpoint' ? { checkpointEvery: every } : {});
      // Saved: the weights, the outputs, and for checkpointing y0 and the interior checkpoints.
      const interior = checkpoints ? checkpoints.flatMap((c) => c.slice(1)) : [];
      save([...ww, ...states, ...(checkpoints ? [y0, ...interior] : [])]);
      return {
        value: this.project(states, squeeze),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          isolatedTape(() => {
            const wSaved = saved.slice(0, nW);
            const st = saved.slice(nW, nW + K);
            const bb = tensorBackend(spec, this.integrator, wSaved, sample);
            const cot = this.cotangents(dy, st.length, squeeze);
            let result: { dy0: tf.Tensor; dtheta: tf.Tensor };
            if (mode === 'checkpoint') {
              // Rebuild the checkpoint lists: interval k starts at y0 or the output before it.
              let next = nW + K + 1;
              const cps = checkpoints!.map((c, k) => [k === 0 ? saved[nW + K]! : st[k - 1]!, ...c.slice(1).map(() => saved[next++]!)]);
              result = checkpointBackward(bb, cps, cot, sched, every);
            } else result = mode === 'adjoint' ? adjointBackward(bb, st, cot, sched) : reversibleBackward(bb, st, cot, sched);
            const { dy0, dtheta } = result;
            const dx = this.augment === 0 ? dy0 : tf.slice(dy0, [0, 0], [-1, this.dim]);
            const parts = tf.split(
              dtheta,
              shapes.map((s) => s.reduce((a, b) => a * b, 1)),
            );
            return [dx, ...parts.map((p, i) => tf.reshape(p, shapes[i]!))];
          }),
      };
    });
    return custom(x, ...ws);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      this.checkInput(x, 'inputs');
      return this.solveTensors(x, this.times, true, this.gradient);
    });
  }

  /**
   * The solution at any increasing `times` after t0 (e.g. beyond the training window, to
   * extrapolate): [B, K, d]. Inference only; the caller owns the result.
   *
   * @example
   * ```ts
   * const path = ode.trajectory(tf.tensor2d([[2, 0]]), [1, 2, 3, 4]); // [1, 4, 2]
   * ```
   */
  trajectory(x: tf.Tensor, times: readonly number[]): tf.Tensor {
    checkTensor('x', x);
    if (!this.built) this.forward(tf.slice(x, 0, 1)).dispose();
    this.checkInput(x, 'x');
    const ts = checkOutputTimes('times', times, this.t0);
    return tf.tidy(() => this.solveTensors(x, ts, false, 'backprop'));
  }

  /**
   * Loss and gradients of `loss(output)` for input `x` with the layer's gradient mode (or
   * `mode`), measuring the peak number of live tensors and of their bytes during the
   * computation (sampled at every field evaluation, relative to the counts before it) and the
   * field evaluations (every MLP forward pass, also those inside vector–Jacobian products; a
   * partitioned field's two MLPs count one each), and for `checkpoint` the spacing k it chose
   * (`every`). Returns Float64 copies; leaves no tensor behind, also when `loss` or the solve
   * throws. A loss that returns no scalar tensor is refused naming `loss`; one that throws
   * becomes CALLBACK_FAILED naming `loss`, its error as `cause`.
   *
   * @example
   * ```ts
   * const r = ode.gradients(x, (y) => tf.mean(tf.square(tf.sub(y, target))));
   * r.peakTensors; r.gradient.length === ode.countParams();
   * ```
   */
  gradients(
    x: tf.Tensor,
    loss: (output: tf.Tensor) => tf.Scalar,
    mode: GradientMode = this.gradient,
  ): {
    loss: number;
    gradient: Float64Array;
    peakTensors: number;
    peakBytes: number;
    evaluations: number;
    every?: number;
    engine: 'nn64' | 'tfjs';
    engineReason: string;
  } {
    checkTensor('x', x);
    if (typeof loss !== 'function') invalid('loss', 'a function output → scalar tensor', loss);
    checkOneOf('mode', mode, GRADIENT_MODES);
    if (mode === 'reversible' && !this.integrator.properties.timeReversible)
      invalid('mode', `a mode the integrator ${this.integrator.name} supports (not reversible)`, mode);
    if (mode === 'checkpoint' && this.adaptiveOptions) invalid('mode', "a mode adaptive steps support (not 'checkpoint': fixed steps only)", mode);
    if (!this.built) this.forward(tf.slice(x, 0, 1)).dispose();
    this.checkInput(x, 'x');
    const ws = this.fieldWeights.map((w) => w.read() as tf.Variable);
    const decision = this.engineDecision();
    const m0 = tf.memory();
    const probe: Probe = { peak: m0.numTensors, peakBytes: m0.numBytes, evaluations: 0 };
    activeProbe = probe;
    try {
      // A loss (or a solve) that throws leaves the tape's saved tensors behind: released here.
      const { value, grads } = releaseTapeOnError(() =>
        tf.tidy(() => {
          const vg = tf.variableGrads(() => callLoss(loss, this.solveTensors(x, this.times, true, mode)), ws);
          return { value: vg.value, grads: ws.map((w) => vg.grads[w.name]!) };
        }),
      );
      const gradient = new Float64Array(grads.reduce((n, g) => n + g.size, 0));
      let k = 0;
      for (const g of grads) {
        gradient.set(g.dataSync(), k);
        k += g.size;
      }
      const out = {
        loss: value.dataSync()[0]!,
        gradient,
        peakTensors: probe.peak - m0.numTensors,
        peakBytes: probe.peakBytes - m0.numBytes,
        evaluations: probe.evaluations,
        ...(mode === 'checkpoint' && this.lastEvery !== undefined && { every: this.lastEvery }),
        engine: decision.engine,
        engineReason: decision.reason,
      };
      tf.dispose([value, ...grads]);
      return out;
    } finally {
      activeProbe = undefined;
    }
  }

  /**
   * The Float64 twin of this layer with a copy of its weights: forward solve and gradients by
   * the same three modes in double precision (back-propagation through the solver on a traced
   * Float64 tape), for reference checks against finite differences.
   *
   * @example
   * ```ts
   * const ref = ode.float64();
   * const { gradient } = ref.gradients(Float64Array.of(2, 0), 1, (y) => y.map((v) => v), 'adjoint');
   * ```
   */
  float64(): NeuralODE64 {
    if (!this.built) invalid('layer', 'a built layer (call it once first)', 'an unbuilt NeuralODE', 'INVALID_STATE');
    const weights = this.fieldWeights.map((w) => Float64Array.from(w.read().dataSync()));
    return createNeuralOde64(this.spec(), this.dim, this.augment, this.integrator, (times) => this.schedule(times), this.times, weights, this.maxBytes);
  }

  /**
   * The layer on the float32 engine of @phaseflow/nn64 as nn64's `Trainable32` (weights copied,
   * θ in the order of `trainableWeights`): `forwardTape(x, rows)` solves from x (rows × d) with
   * the layer's gradient mode and returns the states at every output time, rows × K·d (row-major
   * [B, K, d]); `backwardTape` is that solve's backward pass. What @phaseflow/nn64/tfjs's
   * `createEngineTrainer` trains (its history records `engine: 'nn64'`), or any loop of your own
   * over nn64's `createAdam`. A built layer.
   *
   * @example
   * ```ts
   * const twin = ode.toTrainable32();
   * const y = twin.forwardTape(Float32Array.of(2, 0), 1); // the K outputs of one state
   * ```
   */
  toTrainable32(): Trainable32 {
    if (!this.built) invalid('layer', 'a built layer (call it once first)', 'an unbuilt NeuralODE', 'INVALID_STATE');
    const theta = new Float32Array(this.fieldWeights.reduce((n, w) => n + w.read().size, 0));
    let off = 0;
    for (const w of this.fieldWeights) {
      const v = w.read().dataSync();
      theta.set(v, off);
      off += v.length;
    }
    const o = {
      spec: this.spec(),
      integrator: this.integrator,
      sched: this.schedule(this.times),
      mode: this.gradient,
      dim: this.dim,
      squeeze: false,
      maxBytes: this.maxBytes,
    };
    return trainable32(this.pool!, o, theta, `neural-ode32(${this.name})`);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      hidden: this.hidden,
      activation: this.activationName,
      structure: this.structure,
      integrator: this.integratorName,
      adjointIntegrator: this.adjointName,
      h: this.h,
      ...(this.adaptiveOptions && { adaptive: { rtol: this.adaptiveOptions.rtol as number, atol: this.adaptiveOptions.atol as number } }),
      t0: this.t0,
      times: this.times,
      gradient: this.gradient,
      ...(this.maxBytes !== undefined && { memory: { maxBytes: this.maxBytes } }),
      augment: this.augment,
      timeDependent: this.timeDependent,
      features: this.features,
      seed: this.seed,
      checkFinite: this.checkFiniteStates,
      engine: this.engine,
    };
  }
}

registerPhaseflowLayer(NeuralODE);
