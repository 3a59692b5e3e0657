/**
 * A reverse-mode tape over Float64 vectors and the vector space of traced vectors on it: every
 * linear combination an integrator makes is recorded, so one step — or a whole run — of any
 * core Integrator can be differentiated in reverse mode. The Float64 reference of
 * back-propagation through the solver.
 */
import { PhaseflowError, checkFinite, checkFunction, checkNonNegative, invalid, type VectorSpace } from '@phaseflow/core';

/** @internal A Float64Array, or a coded error naming `argument`. */
function checkVector(argument: string, v: unknown): Float64Array {
  if (!(v instanceof Float64Array)) invalid(argument, 'a Float64Array', v);
  return v;
}

/** @internal A traced value { v: Float64Array } (of `length` numbers when given), or a coded error naming `argument`. */
function checkTraced(argument: string, x: unknown, length?: number): Traced {
  if (x === null || typeof x !== 'object' || !((x as Traced).v instanceof Float64Array))
    invalid(argument, 'a traced value { v: Float64Array } of this tape', x);
  const n = (x as Traced).v.length;
  if (length !== undefined && n !== length) sizeMismatch(argument, length, n);
  return x as Traced;
}

function sizeMismatch(argument: string, expected: number, received: number): never {
  throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${expected} numbers, received ${received}`, {
    argument,
    expected: `${expected} numbers`,
    received: `${received} numbers`,
  });
}

/** A value recorded on a {@link Tape}: its numbers and, after `backward`, its gradient. */
export interface Traced {
  readonly v: Float64Array;
  g?: Float64Array;
}

/** A reverse-mode tape over Float64 vectors (see {@link createTape}). */
export interface Tape {
  /** A leaf: a value with no inputs (its gradient accumulates in `g`). */
  leaf(v: Float64Array): Traced;
  /** Record an operation with value `v`: `backward(gOut)` adds into its inputs' gradients. */
  record(v: Float64Array, backward: (gOut: Float64Array) => void): Traced;
  /** Run the recorded operations in reverse (seed the outputs' `g` first), then clear the tape. */
  backward(): void;
  /** Number of recorded operations (the memory of back-propagation through the solver). */
  readonly length: number;
}

/**
 * A new, empty reverse-mode tape. Seed the gradient of the outputs (`out.g = ∂L/∂out`), call
 * `backward()`, and read ∂L/∂x from every leaf's `g`.
 *
 * @example
 * ```ts
 * const tape = createTape();
 * const x = tape.leaf(Float64Array.of(1, 2));
 * const y = tracedSpace(tape).scale(3, x);
 * y.g = Float64Array.of(1, 1);
 * tape.backward();
 * x.g; // [3, 3]
 * ```
 */
export function createTape(): Tape {
  const back: (() => void)[] = [];
  return {
    leaf: (v) => ({ v: checkVector('v', v) }),
    record(v, backward) {
      checkVector('v', v);
      checkFunction('backward', backward);
      const out: Traced = { v };
      back.push(() => {
        if (out.g) backward(out.g);
      });
      return out;
    },
    backward() {
      for (let i = back.length - 1; i >= 0; i--) back[i]!();
      back.length = 0;
    },
    get length() {
      return back.length;
    },
  };
}

/**
 * g(x) += s · v: add a (scaled) cotangent into a traced value's gradient, creating it at zero
 * first. The building block of hand-written `record` callbacks.
 *
 * @example
 * ```ts
 * const y = tape.record(f(x.v), (g) => accumulate(x, dfTransposed(x.v, g)));
 * ```
 */
export function accumulate(x: Traced, v: Float64Array, s = 1): void {
  checkTraced('x', x);
  if (!ArrayBuffer.isView(v) || v instanceof DataView) invalid('v', 'a Float64Array (the cotangent)', v);
  if (v.length !== x.v.length) sizeMismatch('v', x.v.length, v.length);
  checkFinite('s', s);
  const g = (x.g ??= new Float64Array(x.v.length));
  for (let i = 0; i < g.length; i++) g[i] += s * v[i]!;
}

/**
 * The immutable vector space of traced Float64 vectors on `tape`: `axpy`, `scale`, `combine`,
 * `clone` and `copy` record their pullbacks, so any core Integrator run on it (with a problem
 * whose field records its own vjp) can be back-propagated with `tape.backward()`.
 * `errorNorm` is the weighted RMS norm of adaptive control (scalar tolerances).
 *
 * @example
 * ```ts
 * const tape = createTape();
 * const space = tracedSpace(tape);
 * const problem = odeProblem<Traced>((t, y) => tape.record(f(y.v), (g) => accumulate(y, vjp(y.v, g))), { space });
 * const y1 = createRk4<Traced>().step(problem, 0, tape.leaf(y0), 0.1);
 * ```
 */
export function tracedSpace(tape: Tape): VectorSpace<Traced> {
  if (tape === null || typeof tape !== 'object' || typeof tape.record !== 'function' || typeof tape.leaf !== 'function')
    invalid('tape', 'a Tape { leaf, record, backward } (createTape())', tape);
  const rec = tape.record.bind(tape);
  const tr = checkTraced;
  return {
    name: 'traced(float64)',
    mutable: false,
    zeros: (like) => tape.leaf(new Float64Array(tr('like', like).v.length)),
    clone: (x) => rec(tr('x', x).v.slice(), (g) => accumulate(x, g)),
    copy: (x) => rec(tr('src', x).v.slice(), (g) => accumulate(x, g)),
    size: (x) => tr('x', x).v.length,
    isFinite: (x) => tr('x', x).v.every(Number.isFinite),
    toFloat64: (x, out) => {
      const n = tr('x', x).v.length;
      if (out !== undefined && checkVector('out', out).length !== n) sizeMismatch('out', n, out.length);
      const o = out ?? new Float64Array(n);
      o.set(x.v);
      return o;
    },
    axpy(a, x, y) {
      checkFinite('a', a);
      tr('y', y);
      tr('x', x, y.v.length);
      const v = y.v.slice();
      for (let i = 0; i < v.length; i++) v[i] += a * x.v[i]!;
      return rec(v, (g) => {
        accumulate(y, g);
        accumulate(x, g, a);
      });
    },
    scale: (a, x) =>
      rec(
        tr('x', x).v.map((u) => checkFinite('a', a) * u),
        (g) => accumulate(x, g, a),
      ),
    combine(coefficients, terms, base) {
      if (coefficients === null || typeof coefficients !== 'object' || !(Array.isArray(coefficients) || ArrayBuffer.isView(coefficients)))
        invalid('coefficients', 'an array or typed array of finite numbers', coefficients);
      if (!Array.isArray(terms)) invalid('xs', 'an array of traced values', terms);
      if (coefficients.length < terms.length) invalid('coefficients', `at least ${terms.length} coefficients (one per term of xs)`, coefficients);
      if (base !== undefined) tr('base', base);
      else if (terms.length === 0) invalid('xs', 'at least one traced value when base is omitted', terms);
      const n = base ? base.v.length : tr('xs[0]', terms[0]).v.length;
      for (let j = 0; j < terms.length; j++) if (checkFinite(`coefficients[${j}]`, coefficients[j]) !== 0) tr(`xs[${j}]`, terms[j], n);
      // Integrators reuse their coefficient and stage arrays: keep copies for the backward pass.
      const cs = Array.from(coefficients);
      const xs = terms.slice();
      const v = base ? base.v.slice() : new Float64Array(xs[0]!.v.length);
      for (let j = 0; j < xs.length; j++) {
        const c = cs[j]!;
        if (c === 0) continue;
        const x = xs[j]!.v;
        for (let i = 0; i < v.length; i++) v[i] += c * x[i]!;
      }
      return rec(v, (g) => {
        if (base) accumulate(base, g);
        for (let j = 0; j < xs.length; j++) if (cs[j] !== 0) accumulate(xs[j]!, g, cs[j]!);
      });
    },
    dot(x, y) {
      tr('y', y, tr('x', x).v.length);
      return x.v.reduce((s, u, i) => s + u * y.v[i]!, 0);
    },
    norm: (x) => Math.hypot(...tr('x', x).v),
    errorNorm(err, a, b, atol, rtol) {
      const n = tr('err', err).v.length;
      tr('a', a, n);
      tr('b', b, n);
      // Scalar tolerances only (the traced space is the reference of back-propagation, not a production solver).
      checkNonNegative('atol', atol);
      checkNonNegative('rtol', rtol);
      let s = 0;
      for (let i = 0; i < n; i++) {
        const w = (atol as number) + (rtol as number) * Math.max(Math.abs(a.v[i]!), Math.abs(b.v[i]!));
        s += (err.v[i]! / w) ** 2;
      }
      return n === 0 ? 0 : Math.sqrt(s / n);
    },
  };
}
