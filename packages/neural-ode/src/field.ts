/**
 * The neural vector field f_θ(t, y) of a neural ODE and its two backends for the gradient
 * engine: tensors (float32, tfjs autodiff for vector–Jacobian products) and Float64 (hand
 * reverse mode, traced integrator steps) — the reference the float32 path is tested against.
 * Both return f with its vjp from one evaluation (`valueAndVjp`), solve adaptive runs through
 * every output time with dense output, and differentiate a segment of steps under one tape
 * (`stepsVjp`, checkpointing).
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, integrate, odeProblem, partitionedProblem, type AdaptiveOptions, type AnyIntegrator } from '@phaseflow/core';
import { accumulate, createTape, tracedSpace, type FieldBackend, type Tape, type Traced } from '@phaseflow/adjoint';
import { createMlp64 } from '@phaseflow/nn64';
import { mlpForward, mlpWeightShapes, tensorSpace, type SmoothActivation } from '@phaseflow/tfjs';
import { createTracedMlp, type TracedMlp } from './mlp-trace.js';

/** An integrator seen only through `step` (the problem kind was checked when the layer was built). */
interface LooseIntegrator {
  step(problem: unknown, t: number, y: unknown, h: number): unknown;
}

/** @internal The shape of a neural vector field. */
export interface FieldSpec {
  /** State width D (input width plus augmented dimensions). */
  readonly D: number;
  /** `general`: y' = f_θ(t, y). `partitioned`: y = (q, p), q' = f_θ¹(t, p), p' = f_θ²(t, q). */
  readonly structure: 'general' | 'partitioned';
  readonly timeDependent: boolean;
  /** The MLPs read y³ (elementwise) instead of y. */
  readonly cube?: boolean;
  readonly activation: SmoothActivation;
  /** Hidden widths of each MLP. */
  readonly hidden: readonly number[];
}

/** @internal Widths of the field's MLPs (one for general, two for partitioned). */
export function fieldWidths(spec: FieldSpec): number[][] {
  const tIn = spec.timeDependent ? 1 : 0;
  if (spec.structure === 'general') return [[spec.D + tIn, ...spec.hidden, spec.D]];
  const h = spec.D / 2;
  return [
    [h + tIn, ...spec.hidden, h],
    [h + tIn, ...spec.hidden, h],
  ];
}

/**
 * @internal Initial weights [W₁, b₁, …] of one field MLP: Glorot-uniform kernels drawn layer by
 * layer from `createRandom(seed)` (nn64's initialisation), zero biases.
 */
export function initialFieldWeights(widths: readonly number[], seed: number): Float64Array[] {
  const theta = createMlp64({ sizes: widths, seed }).theta;
  const out: Float64Array[] = [];
  let off = 0;
  for (const shape of mlpWeightShapes(widths)) {
    const n = shape.reduce((a, b) => a * b, 1);
    out.push(theta.slice(off, off + n));
    off += n;
  }
  return out;
}

/** @internal Whether the integrator runs the partitioned problem (else the flat ODE). */
export function usesPartitioned(spec: FieldSpec, integrator: AnyIntegrator): boolean {
  if (spec.structure === 'partitioned' && integrator.problemKinds.includes('partitioned')) return true;
  if (integrator.problemKinds.includes('ode')) return false;
  throw new PhaseflowError(
    'UNSUPPORTED_PROBLEM',
    `options.integrator: ${integrator.name} solves ${integrator.problemKinds.join(', ')} problems; a ${spec.structure} neural field needs ${spec.structure === 'partitioned' ? "'partitioned' or 'ode'" : "'ode'"}`,
    { argument: 'options.integrator', expected: spec.structure === 'partitioned' ? 'partitioned | ode' : 'ode', received: integrator.problemKinds.join(' | ') },
  );
}

// ---------------------------------------------------------------- tensors

const withTimeT = (x: tf.Tensor, t: number, on: boolean) => (on ? tf.concat([x, tf.fill([x.shape[0]!, 1], t)], 1) : x);
const cubeT = (x: tf.Tensor, on: boolean | undefined) => (on ? tf.mul(x, tf.mul(x, x)) : x);

/** @internal The tensor field with explicit weights; `ev` is called at every MLP evaluation. */
function tensorField(spec: FieldSpec, ws: readonly tf.Tensor[], ev?: () => void) {
  const nQ = ws.length / (spec.structure === 'partitioned' ? 2 : 1);
  const wq = ws.slice(0, nQ),
    wp = ws.slice(nQ);
  const velocity = (t: number, p: tf.Tensor) => (ev?.(), mlpForward(withTimeT(cubeT(p, spec.cube), t, spec.timeDependent), wq, spec.activation));
  const force = (t: number, q: tf.Tensor) => (ev?.(), mlpForward(withTimeT(cubeT(q, spec.cube), t, spec.timeDependent), wp, spec.activation));
  const f = (t: number, y: tf.Tensor): tf.Tensor => {
    if (spec.structure === 'general') return velocity(t, y);
    const [q, p] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
    return tf.concat([velocity(t, p), force(t, q)], 1);
  };
  return { f, velocity, force };
}

/** Join the (q, p) halves of a partitioned state into the flat state. */
const joinT = (z: { q: tf.Tensor; p: tf.Tensor }) => tf.concat([z.q, z.p], 1);

/** @internal Integrator steps of the tensor field with explicit weights. */
function tensorStep(spec: FieldSpec, integrator: AnyIntegrator, ws: readonly tf.Tensor[], ev?: () => void) {
  const field = tensorField(spec, ws, ev);
  const partitioned = usesPartitioned(spec, integrator);
  const flat = odeProblem<tf.Tensor>((t, y) => field.f(t, y), { space: tensorSpace });
  const part = partitionedProblem<tf.Tensor>({
    velocity: (t, _q, p) => field.velocity(t, p),
    force: (t, q) => field.force(t, q),
    separable: true,
    space: tensorSpace,
  });
  const integ = integrator as unknown as LooseIntegrator;
  const step = (t: number, y: tf.Tensor, h: number): tf.Tensor => {
    if (!partitioned) return integ.step(flat, t, y, h) as tf.Tensor;
    const [q, p] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
    return joinT(integ.step(part, t, { q, p }, h) as { q: tf.Tensor; p: tf.Tensor });
  };
  const steps = (t: number, y: tf.Tensor, h: number, n: number): tf.Tensor => {
    let z = y;
    for (let i = 0; i < n; i++) z = step(t + i * h, z, h);
    return z;
  };
  /** One adaptive solve through every output time; the states there from dense output. */
  const solve = (t0: number, times: readonly number[], y: tf.Tensor, options: AdaptiveOptions): tf.Tensor[] => {
    const o = { t0, tEnd: times[times.length - 1]!, adaptive: options, save: { times } };
    if (!partitioned) return integrate(integrator as never, flat as never, y as never, o).y as tf.Tensor[];
    const [q, p] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
    const zs = integrate(integrator as never, part as never, { q, p } as never, o).y as { q: tf.Tensor; p: tf.Tensor }[];
    return zs.map((z) => {
      const j = joinT(z);
      tf.dispose([z.q, z.p]);
      return j;
    });
  };
  return { field, step, steps, solve };
}

const flatten = (gs: readonly tf.Tensor[]) => tf.concat(gs.map((g) => tf.reshape(g, [-1])));

/**
 * @internal The tensor backend over weights `ws` (variables or plain tensors). `onEvaluate` is
 * called at every MLP evaluation (forward passes, and the forward pass inside each vjp).
 * Vector–Jacobian products are `tf.grads`/`tf.valueAndGrads` with the cotangent as `dy`.
 */
export function tensorBackend(spec: FieldSpec, integrator: AnyIntegrator, ws: readonly tf.Tensor[], onEvaluate?: () => void): FieldBackend<tf.Tensor> {
  const { field, step, solve } = tensorStep(spec, integrator, ws, onEvaluate);
  const P = ws.reduce((n, w) => n + w.size, 0);
  const pull = (fn: (yy: tf.Tensor, ww: tf.Tensor[]) => tf.Tensor, y: tf.Tensor, a: tf.Tensor): [tf.Tensor, tf.Tensor] => {
    const [gy, ...gw] = tf.grads((yy: tf.Tensor, ...ww: tf.Tensor[]) => fn(yy, ww))([y, ...ws], a);
    return [gy!, flatten(gw)];
  };
  return {
    space: tensorSpace,
    tidy: <T>(fn: () => T): T => tf.tidy(fn as () => tf.TensorContainer) as T,
    release: (x) => x.dispose(),
    f: (t, y) => field.f(t, y),
    vjp: (t, y, a) => pull((yy, ww) => tensorField(spec, ww, onEvaluate).f(t, yy), y, a),
    valueAndVjp(t, y, a) {
      // f's value comes with its gradients: one forward pass of the field per adjoint stage.
      const { value, grads } = tf.valueAndGrads((yy: tf.Tensor, ...ww: tf.Tensor[]) => tensorField(spec, ww, onEvaluate).f(t, yy))([y, ...ws], a);
      const [gy, ...gw] = grads;
      return [value, gy!, flatten(gw)];
    },
    step,
    stepVjp: (t, y, h, a) => pull((yy, ww) => tensorStep(spec, integrator, ww, onEvaluate).step(t, yy, h), y, a),
    stepsVjp: (t, y, h, n, a) => pull((yy, ww) => tensorStep(spec, integrator, ww, onEvaluate).steps(t, yy, h, n), y, a),
    solve,
    thetaZeros: () => tf.zeros([P]),
  };
}

// ---------------------------------------------------------------- Float64

/** @internal A tape that adds up the bytes it records (each value and its gradient, plus bookkeeping). */
export function countingTape(): Tape & { bytes: number } {
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

/** A tape that records nothing: the Float64 backend's states outside back-propagation. */
export const NO_TAPE: Tape = {
  leaf: (v) => ({ v }),
  record: (v) => ({ v }),
  backward: () => {},
  length: 0,
};

/** @internal One traced evaluation: the value and the pullback that reads the kept trace. */
export interface Pass {
  readonly y: Float64Array;
  /** ∂L/∂input from ∂L/∂y, adding ∂L/∂θ into gTheta (θ's full layout). */
  pull(g: Float64Array, gTheta: Float64Array): Float64Array;
}

/** @internal A field whose evaluations are traced passes (the Float64 field, or the float32 engine's with its `keep` bound). */
export interface TracedField {
  f(t: number, y: Float64Array): Pass;
  velocity(t: number, p: Float64Array): Pass;
  force(t: number, q: Float64Array): Pass;
  split(y: Float64Array): [Float64Array, Float64Array];
  join(q: Float64Array, p: Float64Array): Float64Array;
}

/** @internal One MLP of a field as both engines trace it: forward with its trace (`keep`: a trace that outlives the next evaluation), and the pullback of a trace. */
export interface FieldMlp<T> {
  readonly size: number;
  forward(x: Float64Array, rows: number, keep: boolean): { y: Float64Array; trace: T };
  /** ∂L/∂x from ∂L/∂y, adding ∂L/∂θ into gTheta (this network's slice). */
  pullback(trace: T, gy: Float64Array, gTheta: Float64Array): Float64Array;
}

/**
 * @internal The field f(t, y) over `rows` samples of width D (row-major) from its MLPs — one
 * (`general`) or two (`partitioned`: q′ = v(p), p′ = F(q)) — whatever engine they run on:
 * the time column and the cube features around each MLP, the split into (q, p), and each
 * evaluation's pullback. The Float64 field and the float32 engine's field are this structure
 * over their own MLPs.
 */
export function structuredField<T>(spec: FieldSpec, mlps: readonly FieldMlp<T>[], rows: number, ev?: () => void) {
  const general = spec.structure === 'general';
  const PQ = mlps[0]!.size;
  const td = spec.timeDependent ? 1 : 0;
  /** Input rows [x_r (or x_r³), t] from x of width w. */
  const input = (x0: Float64Array, w: number, t: number) => {
    const x = spec.cube ? x0.map((v) => v * v * v) : x0;
    if (!td) return x;
    const out = new Float64Array(rows * (w + 1));
    for (let r = 0; r < rows; r++) {
      out.set(x.subarray(r * w, (r + 1) * w), r * (w + 1));
      out[r * (w + 1) + w] = t;
    }
    return out;
  };
  /** ∂/∂x from ∂/∂(input): drop the time column, and chain through the cube (3x²). */
  const dropTime = (g0: Float64Array, w: number, x: Float64Array) => {
    let g = g0;
    if (td) {
      g = new Float64Array(rows * w);
      for (let r = 0; r < rows; r++) g.set(g0.subarray(r * (w + 1), r * (w + 1) + w), r * w);
    }
    if (spec.cube) for (let k = 0; k < g.length; k++) g[k] *= 3 * x[k]! * x[k]!;
    return g;
  };
  /** One MLP m on x (width w): its value and pullback (θ offset `off` in the full layout). */
  const pass = (m: number, t: number, x: Float64Array, w: number, keep: boolean): Pass => {
    ev?.();
    const mlp = mlps[m]!;
    const { y, trace } = mlp.forward(input(x, w, t), rows, keep);
    const off = m === 0 ? 0 : PQ;
    return { y, pull: (g, gTheta) => dropTime(mlp.pullback(trace, g, gTheta.subarray(off, off + mlp.size)), w, x) };
  };
  const h = spec.D / 2;
  const split = (y: Float64Array): [Float64Array, Float64Array] => {
    const q = new Float64Array(rows * h),
      p = new Float64Array(rows * h);
    for (let r = 0; r < rows; r++) {
      q.set(y.subarray(r * spec.D, r * spec.D + h), r * h);
      p.set(y.subarray(r * spec.D + h, (r + 1) * spec.D), r * h);
    }
    return [q, p];
  };
  const join = (q: Float64Array, p: Float64Array) => {
    const y = new Float64Array(rows * spec.D);
    for (let r = 0; r < rows; r++) {
      y.set(q.subarray(r * h, (r + 1) * h), r * spec.D);
      y.set(p.subarray(r * h, (r + 1) * h), r * spec.D + h);
    }
    return y;
  };
  const velocity = (t: number, p: Float64Array, keep: boolean) => pass(0, t, p, h, keep);
  const force = (t: number, q: Float64Array, keep: boolean) => pass(1, t, q, h, keep);
  /** f at (t, y) with its pullback: ∂L/∂y from ∂L/∂f. */
  const f = (t: number, y: Float64Array, keep: boolean): Pass => {
    if (general) return pass(0, t, y, spec.D, keep);
    const [q, p] = split(y);
    const v = velocity(t, p, keep);
    const F = force(t, q, keep);
    return {
      y: join(v.y, F.y),
      // f = (v(p), F(q)): ∂/∂q gets F's pullback of a_p, ∂/∂p gets v's pullback of a_q.
      pull: (g, gTheta) => {
        const [aq, ap] = split(g);
        const gp = v.pull(aq, gTheta);
        return join(F.pull(ap, gTheta), gp);
      },
    };
  };
  return { P: mlps.reduce((n, m) => n + m.size, 0), f, velocity, force, split, join };
}

/** @internal The field with `keep` fixed: what the traced problems evaluate. */
export function boundField(field: ReturnType<typeof structuredField>, keep: boolean): TracedField {
  return {
    f: (t, y) => field.f(t, y, keep),
    velocity: (t, p) => field.velocity(t, p, keep),
    force: (t, q) => field.force(t, q, keep),
    split: field.split,
    join: field.join,
  };
}

/**
 * @internal The Float64 twin of the field over `rows` samples of width D (row-major), reading
 * its parameters θ (the layer's weights in order, one or two MLPs) in place. Every evaluation
 * keeps its trace for the pullback (one forward pass per evaluation, also in a vjp).
 */
function float64Field(spec: FieldSpec, theta: Float64Array, rows: number, ev?: () => void) {
  const widths = fieldWidths(spec);
  const P = theta.length;
  const mlps: TracedMlp[] =
    spec.structure === 'general'
      ? [createTracedMlp(widths[0]!, spec.activation, theta)]
      : [createTracedMlp(widths[0]!, spec.activation, theta.subarray(0, P / 2)), createTracedMlp(widths[1]!, spec.activation, theta.subarray(P / 2))];
  const field = structuredField(
    spec,
    mlps.map((m) => ({ size: m.size, forward: (x: Float64Array, r: number) => m.forward(x, r), pullback: m.pullback.bind(m) })),
    rows,
    ev,
  );
  /** Bytes one evaluation keeps on a tape: the traces and the value (and its gradient). */
  const evaluationBytes = mlps.reduce((n, m) => n + m.traceBytes(rows), 0) + 8 * rows * spec.D * (spec.cube ? 4 : 3);
  return { ...boundField(field, true), P: field.P, evaluationBytes };
}

/** @internal Problems over traced Float64 values on `tape`, accumulating ∂L/∂θ into `gTheta` (both engines). */
export function tracedProblems(field: TracedField, tape: Tape, gTheta: Float64Array) {
  const space = tracedSpace(tape);
  const recorded = (x: Traced, r: Pass) => tape.record(r.y, (g) => accumulate(x, r.pull(g, gTheta)));
  const flat = odeProblem<Traced>((t, y) => recorded(y, field.f(t, y.v)), { space });
  const part = partitionedProblem<Traced>({
    velocity: (t, _q, p) => recorded(p, field.velocity(t, p.v)),
    force: (t, q) => recorded(q, field.force(t, q.v)),
    separable: true,
    space,
  });
  const split = (y: Traced): { q: Traced; p: Traced } => {
    const [q, p] = field.split(y.v);
    return {
      q: tape.record(q, (g) => accumulate(y, field.join(g, new Float64Array(g.length)))),
      p: tape.record(p, (g) => accumulate(y, field.join(new Float64Array(g.length), g))),
    };
  };
  const join = (z: { q: Traced; p: Traced }): Traced =>
    tape.record(field.join(z.q.v, z.p.v), (g) => {
      const [gq, gp] = field.split(g);
      accumulate(z.q, gq);
      accumulate(z.p, gp);
    });
  return { space, flat, part, split, join };
}

/**
 * @internal The Float64 backend: states are traced vectors on `tape`, so a whole forward run
 * can be back-propagated (the Float64 reference of back-propagation through the solver);
 * ∂L/∂θ from the tape lands in `tapeTheta`. Pass {@link NO_TAPE} outside back-propagation (the
 * adjoint, reversible and checkpointed modes): nothing is recorded, nothing grows.
 */
export function float64Backend(
  spec: FieldSpec,
  integrator: AnyIntegrator,
  theta: Float64Array,
  rows: number,
  tape: Tape,
  tapeTheta: Float64Array,
  onEvaluate?: () => void,
): FieldBackend<Traced> & { readonly evaluationBytes: number } {
  const field = float64Field(spec, theta, rows, onEvaluate);
  const partitioned = usesPartitioned(spec, integrator);
  const integ = integrator as unknown as LooseIntegrator;
  const stepOn = (pr: ReturnType<typeof tracedProblems>, t: number, y: Traced, h: number): Traced =>
    partitioned ? pr.join(integ.step(pr.part, t, pr.split(y), h) as { q: Traced; p: Traced }) : (integ.step(pr.flat, t, y, h) as Traced);
  const main = tracedProblems(field, tape, tapeTheta);
  /** aᵀ∂Φⁿ/∂(y, θ) of n steps from (t, y), on a tape of their own. */
  const stepsVjp = (t: number, y: Traced, h: number, n: number, a: Traced): [Traced, Traced] => {
    const sub = createTape();
    const g = new Float64Array(field.P);
    const pr = tracedProblems(field, sub, g);
    const y0 = sub.leaf(y.v.slice());
    let z = y0;
    for (let i = 0; i < n; i++) z = stepOn(pr, t + i * h, z, h);
    z.g = a.v.slice();
    sub.backward();
    return [tape.leaf(y0.g ?? new Float64Array(y.v.length)), tape.leaf(g)];
  };
  return {
    space: main.space,
    tidy: (fn) => fn(),
    release: () => {},
    f: (t, y) => tape.leaf(field.f(t, y.v).y),
    vjp(t, y, a) {
      const g = new Float64Array(field.P);
      const gy = field.f(t, y.v).pull(a.v, g);
      return [tape.leaf(gy), tape.leaf(g)];
    },
    valueAndVjp(t, y, a) {
      const g = new Float64Array(field.P);
      const r = field.f(t, y.v);
      return [tape.leaf(r.y), tape.leaf(r.pull(a.v, g)), tape.leaf(g)];
    },
    step: (t, y, h) => stepOn(main, t, y, h),
    stepVjp: (t, y, h, a) => stepsVjp(t, y, h, 1, a),
    stepsVjp,
    solve(t0, times, y, options) {
      const o = { t0, tEnd: times[times.length - 1]!, adaptive: options, save: { times } };
      if (!partitioned) return integrate(integrator as never, main.flat as never, y as never, o).y as Traced[];
      return (integrate(integrator as never, main.part as never, main.split(y) as never, o).y as { q: Traced; p: Traced }[]).map((z) => main.join(z));
    },
    thetaZeros: () => tape.leaf(new Float64Array(field.P)),
    evaluationBytes: field.evaluationBytes,
  };
}
