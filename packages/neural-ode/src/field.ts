/**
 * The neural vector field f_θ(t, y) of a neural ODE and its two backends for the gradient
 * engine: tensors (float32, tfjs autodiff for vector–Jacobian products) and Float64 (hand
 * reverse mode, traced integrator steps) — the reference the float32 path is tested against.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, integrate, odeProblem, partitionedProblem, type AdaptiveOptions, type AnyIntegrator } from '@phaseflow/core';
import { accumulate, createTape, tracedSpace, type FieldBackend, type Tape, type Traced } from '@phaseflow/adjoint';
import { createMlp64, type Mlp64 } from '@phaseflow/nn64';
import { mlpForward, mlpWeightShapes, tensorSpace, type SmoothActivation } from '@phaseflow/tfjs';

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

/** @internal The tensor field with explicit weights. */
function tensorField(spec: FieldSpec, ws: readonly tf.Tensor[]) {
  const nQ = ws.length / (spec.structure === 'partitioned' ? 2 : 1);
  const wq = ws.slice(0, nQ),
    wp = ws.slice(nQ);
  const velocity = (t: number, p: tf.Tensor) => mlpForward(withTimeT(cubeT(p, spec.cube), t, spec.timeDependent), wq, spec.activation);
  const force = (t: number, q: tf.Tensor) => mlpForward(withTimeT(cubeT(q, spec.cube), t, spec.timeDependent), wp, spec.activation);
  const f = (t: number, y: tf.Tensor): tf.Tensor => {
    if (spec.structure === 'general') return mlpForward(withTimeT(cubeT(y, spec.cube), t, spec.timeDependent), ws, spec.activation);
    const [q, p] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
    return tf.concat([velocity(t, p), force(t, q)], 1);
  };
  return { f, velocity, force };
}

/** @internal One integrator step of the tensor field with explicit weights. */
function tensorStep(spec: FieldSpec, integrator: AnyIntegrator, ws: readonly tf.Tensor[], onEvaluate?: () => void) {
  const field = tensorField(spec, ws);
  const partitioned = usesPartitioned(spec, integrator);
  const ev = onEvaluate ?? (() => {});
  const flat = odeProblem<tf.Tensor>((t, y) => (ev(), field.f(t, y)), { space: tensorSpace });
  const part = partitionedProblem<tf.Tensor>({
    velocity: (t, _q, p) => (ev(), field.velocity(t, p)),
    force: (t, q) => (ev(), field.force(t, q)),
    separable: true,
    space: tensorSpace,
  });
  const integ = integrator as unknown as LooseIntegrator;
  const step = (t: number, y: tf.Tensor, h: number): tf.Tensor => {
    if (!partitioned) return integ.step(flat, t, y, h) as tf.Tensor;
    const [q, p] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
    const z = integ.step(part, t, { q, p }, h) as { q: tf.Tensor; p: tf.Tensor };
    return tf.concat([z.q, z.p], 1);
  };
  const solve = (t0: number, t1: number, y: tf.Tensor, options: AdaptiveOptions): tf.Tensor => {
    if (!partitioned) return integrate(integrator as never, flat as never, y as never, { t0, tEnd: t1, adaptive: options }).yFinal as tf.Tensor;
    const [q, p] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
    const z = integrate(integrator as never, part as never, { q, p } as never, { t0, tEnd: t1, adaptive: options }).yFinal as { q: tf.Tensor; p: tf.Tensor };
    return tf.concat([z.q, z.p], 1);
  };
  return { field, step, solve };
}

const flatten = (gs: readonly tf.Tensor[]) => tf.concat(gs.map((g) => tf.reshape(g, [-1])));

/** @internal The tensor backend over weights `ws` (variables or plain tensors). */
export function tensorBackend(spec: FieldSpec, integrator: AnyIntegrator, ws: readonly tf.Tensor[], onEvaluate?: () => void): FieldBackend<tf.Tensor> {
  const { field, step, solve } = tensorStep(spec, integrator, ws, onEvaluate);
  const P = ws.reduce((n, w) => n + w.size, 0);
  return {
    space: tensorSpace,
    tidy: <T>(fn: () => T): T => tf.tidy(fn as () => tf.TensorContainer) as T,
    release: (x) => x.dispose(),
    f: (t, y) => field.f(t, y),
    vjp(t, y, a) {
      const grads = tf.grads((yy: tf.Tensor, ...ww: tf.Tensor[]) => tf.sum(tf.mul(tensorField(spec, ww).f(t, yy), a)));
      const [gy, ...gw] = grads([y, ...ws]);
      return [gy!, flatten(gw)];
    },
    step,
    stepVjp(t, y, h, a) {
      const grads = tf.grads((yy: tf.Tensor, ...ww: tf.Tensor[]) => tf.sum(tf.mul(tensorStep(spec, integrator, ww, onEvaluate).step(t, yy, h), a)));
      const [gy, ...gw] = grads([y, ...ws]);
      return [gy!, flatten(gw)];
    },
    solve,
    thetaZeros: () => tf.zeros([P]),
    ...(onEvaluate && { onEvaluate }),
  };
}

// ---------------------------------------------------------------- Float64

/**
 * @internal The Float64 twin of the field over `rows` samples of width D (row-major), reading
 * its parameters θ (the layer's weights in order, one or two MLPs) in place.
 */
function float64Field(spec: FieldSpec, theta: Float64Array, rows: number) {
  const widths = fieldWidths(spec);
  const P = theta.length;
  const first = createMlp64({ sizes: widths[0]!, activation: spec.activation, theta: spec.structure === 'general' ? theta : theta.subarray(0, P / 2) });
  const mlps: Mlp64[] =
    spec.structure === 'general' ? [first] : [first, createMlp64({ sizes: widths[1]!, activation: spec.activation, theta: theta.subarray(P / 2) })];
  const PQ = mlps[0]!.parameters.size;
  const td = spec.timeDependent ? 1 : 0;
  /** mlp(x) for `rows` rows of width w (+ the time column). */
  const run = (mlp: Mlp64, x: Float64Array, w: number) => mlp.forward({ x, rows, cols: w + td });
  const pull = (mlp: Mlp64, x: Float64Array, w: number, g: Float64Array, gTheta: Float64Array) => mlp.vjp({ x, rows, cols: w + td }, g, gTheta);
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
  const velocity = (t: number, p: Float64Array) => run(mlps[0]!, input(p, h, t), h);
  const force = (t: number, q: Float64Array) => run(mlps[1]!, input(q, h, t), h);
  /** ∂L/∂p and ∂L/∂θ (added into gTheta) of velocity(t, p) with cotangent g. */
  const velocityVjp = (t: number, p: Float64Array, g: Float64Array, gTheta: Float64Array) =>
    dropTime(pull(mlps[0]!, input(p, h, t), h, g, gTheta.subarray(0, PQ)), h, p);
  const forceVjp = (t: number, q: Float64Array, g: Float64Array, gTheta: Float64Array) =>
    dropTime(pull(mlps[1]!, input(q, h, t), h, g, gTheta.subarray(PQ)), h, q);
  const f = (t: number, y: Float64Array): Float64Array => {
    if (spec.structure === 'general') return run(mlps[0]!, input(y, spec.D, t), spec.D);
    const [q, p] = split(y);
    return join(velocity(t, p), force(t, q));
  };
  const vjp = (t: number, y: Float64Array, a: Float64Array, gTheta: Float64Array): Float64Array => {
    if (spec.structure === 'general') return dropTime(pull(mlps[0]!, input(y, spec.D, t), spec.D, a, gTheta), spec.D, y);
    const [q, p] = split(y);
    const [aq, ap] = split(a);
    // f = (v(p), F(q)): ∂/∂q gets F's pullback of a_p, ∂/∂p gets v's pullback of a_q.
    const gp = velocityVjp(t, p, aq, gTheta);
    const gq = forceVjp(t, q, ap, gTheta);
    return join(gq, gp);
  };
  return { P, f, vjp, velocity, force, velocityVjp, forceVjp, split, join };
}

/** @internal Problems over traced Float64 values on `tape`, accumulating ∂L/∂θ into `gTheta`. */
function tracedProblems(spec: FieldSpec, field: ReturnType<typeof float64Field>, tape: Tape, gTheta: Float64Array) {
  const space = tracedSpace(tape);
  const flat = odeProblem<Traced>((t, y) => tape.record(field.f(t, y.v), (g) => accumulate(y, field.vjp(t, y.v, g, gTheta))), { space });
  const part = partitionedProblem<Traced>({
    velocity: (t, _q, p) => tape.record(field.velocity(t, p.v), (g) => accumulate(p, field.velocityVjp(t, p.v, g, gTheta))),
    force: (t, q) => tape.record(field.force(t, q.v), (g) => accumulate(q, field.forceVjp(t, q.v, g, gTheta))),
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
 * can be back-propagated (the Float64 reference of back-propagation through the solver).
 * ∂L/∂θ from the tape lands in `tapeTheta`.
 */
export function float64Backend(
  spec: FieldSpec,
  integrator: AnyIntegrator,
  theta: Float64Array,
  rows: number,
  tape: Tape,
  tapeTheta: Float64Array,
): FieldBackend<Traced> {
  const field = float64Field(spec, theta, rows);
  const partitioned = usesPartitioned(spec, integrator);
  const integ = integrator as unknown as LooseIntegrator;
  const stepOn = (pr: ReturnType<typeof tracedProblems>, t: number, y: Traced, h: number): Traced =>
    partitioned ? pr.join(integ.step(pr.part, t, pr.split(y), h) as { q: Traced; p: Traced }) : (integ.step(pr.flat, t, y, h) as Traced);
  const main = tracedProblems(spec, field, tape, tapeTheta);
  return {
    space: main.space,
    tidy: (fn) => fn(),
    release: () => {},
    f: (t, y) => tape.leaf(field.f(t, y.v)),
    vjp(t, y, a) {
      const g = new Float64Array(field.P);
      const gy = field.vjp(t, y.v, a.v, g);
      return [tape.leaf(gy), tape.leaf(g)];
    },
    step: (t, y, h) => stepOn(main, t, y, h),
    stepVjp(t, y, h, a) {
      const sub = createTape();
      const g = new Float64Array(field.P);
      const pr = tracedProblems(spec, field, sub, g);
      const y0 = sub.leaf(y.v.slice());
      const out = stepOn(pr, t, y0, h);
      out.g = a.v.slice();
      sub.backward();
      return [tape.leaf(y0.g ?? new Float64Array(y.v.length)), tape.leaf(g)];
    },
    solve(t0, t1, y, options) {
      const pr = tracedProblems(spec, field, tape, tapeTheta);
      if (!partitioned) return integrate(integrator as never, pr.flat as never, y as never, { t0, tEnd: t1, adaptive: options }).yFinal as Traced;
      return pr.join(
        integrate(integrator as never, pr.part as never, pr.split(y) as never, { t0, tEnd: t1, adaptive: options }).yFinal as { q: Traced; p: Traced },
      );
    },
    thetaZeros: () => tape.leaf(new Float64Array(field.P)),
  };
}
