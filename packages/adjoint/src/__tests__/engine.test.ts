import { describe, expect, it } from 'vitest';
import { createRandom, float64Space, integrate, isPhaseflowError, odeProblem, partitionedProblem, type AnyIntegrator } from '@phaseflow/core';
import { createDopri5, createRk4 } from '@phaseflow/runge-kutta';
import { createLeapfrog } from '@phaseflow/symplectic';
import {
  accumulate,
  adjointBackward,
  augmentedSpace,
  backpropBytes,
  checkpointBackward,
  createTape,
  planCheckpoints,
  reversibleBackward,
  solveForward,
  stepsFor,
  tracedSpace,
  type FieldBackend,
  type GradientMode,
  type Schedule,
  type Tape,
  type Traced,
} from '@phaseflow/adjoint';

/**
 * A small differentiable field for the engine's tests, in Float64 with its vjp written out:
 * y = (q, p) ∈ ℝ² × ℝ², θ = (A ∈ ℝ²ˣ², c ∈ ℝ², B ∈ ℝ²ˣ²),
 *   q' = v(p) = A tanh(p) + c,   p' = F(q) = −B sin(q),
 * solved as a flat `ode` problem (Runge–Kutta) or a separable `partitioned` one (leapfrog).
 */

const M = 2;
const D = 2 * M;
const P = M * M + M + M * M;

interface LooseIntegrator {
  step(problem: unknown, t: number, y: unknown, h: number): unknown;
}

/** v(p) = A tanh(p) + c. */
function velocity(theta: Float64Array, p: Float64Array): Float64Array {
  const out = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let s = theta[M * M + i]!;
    for (let j = 0; j < M; j++) s += theta[i * M + j]! * Math.tanh(p[j]!);
    out[i] = s;
  }
  return out;
}

/** F(q) = −B sin(q). */
function force(theta: Float64Array, q: Float64Array): Float64Array {
  const out = new Float64Array(M);
  const b = M * M + M;
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let j = 0; j < M; j++) s -= theta[b + i * M + j]! * Math.sin(q[j]!);
    out[i] = s;
  }
  return out;
}

/** ∂/∂p of aᵀv(p), adding ∂/∂θ into gTheta. */
function velocityVjp(theta: Float64Array, p: Float64Array, a: Float64Array, gTheta: Float64Array): Float64Array {
  const gp = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    gTheta[M * M + i] += a[i]!;
    for (let j = 0; j < M; j++) {
      const t = Math.tanh(p[j]!);
      gTheta[i * M + j] += a[i]! * t;
      gp[j] += a[i]! * theta[i * M + j]! * (1 - t * t);
    }
  }
  return gp;
}

/** ∂/∂q of aᵀF(q), adding ∂/∂θ into gTheta. */
function forceVjp(theta: Float64Array, q: Float64Array, a: Float64Array, gTheta: Float64Array): Float64Array {
  const gq = new Float64Array(M);
  const b = M * M + M;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < M; j++) {
      gTheta[b + i * M + j] -= a[i]! * Math.sin(q[j]!);
      gq[j] -= a[i]! * theta[b + i * M + j]! * Math.cos(q[j]!);
    }
  }
  return gq;
}

const split = (y: Float64Array): [Float64Array, Float64Array] => [y.slice(0, M), y.slice(M)];
const join = (q: Float64Array, p: Float64Array) => {
  const y = new Float64Array(D);
  y.set(q, 0);
  y.set(p, M);
  return y;
};

/** Evaluations of the test field: f, and the forward pass inside each vjp. */
let fieldEvaluations = 0;

/** f(y) = (v(p), F(q)). */
function field(theta: Float64Array, y: Float64Array): Float64Array {
  fieldEvaluations++;
  const [q, p] = split(y);
  return join(velocity(theta, p), force(theta, q));
}

function fieldVjp(theta: Float64Array, y: Float64Array, a: Float64Array, gTheta: Float64Array): Float64Array {
  fieldEvaluations++;
  const [q, p] = split(y);
  const [aq, ap] = split(a);
  return join(forceVjp(theta, q, ap, gTheta), velocityVjp(theta, p, aq, gTheta));
}

/** [f(y), aᵀ∂f/∂y] from one pass over tanh p, sin q (adding aᵀ∂f/∂θ into gTheta). */
function fieldValueAndVjp(theta: Float64Array, y: Float64Array, a: Float64Array, gTheta: Float64Array): [Float64Array, Float64Array] {
  fieldEvaluations++;
  const [q, p] = split(y);
  const [aq, ap] = split(a);
  const th = p.map(Math.tanh);
  const sq = q.map(Math.sin);
  const b = M * M + M;
  const v = new Float64Array(M);
  const F = new Float64Array(M);
  const gq = new Float64Array(M);
  const gp = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    v[i] = theta[M * M + i]!;
    gTheta[M * M + i] += aq[i]!;
    for (let j = 0; j < M; j++) {
      v[i] += theta[i * M + j]! * th[j]!;
      F[i] -= theta[b + i * M + j]! * sq[j]!;
      gTheta[i * M + j] += aq[i]! * th[j]!;
      gp[j] += aq[i]! * theta[i * M + j]! * (1 - th[j]! * th[j]!);
      gTheta[b + i * M + j] -= ap[i]! * sq[j]!;
      gq[j] -= ap[i]! * theta[b + i * M + j]! * Math.cos(q[j]!);
    }
  }
  return [join(v, F), join(gq, gp)];
}

/** Problems over traced values on `tape` whose pullbacks add ∂L/∂θ into `gTheta`. */
function tracedProblems(theta: Float64Array, tape: Tape, gTheta: Float64Array) {
  const space = tracedSpace(tape);
  const flat = odeProblem<Traced>((_t, y) => tape.record(field(theta, y.v), (g) => accumulate(y, fieldVjp(theta, y.v, g, gTheta))), { space });
  const part = partitionedProblem<Traced>({
    velocity: (_t, _q, p) => tape.record(velocity(theta, p.v), (g) => accumulate(p, velocityVjp(theta, p.v, g, gTheta))),
    force: (_t, q) => tape.record(force(theta, q.v), (g) => accumulate(q, forceVjp(theta, q.v, g, gTheta))),
    separable: true,
    space,
  });
  const toPhase = (y: Traced) => {
    const [q, p] = split(y.v);
    return {
      q: tape.record(q, (g) => accumulate(y, join(g, new Float64Array(M)))),
      p: tape.record(p, (g) => accumulate(y, join(new Float64Array(M), g))),
    };
  };
  const fromPhase = (z: { q: Traced; p: Traced }) =>
    tape.record(join(z.q.v, z.p.v), (g) => {
      const [gq, gp] = split(g);
      accumulate(z.q, gq);
      accumulate(z.p, gp);
    });
  return { space, flat, part, toPhase, fromPhase };
}

/**
 * The Float64 backend of the test field: states are traced on `tape` (so a forward run can be
 * back-propagated, with ∂L/∂θ landing in `tapeTheta`); `partitioned` runs the integrator on
 * the (q, p) problem, else on the flat one.
 */
function testBackend(
  theta: Float64Array,
  integrator: AnyIntegrator,
  partitioned: boolean,
  tape: Tape,
  tapeTheta: Float64Array,
  extras: { valueAndVjp?: boolean; stepsVjp?: boolean } = {},
): FieldBackend<Traced> {
  const integ = integrator as unknown as LooseIntegrator;
  const stepOn = (pr: ReturnType<typeof tracedProblems>, t: number, y: Traced, h: number): Traced =>
    partitioned ? pr.fromPhase(integ.step(pr.part, t, pr.toPhase(y), h) as { q: Traced; p: Traced }) : (integ.step(pr.flat, t, y, h) as Traced);
  const main = tracedProblems(theta, tape, tapeTheta);
  return {
    space: main.space,
    tidy: (fn) => fn(),
    release: () => {},
    f: (_t, y) => tape.leaf(field(theta, y.v)),
    vjp(_t, y, a) {
      const g = new Float64Array(P);
      const gy = fieldVjp(theta, y.v, a.v, g);
      return [tape.leaf(gy), tape.leaf(g)];
    },
    step: (t, y, h) => stepOn(main, t, y, h),
    stepVjp(t, y, h, a) {
      const sub = createTape();
      const g = new Float64Array(P);
      const y0 = sub.leaf(y.v.slice());
      const out = stepOn(tracedProblems(theta, sub, g), t, y0, h);
      out.g = a.v.slice();
      sub.backward();
      return [tape.leaf(y0.g ?? new Float64Array(D)), tape.leaf(g)];
    },
    solve(t0, ts, y, options) {
      // One solve through every output time (dense output), on the tape.
      const sol = integrate(integrator as never, main.flat as never, y as never, { t0, tEnd: ts[ts.length - 1]!, adaptive: options, save: { times: ts } });
      return sol.y as unknown as Traced[];
    },
    thetaZeros: () => tape.leaf(new Float64Array(P)),
    ...(extras.valueAndVjp && {
      valueAndVjp(_t: number, y: Traced, a: Traced): [Traced, Traced, Traced] {
        const g = new Float64Array(P);
        const [fy, gy] = fieldValueAndVjp(theta, y.v, a.v, g);
        return [tape.leaf(fy), tape.leaf(gy), tape.leaf(g)];
      },
    }),
    ...(extras.stepsVjp && {
      stepsVjp(t: number, y: Traced, h: number, n: number, a: Traced): [Traced, Traced] {
        const sub = createTape();
        const g = new Float64Array(P);
        const pr = tracedProblems(theta, sub, g);
        const start = sub.leaf(y.v.slice());
        let z = start;
        for (let i = 0; i < n; i++) z = stepOn(pr, t + i * h, z, h);
        z.g = a.v.slice();
        sub.backward();
        return [tape.leaf(start.g ?? new Float64Array(D)), tape.leaf(g)];
      },
    }),
  };
}

const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

const rng = createRandom(1);
const theta0 = rng.fillNormal(new Float64Array(P), 0, 0.7);
const y0 = Float64Array.of(0.4, -0.3, 0.8, 0.2);
const times = [0.5, 1];
const targets = times.map(() => rng.fillNormal(new Float64Array(D)));
const schedule = (h: number): Schedule => ({
  t0: 0,
  times,
  steps: stepsFor(0, times, h),
  adjointIntegrator: createRk4() as unknown as AnyIntegrator,
  checkFinite: true,
});

/** L = Σₖ ‖y(tₖ) − targetₖ‖² and its gradient (∂L/∂θ, ∂L/∂y0) by `mode`. */
function gradients(
  theta: Float64Array,
  x: Float64Array,
  integrator: AnyIntegrator,
  partitioned: boolean,
  h: number,
  mode: GradientMode,
  opts: { extras?: { valueAndVjp?: boolean; stepsVjp?: boolean }; every?: number } = {},
) {
  const tape = createTape();
  const gTape = new Float64Array(P);
  const be = testBackend(theta, integrator, partitioned, tape, gTape, opts.extras);
  const s = schedule(h);
  const start = tape.leaf(x.slice());
  const { states, checkpoints } = solveForward(be, start, s, mode === 'checkpoint' ? { checkpointEvery: opts.every ?? 3 } : {});
  const loss = states.reduce((sum, y, k) => sum + y.v.reduce((u, v, i) => u + (v - targets[k]![i]!) ** 2, 0), 0);
  const cots = states.map((y, k) => y.v.map((v, i) => 2 * (v - targets[k]![i]!)));
  if (mode === 'backprop') {
    states.forEach((y, k) => (y.g = cots[k]));
    tape.backward();
    return { loss, dtheta: gTape, dy0: start.g! };
  }
  const traced = cots.map((c) => tape.leaf(c));
  const r =
    mode === 'adjoint'
      ? adjointBackward(be, states, traced, s)
      : mode === 'checkpoint'
        ? checkpointBackward(be, checkpoints!, traced, s, opts.every ?? 3)
        : reversibleBackward(be, states, traced, s);
  return { loss, dtheta: r.dtheta.v, dy0: r.dy0.v };
}

function finiteDifferences(integrator: AnyIntegrator, partitioned: boolean, h: number) {
  const L = (theta: Float64Array, x: Float64Array) => gradients(theta, x, integrator, partitioned, h, 'backprop').loss;
  const d = 1e-6;
  const central = (v: Float64Array, at: (w: Float64Array) => number) =>
    v.map((u, j) => {
      const up = v.slice(),
        dn = v.slice();
      up[j] = u + d;
      dn[j] = u - d;
      return (at(up) - at(dn)) / (2 * d);
    });
  return { dtheta: central(theta0, (t) => L(t, y0)), dy0: central(y0, (x) => L(theta0, x)) };
}

describe('gradient engine (Float64)', () => {
  it.each([
    ['backprop', 'rk4', 1e-8],
    ['adjoint', 'rk4', 1e-6],
    ['backprop', 'leapfrog', 1e-8],
    ['reversible', 'leapfrog', 1e-8],
  ] as const)('%s through %s agrees with central finite differences in θ and y0', (mode, name, tol) => {
    const leapfrog = name === 'leapfrog';
    const integrator = (leapfrog ? createLeapfrog() : createRk4()) as unknown as AnyIntegrator;
    const fd = finiteDifferences(integrator, leapfrog, 0.02);
    const g = gradients(theta0, y0, integrator, leapfrog, 0.02, mode);
    expect(relErr(g.dtheta, fd.dtheta)).toBeLessThan(tol);
    expect(relErr(g.dy0, fd.dy0)).toBeLessThan(tol);
  });

  it('the adjoint gradient converges to the discrete one as O(h⁴) with rk4', () => {
    const integrator = createRk4() as unknown as AnyIntegrator;
    const gap = [0.1, 0.05].map((h) =>
      relErr(gradients(theta0, y0, integrator, false, h, 'adjoint').dtheta, gradients(theta0, y0, integrator, false, h, 'backprop').dtheta),
    );
    expect(Math.log2(gap[0]! / gap[1]!)).toBeGreaterThan(3.5);
  });

  it('reversible reconstruction walks the forward trajectory back to y0', () => {
    const integrator = createLeapfrog() as unknown as AnyIntegrator;
    const tape = createTape();
    const be = testBackend(theta0, integrator, true, tape, new Float64Array(P));
    const forwardStates: Float64Array[] = [y0];
    const reconstructed: Float64Array[] = [];
    const recording = {
      ...be,
      step: (t: number, y: Traced, h: number) => {
        const next = be.step(t, y, h);
        if (h > 0) forwardStates.push(next.v);
        return next;
      },
      stepVjp: (t: number, y: Traced, h: number, a: Traced) => {
        reconstructed.push(y.v);
        return be.stepVjp(t, y, h, a);
      },
    };
    const s = schedule(0.01);
    const { states } = solveForward(recording, tape.leaf(y0.slice()), s);
    reversibleBackward(
      recording,
      states,
      states.map(() => tape.leaf(new Float64Array(D).fill(1))),
      s,
    );
    expect(reconstructed.length).toBe(forwardStates.length - 1);
    reconstructed.reverse();
    const worst = Math.max(...reconstructed.map((y, n) => Math.max(...y.map((v, i) => Math.abs(v - forwardStates[n]![i]!)))));
    expect(worst).toBeLessThan(1e-12);
    expect(Math.max(...reconstructed[0]!.map((v, i) => Math.abs(v - y0[i]!)))).toBeLessThan(1e-13);
  });

  it('stops a blown-up solve with NON_FINITE_STATE naming the step and the time', () => {
    const theta = theta0.slice();
    theta[4] = NaN; // c₀: the velocity becomes NaN at the first evaluation
    const tape = createTape();
    const integrator = createRk4() as unknown as AnyIntegrator;
    let error: unknown;
    try {
      solveForward(testBackend(theta, integrator, false, tape, new Float64Array(P)), tape.leaf(y0.slice()), schedule(0.25));
    } catch (e) {
      error = e;
    }
    expect(isPhaseflowError(error, 'NON_FINITE_STATE')).toBe(true);
    expect((error as { details: { step: number; t: number } }).details).toMatchObject({ step: 1, t: 0.25 });
  });

  it('stepsFor lands on every output time with steps of at most h', () => {
    expect(stepsFor(0, [0.5, 1.25], 0.25)).toEqual([2, 3]);
    expect(stepsFor(0, [0.1], 0.25)).toEqual([1]);
    expect(stepsFor(1, [2, 3], 1 / 3)).toEqual([3, 3]);
  });
});

describe('the spaces', () => {
  it('tracedSpace records every linear combination: the tape gives the exact pullback', () => {
    const tape = createTape();
    const space = tracedSpace(tape);
    const x = tape.leaf(Float64Array.of(1, 2));
    const y = tape.leaf(Float64Array.of(-1, 3));
    const z = space.combine([2, 0, -1], [x, y, x], space.scale(3, y)); // 3y + 2x − x = x + 3y
    const w = space.axpy(0.5, z, x); // x + 0.5 z = 1.5 x + 1.5 y
    expect(Array.from(w.v)).toEqual([0, 7.5]);
    w.g = Float64Array.of(1, 1);
    tape.backward();
    expect(Array.from(x.g!)).toEqual([1.5, 1.5]);
    expect(Array.from(y.g!)).toEqual([1.5, 1.5]);
    expect(tape.length).toBe(0);
  });

  it('augmentedSpace acts componentwise and its error norm is the RMS over all numbers', () => {
    const aug = augmentedSpace(float64Space);
    const a = { y: Float64Array.of(1, 2), a: Float64Array.of(3), g: Float64Array.of(4, 5, 6) };
    const b = aug.scale(2, a);
    expect([...b.y, ...b.a, ...b.g]).toEqual([2, 4, 6, 8, 10, 12]);
    expect(aug.dot(a, a)).toBe(91);
    expect(aug.size(a)).toBe(6);
    const zero = aug.zeros(a);
    const err = { y: Float64Array.of(1, 1), a: Float64Array.of(1), g: Float64Array.of(1, 1, 1) };
    expect(aug.errorNorm(err, zero, zero, 1, 0)).toBeCloseTo(1, 14);
    expect(Array.from(aug.toFloat64(a))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('field(θ, y) of the tests is what the backend evaluates', () => {
    const tape = createTape();
    const be = testBackend(theta0, createRk4() as unknown as AnyIntegrator, false, tape, new Float64Array(P));
    expect(Array.from(be.f(0, tape.leaf(y0)).v)).toEqual(Array.from(field(theta0, y0)));
  });
});

describe('one field evaluation per adjoint stage', () => {
  it('with valueAndVjp the backward solve evaluates the field once per stage (4 per rk4 step), else twice; same gradient', () => {
    const integrator = createRk4() as unknown as AnyIntegrator;
    const h = 0.05;
    const n = stepsFor(0, times, h).reduce((a, b) => a + b, 0);
    const count = (extras: { valueAndVjp?: boolean }) => {
      const before = fieldEvaluations;
      const g = gradients(theta0, y0, integrator, false, h, 'adjoint', { extras });
      return { evaluations: fieldEvaluations - before, g };
    };
    const two = count({});
    const one = count({ valueAndVjp: true });
    // forward: 4 per step on the tape (f); backward: 4 stages per step
    expect(two.evaluations).toBe(4 * n + 2 * 4 * n);
    expect(one.evaluations).toBe(4 * n + 4 * n);
    expect(relErr(one.g.dtheta, two.g.dtheta)).toBeLessThan(1e-14);
    expect(relErr(one.g.dy0, two.g.dy0)).toBeLessThan(1e-14);
  });
});

describe('checkpointed back-propagation', () => {
  it.each([
    ['stepsVjp (one tape per segment)', { stepsVjp: true }],
    ['stepVjp per step (recomputed states)', {}],
  ] as const)('equals plain back-propagation to rounding for every spacing: %s', (_name, extras) => {
    for (const [name, integrator, partitioned] of [
      ['rk4', createRk4(), false],
      ['leapfrog', createLeapfrog(), true],
    ] as const) {
      const integ = integrator as unknown as AnyIntegrator;
      const bp = gradients(theta0, y0, integ, partitioned, 0.04, 'backprop');
      // 13 steps per interval: spacings that divide it, do not, and exceed it
      for (const every of [1, 3, 5, 13, 40]) {
        const cp = gradients(theta0, y0, integ, partitioned, 0.04, 'checkpoint', { extras, every });
        expect(relErr(cp.dtheta, bp.dtheta), `${name} every ${every}`).toBeLessThan(1e-13);
        expect(relErr(cp.dy0, bp.dy0), `${name} every ${every}`).toBeLessThan(1e-13);
      }
    }
  });

  it('keeps every k-th state of each interval (interval starts included) and refuses adaptive schedules', () => {
    const tape = createTape();
    const be = testBackend(theta0, createRk4() as unknown as AnyIntegrator, false, tape, new Float64Array(P));
    const start = tape.leaf(y0.slice());
    const { checkpoints, states } = solveForward(be, start, schedule(0.04), { checkpointEvery: 5 });
    expect(checkpoints!.map((c) => c.length)).toEqual([3, 3]); // 13 steps: local 0, 5, 10
    expect(checkpoints![0]![0]).toBe(start);
    expect(checkpoints![1]![0]).toBe(states[0]);
    let error: unknown;
    try {
      solveForward(
        be,
        start,
        { t0: 0, times, adaptive: {}, adjointIntegrator: createRk4() as unknown as AnyIntegrator, checkFinite: true },
        { checkpointEvery: 2 },
      );
    } catch (e) {
      error = e;
    }
    expect(isPhaseflowError(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('planCheckpoints picks the largest spacing under the bound and names the option when nothing fits', () => {
    const model = { stateBytes: 4096, stepBytes: 850_000 };
    const plan = planCheckpoints([1000], model, 64 * 2 ** 20);
    expect(plan.every).toBe(77);
    expect(plan.checkpoints).toBe(13);
    expect(plan.needBytes).toBeLessThanOrEqual(64 * 2 ** 20);
    expect(planCheckpoints([1000], model, 1e12).every).toBe(1000);
    expect(backpropBytes([1000], model)).toBe(1000 * 850_000 + 4096);
    let error: unknown;
    try {
      planCheckpoints([1000], model, 1e6, 'args.memory.maxBytes');
    } catch (e) {
      error = e;
    }
    expect(isPhaseflowError(error, 'MEMORY_BOUND_EXCEEDED')).toBe(true);
    const details = (error as { details: { argument: string; needBytes: number; boundBytes: number } }).details;
    expect(details.argument).toBe('args.memory.maxBytes');
    expect(details.boundBytes).toBe(1e6);
    // the smallest need is near k = √(N·S/T) ≈ 2–3
    expect(details.needBytes).toBeGreaterThan(1e6);
    expect(details.needBytes).toBeLessThan(planCheckpoints([1000], model, 1e12).needBytes);
  });
});

describe('adaptive schedules', () => {
  it('one solve through every output time (dense output): back-propagation agrees with the adjoint at tight tolerances', () => {
    const integrator = createDopri5() as unknown as AnyIntegrator;
    const run = (mode: GradientMode) => {
      const tape = createTape();
      const gTape = new Float64Array(P);
      const be = testBackend(theta0, integrator, false, tape, gTape, { valueAndVjp: true });
      const s: Schedule = { t0: 0, times: [0.25, 0.5, 0.75, 1], adaptive: { rtol: 1e-10, atol: 1e-12 }, adjointIntegrator: integrator, checkFinite: true };
      const start = tape.leaf(y0.slice());
      const { states } = solveForward(be, start, s);
      expect(states.length).toBe(4);
      const cots = states.map((y) => y.v.map((v) => 2 * v));
      if (mode === 'backprop') {
        states.forEach((y, k) => (y.g = cots[k]));
        tape.backward();
        return { dtheta: gTape, states };
      }
      return {
        dtheta: adjointBackward(
          be,
          states,
          cots.map((c) => tape.leaf(c)),
          s,
        ).dtheta.v,
        states,
      };
    };
    const bp = run('backprop');
    const adj = run('adjoint');
    expect(relErr(adj.dtheta, bp.dtheta)).toBeLessThan(1e-6);
    // the output states are those of fixed fine rk4 steps to the tolerance
    const tape = createTape();
    const fine = solveForward(testBackend(theta0, createRk4() as unknown as AnyIntegrator, false, tape, new Float64Array(P)), tape.leaf(y0.slice()), {
      t0: 0,
      times: [0.25, 0.5, 0.75, 1],
      steps: [100, 100, 100, 100],
      adjointIntegrator: createRk4() as unknown as AnyIntegrator,
      checkFinite: true,
    }).states;
    for (let k = 0; k < 4; k++) expect(relErr(bp.states[k]!.v, fine[k]!.v)).toBeLessThan(1e-8);
  });
});
