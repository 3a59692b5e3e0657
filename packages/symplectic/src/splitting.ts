/**
 * The splitting engine: a method is a sequence of exact sub-flows of the two parts of a
 * separable system,
 *
 *   drift  φᵀ_τ:  q ← q + τ·∂T/∂p(p)         (partitioned: q ← q + τ·velocity(t, q, p))
 *   kick   φⱽ_τ:  p ← p − τ·∂V/∂q(q)         (partitioned: p ← p + τ·force(t, q, p))
 *
 * composed with step fractions τ = cᵢ·h. Each sub-flow is the exact flow of a Hamiltonian,
 * so every such method is symplectic; it is symmetric when the sequence is a palindrome
 * (Hairer, Lubich & Wanner, Geometric Numerical Integration, §II.5 and §VI.3).
 */
import {
  callbackFailed,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkStep,
  float64Space,
  invalid,
  PhaseflowError,
  type Integrator,
  type PartitionedProblem,
  type PhaseState,
  type SeparableHamiltonianProblem,
  type VectorSpace,
} from '@phaseflow/core';
import { checkCoefficients } from './validate.js';

/** The problems a splitting method solves: separable Hamiltonians and separable partitioned systems. */
export type SplittingProblem<S = Float64Array> = SeparableHamiltonianProblem<S> | PartitionedProblem<S>;

/** An explicit splitting integrator over phase states (q, p) with components in a VectorSpace S. */
export type SplittingIntegrator<S = Float64Array> = Integrator<SplittingProblem<S>, PhaseState<S>> & {
  /** The sub-flow sequence the method applies, in order, as fractions of h. */
  readonly sequence: readonly { readonly flow: 'drift' | 'kick'; readonly c: number }[];
  /** Force (∂V/∂q) evaluations per step. */
  readonly forceEvaluations: number;
  /** True when every sub-flow update is a compensated (Kahan) sum (see {@link SplittingSpec.compensated}). */
  readonly compensated: boolean;
};

/** How a splitting method is specified: s stages, each a drift aᵢ and a kick bᵢ in the order `first` says. */
export interface SplittingSpec {
  readonly name: string;
  /** Classical order (checked by the testkit's measured order). */
  readonly order: number;
  /** Drift coefficients aᵢ (Σaᵢ = 1). */
  readonly a: readonly number[];
  /** Kick coefficients bᵢ (Σbᵢ = 1). */
  readonly b: readonly number[];
  /** Which sub-flow opens each stage (default 'drift'). */
  readonly first?: 'drift' | 'kick';
  /** Where the coefficients come from. */
  readonly reference?: string;
  /**
   * Add every sub-flow's increment to q and p by Kahan's compensated summation, the lost
   * low-order bits carried from one update to the next and from step to step (default false).
   * Plain `q += τ·v` loses the digits of a small increment against a large coordinate; over
   * 1e5–1e6 steps that rounding error random-walks the energy (|ΔH| grows like √n), while the
   * compensated sum keeps it at rounding level (Brouwer's law; Kahan 1965, Higham, Accuracy
   * and Stability §4.3, Hairer, McLachlan & Razakarivony 2008). Costs three additions per
   * component and sub-flow. The compensation follows a trajectory: it is kept while each step
   * is given the previous step's output arrays (as `integrate` does) and starts from zero from
   * any other state; steps from other states in between (re-stepping for an event or an
   * observer's output time) do not disturb it. Float64Array states in core's float64Space only
   * (NOT_AVAILABLE elsewhere).
   */
  readonly compensated?: boolean;
}

const DRIFT = 0;
const KICK = 1;

/** Compile stages into a merged sub-flow sequence (zeros dropped, equal neighbours merged). */
function compile(a: readonly number[], b: readonly number[], first: 'drift' | 'kick') {
  const kinds: number[] = [];
  const cs: number[] = [];
  const push = (kind: number, c: number) => {
    if (c === 0) return;
    if (kinds.length > 0 && kinds[kinds.length - 1] === kind) cs[cs.length - 1] += c;
    else {
      kinds.push(kind);
      cs.push(c);
    }
  };
  for (let i = 0; i < a.length; i++) {
    if (first === 'drift') {
      push(DRIFT, a[i]!);
      push(KICK, b[i]!);
    } else {
      push(KICK, b[i]!);
      push(DRIFT, a[i]!);
    }
  }
  return { kinds: Int8Array.from(kinds), cs: Float64Array.from(cs) };
}

function isPalindrome(kinds: Int8Array, cs: Float64Array): boolean {
  const n = kinds.length;
  for (let i = 0; i < n; i++) {
    const j = n - 1 - i;
    if (kinds[i] !== kinds[j]) return false;
    if (Math.abs(cs[i]! - cs[j]!) > 1e-14 * Math.max(1, Math.abs(cs[i]!))) return false;
  }
  return true;
}

/** Entry checks on the state every splitting or implicit phase-space step makes. */
export function checkPhaseState<S>(state: unknown, component: VectorSpace<S>, argument = 'y'): PhaseState<S> {
  if (state === null || typeof state !== 'object' || !('q' in state) || !('p' in state)) {
    invalid(argument, 'a phase state { q, p }', state);
  }
  const y = state as PhaseState<S>;
  if (component === (float64Space as unknown)) {
    // core's float64Space: both parts Float64Arrays (a plain array or a number is no state of it).
    if (!(y.q instanceof Float64Array)) invalid(`${argument}.q`, 'a Float64Array (the problem is over float64Space)', y.q);
    if (!(y.p instanceof Float64Array)) invalid(`${argument}.p`, 'a Float64Array (the problem is over float64Space)', y.p);
  }
  const nq = component.size(y.q);
  const np = component.size(y.p);
  if (nq !== np) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: q has ${nq} components but p has ${np}; they must agree`, {
      argument: `${argument}.p`,
      expected: `size ${nq} (as ${argument}.q)`,
      received: `size ${np}`,
    });
  }
  return y;
}

/** The time argument of a step: a finite number (one comparison on the hot path). */
export function checkTime(t: unknown): void {
  if (typeof t !== 'number' || t - t !== 0) invalid('t', 'a finite time', t, typeof t === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
}

/**
 * The `out` argument of a phase-space step: left out, or a phase state { q, p } to write into.
 * Its parts are buffers offered for reuse: on the Float64Array path one of the wrong type or
 * size is replaced by a new array (and `out.q`/`out.p` set to it), as the step's TSDoc says.
 */
export function checkPhaseOut(out: unknown): void {
  if (out === undefined) return;
  if (out === null || typeof out !== 'object' || Array.isArray(out) || !('q' in out) || !('p' in out)) {
    invalid('out', 'a phase state { q, p } to write the result into (or leave it out)', out);
  }
}

/** Reject partitioned problems that are not separable (the sub-flows would not be exact). */
function checkSeparable(name: string, problem: SplittingProblem<unknown>): void {
  if (problem.kind === 'partitioned' && !problem.separable) {
    throw new PhaseflowError(
      'UNSUPPORTED_PROBLEM',
      `problem: ${name} needs a separable partitioned problem (velocity depending on p only, force on q and t only); received separable: false — use an implicit method (createGaussLegendre) instead`,
      { argument: 'problem.separable', expected: 'true', received: 'false' },
    );
  }
}

/**
 * `steps` ≥ 1 steps of a separable Hamiltonian from (yq, yp) into (q, p) — which may be the same
 * arrays — with step fractions τₖ = cₖh in `tau` and the gradient scratch `g`.
 */
type HamiltonianKernel = (
  problem: SeparableHamiltonianProblem<Float64Array>,
  yq: Float64Array,
  yp: Float64Array,
  q: Float64Array,
  p: Float64Array,
  g: Float64Array,
  tau: Float64Array,
  steps: number,
  fail: (error: unknown, callback: number) => never,
) => void;

/** The user callbacks of the sub-flows, by the index the step code tracks (0: none yet). */
const CALLBACKS = ['problem', 'problem.dTdp', 'problem.dVdq', 'problem.velocity', 'problem.force'] as const;
const C_DTDP = 1;
const C_DVDQ = 2;
const C_VELOCITY = 3;
const C_FORCE = 4;

/**
 * A sub-flow's callback threw: a PhaseflowError as it is (the callback's own coded refusal),
 * anything else as CALLBACK_FAILED naming the callback (`problem.dVdq`, …), with the thrown
 * value as `cause` and the step's t where the method knows it.
 */
function subFlowFailed(error: unknown, callback: number, t?: number): never {
  if (error instanceof PhaseflowError || callback === 0) throw error;
  throw callbackFailed(CALLBACKS[callback]!, error, t === undefined ? {} : { t });
}

/** One callback call of the generic (any VectorSpace) path, its throw reported by {@link subFlowFailed}. */
function callSubFlow<S>(callback: number, t: number, call: () => S): S {
  try {
    return call();
  } catch (e) {
    return subFlowFailed(e, callback, t);
  }
}

/** The compensation of one trajectory of a compensated method, and the p array of its latest state. */
interface Compensation {
  p: Float64Array;
  readonly cq: Float64Array;
  readonly cp: Float64Array;
}

/**
 * Systems of at most this many degrees of freedom get kernels with the component loops written
 * out (`q[0] = …; q[1] = …;`), one kernel per size: on a 2-dof problem such as Hénon–Heiles the
 * loop's counter, bound and exit branch cost as much as the arithmetic (a hand-written loop
 * for such a problem writes its two components out). Larger systems share the looped kernel.
 */
const UNROLLED_MAX_SIZE = 8;

/**
 * A merged drift/kick sequence compiled into JavaScript of its own, once per integrator (on its
 * first `advance`): each sub-flow its own loop with its own τₖ, no dispatch per sub-flow, and a
 * body — hence V8 type feedback — of its own, so that on small systems the calls of ∂T/∂p and
 * ∂V/∂q are inlined as in a hand-written loop instead of going through one loop that every
 * method and problem of the process shares (an integrator per use, as the `createX()`
 * factories give, is then as specialised as a loop written for that use). With `size` (at most
 * {@link UNROLLED_MAX_SIZE}) the kernel serves states of exactly that many components and
 * writes each sub-flow's component updates out instead of looping over them. The arithmetic
 * is that of the step loop it replaces, in the same order (bitwise the same states). Only the
 * shape of the sequence (which sub-flow comes when) and the size go into the source; the
 * coefficients arrive in `tau`, so nothing a user supplies is ever compiled. Undefined where
 * the environment forbids code generation (a Content-Security-Policy without 'unsafe-eval'):
 * the caller then runs the step loop.
 */
function compileHamiltonianKernel(kinds: Int8Array, size?: number): HamiltonianKernel | undefined {
  const nOps = kinds.length;
  const unrolled = size !== undefined && Number.isInteger(size) && size >= 1 && size <= UNROLLED_MAX_SIZE;
  /** `x[i] = x[i] ± c * d[i]` over the components: a loop, or `size` statements. */
  const update = (x: string, sign: '+' | '-'): string => {
    if (!unrolled) return `for (let i = 0; i < n; i++) ${x}[i] = ${x}[i] ${sign} c * d[i];`;
    let out = '';
    for (let i = 0; i < size; i++) out += `${x}[${i}] = ${x}[${i}] ${sign} c * d[${i}]; `;
    return out;
  };
  /** One sub-flow in place: the drift q ← q + τ·∂T/∂p(p) or the kick p ← p − τ·∂V/∂q(q). */
  // `cb` tracks which callback runs, for the error when one throws (CALLBACKS' indices).
  const op = (kind: number, tau: string): string =>
    kind === DRIFT
      ? `{ const c = ${tau}; cb = ${C_DTDP}; const d = problem.dTdp(p, g); ${update('q', '+')} }`
      : `{ const c = ${tau}; cb = ${C_DVDQ}; const d = problem.dVdq(q, g); ${update('p', '-')} }`;
  // The input state is copied into the output once per call (the copy is exact, so the
  // arithmetic is that of the step loop, which reads the input in its first sub-flows); then
  // every step runs in place, each sub-flow call site once per step as in a hand-written loop.
  const lines: string[] = [
    "'use strict';",
    'const n = yq.length;',
    'if (q !== yq) q.set(yq);',
    'if (p !== yp) p.set(yp);',
    'let cb = 0;',
    'try {',
    'for (let s = 0; s < steps; s++) {',
  ];
  if (nOps <= 3) {
    // Short sequences (Störmer–Verlet, symplectic Euler): every sub-flow written out.
    for (let k = 0; k < nOps; k++) lines.push(op(kinds[k]!, `tau[${k}]`));
  } else {
    // Long ones: the alternating pairs in a loop (V8 inlines a bounded amount of code per function).
    const pairsEnd = nOps % 2 === 1 ? nOps - 1 : nOps;
    lines.push(`for (let k = 0; k < ${pairsEnd}; k += 2) { ${op(kinds[0]!, 'tau[k]')} ${op(kinds[1]!, 'tau[k + 1]')} }`);
    if (nOps % 2 === 1) lines.push(op(kinds[nOps - 1]!, `tau[${nOps - 1}]`));
  }
  lines.push('}', '} catch (e) {', 'fail(e, cb);', '}');
  const source = lines.join('\n');
  try {
    // Compiled from the sequence's shape and the size only (see above).
    return new Function('problem', 'yq', 'yp', 'q', 'p', 'g', 'tau', 'steps', 'fail', source) as HamiltonianKernel;
  } catch {
    return undefined;
  }
}

/**
 * Build an explicit splitting integrator from its stage coefficients.
 *
 * Each stage i applies, in the order `first` says, the drift q ← q + aᵢh·∂T/∂p and the kick
 * p ← p − bᵢh·∂V/∂q. Time is carried by the drift (t advances with Σaᵢ), so a time-dependent
 * force of a partitioned problem is evaluated at the right stage time. Symmetry is read off
 * the coefficients (the merged sequence is a palindrome), not asserted. When the component
 * space is core's `float64Space` and q, p are Float64Arrays, a specialised step runs the
 * alternating drift/kick sequence in plain loops with τₖ = cₖh precomputed, reading y and
 * writing `out` directly (no copy, whether `out` is y or a separate buffer); any other
 * VectorSpace, mutable or immutable, goes through `copy` and `axpy`. Both give bitwise the same
 * states. Every step calls core's `checkStep`. Scratch buffers live in the integrator, so a
 * step on Float64Array with `out` allocates nothing.
 *
 * Source: McLachlan & Quispel, "Splitting methods", Acta Numerica 11 (2002).
 *
 * @example
 * ```ts
 * import { kepler } from '@phaseflow/problems';
 * const leapfrog = createSplittingMethod({ name: 'my-leapfrog', order: 2, a: [0.5, 0.5], b: [1, 0] });
 * const k = kepler();
 * const y1 = leapfrog.step(k.problem, 0, k.y0(), 0.01);
 * ```
 */
export function createSplittingMethod<S = Float64Array>(spec: SplittingSpec): SplittingIntegrator<S> {
  const s = checkOptions('spec', spec, ['name', 'order', 'a', 'b', 'first', 'reference', 'compensated']);
  if (s.compensated !== undefined && typeof s.compensated !== 'boolean') invalid('spec.compensated', 'a boolean', s.compensated);
  const compensated = s.compensated ?? false;
  if (typeof s.name !== 'string' || s.name.length === 0) invalid('spec.name', 'a non-empty string', s.name);
  if (typeof s.order !== 'number' || !Number.isInteger(s.order) || s.order < 1) invalid('spec.order', 'an integer >= 1', s.order);
  const first = s.first === undefined ? 'drift' : checkOneOf('spec.first', s.first, ['drift', 'kick'] as const);
  checkCoefficients('spec.a', s.a, { sumToOne: true });
  checkCoefficients('spec.b', s.b, { sumToOne: true, length: s.a.length });
  if (s.reference !== undefined && (typeof s.reference !== 'string' || s.reference.length === 0)) invalid('spec.reference', 'a non-empty string', s.reference);
  const { kinds, cs } = compile(s.a, s.b, first);
  const nOps = kinds.length;
  const symmetric = isPalindrome(kinds, cs);
  let forceEvaluations = 0;
  for (let k = 0; k < nOps; k++) if (kinds[k] === KICK) forceEvaluations++;

  // Scratch for the gradient, reused by every step of this integrator (generic path).
  let scratch: unknown;
  let scratchSize = -1;

  // Float64Array fast path. The merged sequence alternates drift and kick (compile merges
  // equal neighbours), so it is run as pairs without a per-sub-flow dispatch; the step
  // fractions τₖ = cₖ·h are recomputed only when h changes, and the gradient scratch lives
  // here. The first drift and the first kick read y and write the output buffers, so a step
  // into a separate `out` (the alternating buffers of core's fixed-step loop) copies nothing;
  // later sub-flows update the output in place. The arithmetic is that of the generic path.
  const kickFirst = kinds[0] === KICK;
  let g64 = new Float64Array(0);
  const tau = new Float64Array(nOps);
  let tauH = NaN;
  const setTau = (h: number): void => {
    for (let k = 0; k < nOps; k++) tau[k] = cs[k]! * h;
    tauH = h;
  };
  const gradient = (n: number): Float64Array => (g64.length === n ? g64 : (g64 = new Float64Array(n)));

  function stepHamiltonian(
    problem: SeparableHamiltonianProblem<Float64Array>,
    yq: Float64Array,
    yp: Float64Array,
    q: Float64Array,
    p: Float64Array,
    g: Float64Array,
    tau: Float64Array,
  ): void {
    const n = yq.length;
    const t0 = tau[0]!;
    const t1 = tau[1]!;
    let cb = 0;
    try {
      if (kickFirst) {
        cb = C_DVDQ;
        const f = problem.dVdq(yq, g);
        for (let i = 0; i < n; i++) p[i] = yp[i]! - t0 * f[i]!;
        cb = C_DTDP;
        const d = problem.dTdp(p, g);
        for (let i = 0; i < n; i++) q[i] = yq[i]! + t1 * d[i]!;
        for (let k = 2; k < nOps; k += 2) {
          const tk = tau[k]!;
          cb = C_DVDQ;
          const fk = problem.dVdq(q, g);
          for (let i = 0; i < n; i++) p[i] -= tk * fk[i]!;
          if (k + 1 === nOps) break;
          const tj = tau[k + 1]!;
          cb = C_DTDP;
          const dk = problem.dTdp(p, g);
          for (let i = 0; i < n; i++) q[i] += tj * dk[i]!;
        }
      } else {
        cb = C_DTDP;
        const d = problem.dTdp(yp, g);
        for (let i = 0; i < n; i++) q[i] = yq[i]! + t0 * d[i]!;
        cb = C_DVDQ;
        const f = problem.dVdq(q, g);
        for (let i = 0; i < n; i++) p[i] = yp[i]! - t1 * f[i]!;
        for (let k = 2; k < nOps; k += 2) {
          const tk = tau[k]!;
          cb = C_DTDP;
          const dk = problem.dTdp(p, g);
          for (let i = 0; i < n; i++) q[i] += tk * dk[i]!;
          if (k + 1 === nOps) break;
          const tj = tau[k + 1]!;
          cb = C_DVDQ;
          const fk = problem.dVdq(q, g);
          for (let i = 0; i < n; i++) p[i] -= tj * fk[i]!;
        }
      }
    } catch (e) {
      subFlowFailed(e, cb);
    }
  }

  /**
   * `steps` ≥ 1 steps of a separable Hamiltonian for `advance` and `prepareAdvance`: this
   * method's sequence compiled into code of its own (see {@link compileHamiltonianKernel}), or the
   * loop above where code cannot be generated. Both do the same arithmetic in the same order.
   * Single `step` calls take the loop: they are what `integrate` makes on its guarded problem
   * (first steps, step-by-step runs, re-stepping for events), and keeping those out of the
   * compiled code keeps its calls of ∂T/∂p, ∂V/∂q monomorphic for the chunks, which run on
   * the problem as given.
   */
  const loop: HamiltonianKernel = (problem, yq, yp, q, p, g, tau, steps) => {
    // stepHamiltonian reports a callback's throw itself.
    stepHamiltonian(problem, yq, yp, q, p, g, tau);
    for (let j = 1; j < steps; j++) stepHamiltonian(problem, q, p, q, p, g, tau);
  };
  let compiled: HamiltonianKernel | undefined;
  /** Kernels with the components written out, by size (see {@link UNROLLED_MAX_SIZE}); built on first use of each size. */
  const compiledBySize: (HamiltonianKernel | undefined)[] = [];
  /** The kernel for states of `size` components. */
  const hamiltonianKernel = (size: number): HamiltonianKernel => {
    if (size >= 1 && size <= UNROLLED_MAX_SIZE) return (compiledBySize[size] ??= compileHamiltonianKernel(kinds, size) ?? loop);
    return (compiled ??= compileHamiltonianKernel(kinds) ?? loop);
  };
  const runHamiltonian = (
    problem: SeparableHamiltonianProblem<Float64Array>,
    yq: Float64Array,
    yp: Float64Array,
    q: Float64Array,
    p: Float64Array,
    g: Float64Array,
    tau: Float64Array,
    steps: number,
  ): void => hamiltonianKernel(yq.length)(problem, yq, yp, q, p, g, tau, steps, subFlowFailed);

  // Compensated summation: the low-order bits the rounded q, p lost, carried by the
  // trajectory whose latest state is a given (q, p) pair of arrays. A step from a state takes
  // its trajectory's compensation (zeros for a state no step of this integrator produced) and
  // hands it to the arrays it writes, so a step from some other state in between — an
  // observer's output time, an event search, both re-stepping from a copy of a step's start —
  // starts its own trajectory and leaves the run's untouched.
  const trajectories = new WeakMap<Float64Array, Compensation>();
  const compensation = (yq: Float64Array, yp: Float64Array, q: Float64Array, p: Float64Array): Compensation => {
    let c = trajectories.get(yq);
    if (c === undefined || c.p !== yp || c.cq.length !== yq.length) c = { p: yp, cq: new Float64Array(yq.length), cp: new Float64Array(yq.length) };
    else if (q !== yq) trajectories.delete(yq);
    c.p = p;
    trajectories.set(q, c);
    return c;
  };

  /** One step of either kind with every update a Kahan sum: t = x + (τg − c), c = (t − x) − (τg − c). */
  function stepCompensated(
    problem: SplittingProblem<Float64Array>,
    t: number,
    yq: Float64Array,
    yp: Float64Array,
    q: Float64Array,
    p: Float64Array,
    g: Float64Array,
    tau: Float64Array,
    c: Compensation,
  ): void {
    const n = yq.length;
    const { cq, cp } = c;
    const ham = problem.kind === 'separable-hamiltonian';
    const sh = problem as SeparableHamiltonianProblem<Float64Array>;
    const pp = problem as PartitionedProblem<Float64Array>;
    let tq = t;
    let qs = yq;
    let ps = yp;
    let cb = 0;
    try {
      for (let k = 0; k < nOps; k++) {
        const tk = tau[k]!;
        if (kinds[k] === DRIFT) {
          cb = ham ? C_DTDP : C_VELOCITY;
          const v = ham ? sh.dTdp(ps, g) : pp.velocity(tq, qs, ps, g);
          for (let i = 0; i < n; i++) {
            const x = qs[i]!;
            const y = tk * v[i]! - cq[i]!;
            const sum = x + y;
            cq[i] = sum - x - y;
            q[i] = sum;
          }
          qs = q;
          tq += tk;
        } else {
          cb = ham ? C_DVDQ : C_FORCE;
          const f = ham ? sh.dVdq(qs, g) : pp.force(tq, qs, ps, g);
          const sign = ham ? -tk : tk;
          for (let i = 0; i < n; i++) {
            const x = ps[i]!;
            const y = sign * f[i]! - cp[i]!;
            const sum = x + y;
            cp[i] = sum - x - y;
            p[i] = sum;
          }
          ps = p;
        }
      }
    } catch (e) {
      subFlowFailed(e, cb, tq);
    }
  }

  /** The same for a separable partitioned problem: p ← p + τ·force, time carried by the drifts. */
  function stepPartitioned(
    problem: PartitionedProblem<Float64Array>,
    t: number,
    yq: Float64Array,
    yp: Float64Array,
    q: Float64Array,
    p: Float64Array,
    g: Float64Array,
    tau: Float64Array,
  ): void {
    const n = yq.length;
    let tq = t;
    let qs = yq;
    let ps = yp;
    let cb = 0;
    try {
      for (let k = 0; k < nOps; k++) {
        const tk = tau[k]!;
        if (kinds[k] === DRIFT) {
          cb = C_VELOCITY;
          const v = problem.velocity(tq, qs, ps, g);
          for (let i = 0; i < n; i++) q[i] = qs[i]! + tk * v[i]!;
          qs = q;
          tq += tk;
        } else {
          cb = C_FORCE;
          const f = problem.force(tq, qs, ps, g);
          for (let i = 0; i < n; i++) p[i] = ps[i]! + tk * f[i]!;
          ps = p;
        }
      }
    } catch (e) {
      subFlowFailed(e, cb, tq);
    }
  }

  const integrator: SplittingIntegrator<S> = {
    name: s.name,
    order: s.order,
    problemKinds: ['separable-hamiltonian', 'partitioned'],
    properties: { explicit: true, symplectic: true, timeReversible: symmetric, adaptive: false },
    ...(s.reference !== undefined && { reference: s.reference }),
    sequence: Array.from(kinds, (k, i) => ({ flow: k === DRIFT ? ('drift' as const) : ('kick' as const), c: cs[i]! })),
    forceEvaluations,
    compensated,
    step(problem, t, y, h, out) {
      checkStep(integrator, problem, h);
      checkTime(t);
      checkSeparable(integrator.name, problem as SplittingProblem<unknown>);
      return fastSteps(problem, t, y, h, 1, out, false) ?? genericStep(problem, t, y, h, out);
    },
    advance(problem, t, y, h, n, out) {
      checkStep(integrator, problem, h);
      checkTime(t);
      // core's checkInteger builds its message on every call: test first, let it explain a refusal.
      if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0)) checkInteger('n', n, { min: 0 });
      checkSeparable(integrator.name, problem as SplittingProblem<unknown>);
      if (n > 0) {
        const fast = fastSteps(problem, t, y, h, n, out, true);
        if (fast) return fast;
      }
      if (n === 0) {
        const c = problem.space.component;
        checkPhaseState(y, c);
        checkPhaseOut(out);
      }
      let z = n === 0 ? problem.space.copy(y, out) : genericStep(problem, t, y, h, out);
      for (let j = 1; j < n; j++) z = genericStep(problem, t + j * h, z, h, z);
      return z;
    },
    prepareAdvance(problem, y, h) {
      // Everything `advance` checks and decides on each call, once for the run.
      checkStep(integrator, problem, h);
      checkSeparable(integrator.name, problem as SplittingProblem<unknown>);
      checkPhaseState(y, problem.space.component);
      const yq = (y as PhaseState<unknown> | null | undefined)?.q;
      const yp = (y as PhaseState<unknown> | null | undefined)?.p;
      if (problem.space.component !== (float64Space as unknown) || !(yq instanceof Float64Array) || !(yp instanceof Float64Array) || yq.length !== yp.length) {
        return undefined;
      }
      const m = yq.length;
      // The run's own step fractions and gradient scratch: steps taken in between (an
      // observer's output time, an event search) cannot disturb them.
      const tauRun = new Float64Array(nOps);
      for (let k = 0; k < nOps; k++) tauRun[k] = cs[k]! * h;
      const g = new Float64Array(m);
      const target = (from: PhaseState<S>, out: PhaseState<S> | undefined): PhaseState<S> =>
        out === from ? from : (out ?? { q: new Float64Array(m) as S, p: new Float64Array(m) as S });
      type F = Float64Array;
      if (compensated) {
        const pr = problem as unknown as SplittingProblem<F>;
        return (t, from, n, out) => {
          const o = target(from, out);
          const q = o.q as F;
          const p = o.p as F;
          const c = compensation(from.q as F, from.p as F, q, p);
          stepCompensated(pr, t, from.q as F, from.p as F, q, p, g, tauRun, c);
          for (let j = 1; j < n; j++) stepCompensated(pr, t + j * h, q, p, q, p, g, tauRun, c);
          return o;
        };
      }
      if (problem.kind === 'separable-hamiltonian') {
        const pr = problem as unknown as SeparableHamiltonianProblem<F>;
        const kernel = hamiltonianKernel(m);
        return (_t, from, n, out) => {
          const o = target(from, out);
          kernel(pr, from.q as F, from.p as F, o.q as F, o.p as F, g, tauRun, n, subFlowFailed);
          return o;
        };
      }
      const pr = problem as unknown as PartitionedProblem<F>;
      return (t, from, n, out) => {
        const o = target(from, out);
        const q = o.q as F;
        const p = o.p as F;
        stepPartitioned(pr, t, from.q as F, from.p as F, q, p, g, tauRun);
        for (let j = 1; j < n; j++) stepPartitioned(pr, t + j * h, q, p, q, p, g, tauRun);
        return o;
      };
    },
  };

  /**
   * n ≥ 1 steps on the Float64Array fast path — Float64Array components in core's
   * float64Space, q and p of equal size — or undefined when the state does not qualify. The
   * first step reads y and writes the output buffers (a separate `out`, or y itself when
   * out === y); the others update them in place.
   */
  function fastSteps(
    problem: SplittingProblem<S>,
    t: number,
    y: PhaseState<S>,
    h: number,
    n: number,
    out: PhaseState<S> | undefined,
    compiledKernel: boolean,
  ): PhaseState<S> | undefined {
    const yq = (y as PhaseState<unknown> | null | undefined)?.q;
    const yp = (y as PhaseState<unknown> | null | undefined)?.p;
    if (problem.space.component !== (float64Space as unknown) || !(yq instanceof Float64Array) || !(yp instanceof Float64Array) || yq.length !== yp.length) {
      return undefined;
    }
    const m = yq.length;
    let q = yq;
    let p = yp;
    if (out !== y) {
      checkPhaseOut(out);
      const oq = out?.q;
      const op = out?.p;
      q = oq instanceof Float64Array && oq.length === m ? oq : new Float64Array(m);
      p = op instanceof Float64Array && op.length === m ? op : new Float64Array(m);
    }
    if (h !== tauH) setTau(h);
    const g = gradient(m);
    if (compensated) {
      const pr = problem as unknown as SplittingProblem<Float64Array>;
      const c = compensation(yq, yp, q, p);
      stepCompensated(pr, t, yq, yp, q, p, g, tau, c);
      for (let j = 1; j < n; j++) stepCompensated(pr, t + j * h, q, p, q, p, g, tau, c);
    } else if (problem.kind === 'separable-hamiltonian') {
      const pr = problem as unknown as SeparableHamiltonianProblem<Float64Array>;
      if (compiledKernel) runHamiltonian(pr, yq, yp, q, p, g, tau, n);
      else {
        stepHamiltonian(pr, yq, yp, q, p, g, tau);
        for (let j = 1; j < n; j++) stepHamiltonian(pr, q, p, q, p, g, tau);
      }
    } else {
      const pr = problem as unknown as PartitionedProblem<Float64Array>;
      stepPartitioned(pr, t, yq, yp, q, p, g, tau);
      for (let j = 1; j < n; j++) stepPartitioned(pr, t + j * h, q, p, q, p, g, tau);
    }
    if (out) {
      out.q = q as S;
      out.p = p as S;
      return out;
    }
    return { q: q as S, p: p as S };
  }

  /** Any VectorSpace (mutable or immutable), through `copy` and `axpy`. */
  function genericStep(problem: SplittingProblem<S>, t: number, y: PhaseState<S>, h: number, out: PhaseState<S> | undefined): PhaseState<S> {
    const c = problem.space.component;
    checkPhaseState(y, c);
    checkPhaseOut(out);
    if (compensated) {
      throw new PhaseflowError(
        'NOT_AVAILABLE',
        `${integrator.name}: compensated summation runs on Float64Array states in core's float64Space, not on ${c.name}`,
        {
          argument: 'problem.space',
          expected: 'phaseSpace(float64Space) with Float64Array q and p',
          received: problem.space.name,
        },
      );
    }
    const n = c.size(y.q);
    if (n !== scratchSize) {
      scratch = c.zeros(y.q);
      scratchSize = n;
    }
    const g0 = scratch as S;
    const ham = problem.kind === 'separable-hamiltonian';
    const sh = problem as SeparableHamiltonianProblem<S>;
    const pp = problem as PartitionedProblem<S>;
    let q = c.copy(y.q, out?.q);
    let p = c.copy(y.p, out?.p);
    let tq = t;
    for (let k = 0; k < nOps; k++) {
      const tk = cs[k]! * h;
      if (kinds[k] === DRIFT) {
        const g = callSubFlow(ham ? C_DTDP : C_VELOCITY, tq, () => (ham ? sh.dTdp(p, g0) : pp.velocity(tq, q, p, g0)));
        q = c.axpy(tk, g, q, q);
        tq += tk;
      } else if (ham) {
        p = c.axpy(
          -tk,
          callSubFlow(C_DVDQ, tq, () => sh.dVdq(q, g0)),
          p,
          p,
        );
      } else {
        p = c.axpy(
          tk,
          callSubFlow(C_FORCE, tq, () => pp.force(tq, q, p, g0)),
          p,
          p,
        );
      }
    }
    if (out) {
      out.q = q;
      out.p = p;
      return out;
    }
    return { q, p };
  }
  return integrator;
}

/**
 * The same splitting method with compensated (Kahan) summation of every sub-flow update (see
 * {@link SplittingSpec.compensated}): same name, order, sequence and properties, rounding
 * error kept at rounding level over long runs, about three extra additions per component and
 * sub-flow.
 *
 * @example
 * ```ts
 * const ss10 = withCompensatedSummation(createSofroniouSpaletta10());
 * integrate(ss10, sun5.problem, sun5.y0(), { tEnd: 2e7, h: 20 });
 * ```
 */
export function withCompensatedSummation<S = Float64Array>(method: SplittingIntegrator<S>): SplittingIntegrator<S> {
  const m = method as Partial<SplittingIntegrator<S>> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    !Array.isArray(m.sequence) ||
    m.sequence.length === 0 ||
    typeof m.name !== 'string' ||
    typeof m.order !== 'number'
  ) {
    invalid('method', 'a splitting integrator (createSplittingMethod, createStormerVerlet, …)', method);
  }
  return splittingFromSequence<S>(m.name, m.order, m.sequence, m.reference, true);
}

/** @internal A splitting method from a sub-flow sequence (alternating, as `sequence` lists it). */
export function splittingFromSequence<S>(
  name: string,
  order: number,
  sequence: readonly { readonly flow: 'drift' | 'kick'; readonly c: number }[],
  reference: string | undefined,
  compensated: boolean,
): SplittingIntegrator<S> {
  const first = sequence[0]!.flow;
  const a: number[] = [];
  const b: number[] = [];
  for (const { flow, c } of sequence) {
    if (flow === first) {
      a.push(0);
      b.push(0);
    }
    (flow === 'drift' ? a : b)[a.length - 1]! += c;
  }
  return createSplittingMethod<S>({ name, order, a, b, first, ...(reference !== undefined && { reference }), compensated });
}

/**
 * The splitting coefficients of a symmetric composition of position (drift–kick–drift)
 * Störmer–Verlet steps with weights γ₁…γ_s, adjacent half-drifts merged:
 * drift γ₁/2, kick γ₁, drift (γ₁+γ₂)/2, kick γ₂, …, kick γ_s, drift γ_s/2 — s force
 * evaluations per step.
 *
 * @example
 * ```ts
 * const { a, b } = verletCompositionCoefficients([1.35, -1.70, 1.35]); // ≈ Forest–Ruth
 * ```
 */
export function verletCompositionCoefficients(gamma: readonly number[]): { a: number[]; b: number[] } {
  checkCoefficients('gamma', gamma, { sumToOne: true });
  const s = gamma.length;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i <= s; i++) {
    const left = i > 0 ? gamma[i - 1]! : 0;
    const right = i < s ? gamma[i]! : 0;
    a.push((left + right) / 2);
    b.push(right);
  }
  return { a, b };
}
