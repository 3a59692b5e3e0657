// Lorenz-63 (σ 10, ρ 28, β 8/3): the Lyapunov spectrum through the package (any Integrator on
// the tangent bundle, linalg's QR) against a hand-written Float64 loop of the same algorithm
// (RK4 on y and the three tangent vectors, exact Jacobian, Gram–Schmidt QR every τ), and the
// tight accuracy figures of the issue over T = 10⁴.
import { lyapunovSpectrum } from '@phaseflow/analysis';
import { lorenz63 } from '@phaseflow/problems';
import { createDop853, createRk4 } from '@phaseflow/runge-kutta';

const SIGMA = 10,
  RHO = 28,
  BETA = 8 / 3;
export const LORENZ_REFERENCE = [0.9056, 0, -14.5723];
export const LORENZ_TRACE = -(SIGMA + 1 + BETA);

export const lorenzJvp = (_t, y, v, out) => {
  out[0] = SIGMA * (v[1] - v[0]);
  out[1] = (RHO - y[2]) * v[0] - v[1] - y[0] * v[2];
  out[2] = y[1] * v[0] + y[0] * v[1] - BETA * v[2];
  return out;
};

/** The same algorithm by hand: RK4 on (y, q₁, q₂, q₃), modified Gram–Schmidt every `every` steps. */
export function handLoop(y0, h, steps, every, transientSteps) {
  const z = new Float64Array(12);
  z.set(y0);
  z[3] = 1;
  z[7] = 1;
  z[11] = 1; // q_j = e_j (columns stored contiguously after y)
  const k1 = new Float64Array(12),
    k2 = new Float64Array(12),
    k3 = new Float64Array(12),
    k4 = new Float64Array(12),
    w = new Float64Array(12);
  const f = (u, out) => {
    const x = u[0],
      y = u[1],
      zz = u[2];
    out[0] = SIGMA * (y - x);
    out[1] = x * (RHO - zz) - y;
    out[2] = x * y - BETA * zz;
    for (let j = 0; j < 3; j++) {
      const o = 3 + 3 * j;
      const a = u[o],
        b = u[o + 1],
        c = u[o + 2];
      out[o] = SIGMA * (b - a);
      out[o + 1] = (RHO - zz) * a - b - x * c;
      out[o + 2] = y * a + x * b - BETA * c;
    }
  };
  const sums = [0, 0, 0];
  let measured = 0;
  for (let s = 1; s <= steps; s++) {
    f(z, k1);
    for (let i = 0; i < 12; i++) w[i] = z[i] + 0.5 * h * k1[i];
    f(w, k2);
    for (let i = 0; i < 12; i++) w[i] = z[i] + 0.5 * h * k2[i];
    f(w, k3);
    for (let i = 0; i < 12; i++) w[i] = z[i] + h * k3[i];
    f(w, k4);
    for (let i = 0; i < 12; i++) z[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    if (s % every === 0) {
      // modified Gram–Schmidt: q_j ← (q_j − Σ_{i<j} (q_i·q_j) q_i) / R_jj
      for (let j = 0; j < 3; j++) {
        const oj = 3 + 3 * j;
        for (let i = 0; i < j; i++) {
          const oi = 3 + 3 * i;
          const d = z[oi] * z[oj] + z[oi + 1] * z[oj + 1] + z[oi + 2] * z[oj + 2];
          z[oj] -= d * z[oi];
          z[oj + 1] -= d * z[oi + 1];
          z[oj + 2] -= d * z[oi + 2];
        }
        const r = Math.hypot(z[oj], z[oj + 1], z[oj + 2]);
        z[oj] /= r;
        z[oj + 1] /= r;
        z[oj + 2] /= r;
        if (s > transientSteps) sums[j] += Math.log(r);
      }
      if (s > transientSteps) measured++;
    }
  }
  const T = measured * every * h;
  return sums.map((x) => x / T);
}

function timed(fn) {
  const t = performance.now();
  const out = fn();
  return { out, seconds: (performance.now() - t) / 1000 };
}

export function lorenzBench({ quick = false } = {}) {
  const l = lorenz63();
  const h = 0.01;
  const steps = quick ? 100_000 : 1_000_000;
  const T = steps * h;
  const transient = 10;
  const opts = { tEnd: T + transient, transient, h, tau: 1, frame: 'identity', history: 0 };
  // Speed: the same run (RK4, h = 0.01, k = 3, exact jvp, τ = 1) through the package and by hand.
  const ours = timed(() => lyapunovSpectrum(createRk4(), { ...l.problem, jvp: lorenzJvp }, l.y0(), opts));
  const oursFd = timed(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), opts));
  const stepsTotal = Math.round((T + transient) / h);
  const hand = timed(() => handLoop(l.y0(), h, stepsTotal, Math.round(1 / h), Math.round(transient / h)));
  // Accuracy: DOP853 with fixed h = 0.01 (its tangent map has det = exp(h tr J) to ~1e-12 per step).
  const tight = timed(() => lyapunovSpectrum(createDop853(), { ...l.problem, jvp: lorenzJvp }, l.y0(), opts));
  // Same algorithm, same numbers: over T = 10 (before roundoff differences between the two RK4
  // codes part the chaotic trajectories, after ~30 time units) they agree to roundoff.
  const short = lyapunovSpectrum(createRk4(), { ...l.problem, jvp: lorenzJvp }, l.y0(), { tEnd: 10, h, tau: 1, frame: 'identity', history: 0 });
  const shortHand = handLoop(l.y0(), h, Math.round(10 / h), Math.round(1 / h), 0);
  const e = Array.from(tight.out.exponents);
  const rk = Array.from(ours.out.exponents);
  return {
    setup: { sigma: SIGMA, rho: RHO, beta: BETA, h, steps: stepsTotal, measuredTime: T, transient, tau: 1, vectors: 3 },
    speed: {
      packageRk4JvpSeconds: ours.seconds,
      packageRk4CentralDifferencesSeconds: oursFd.seconds,
      handLoopRk4Seconds: hand.seconds,
      ratioPackageOverHand: ours.seconds / hand.seconds,
      nsPerStepPackage: (ours.seconds / stepsTotal) * 1e9,
      nsPerStepHand: (hand.seconds / stepsTotal) * 1e9,
      maxDifferenceOverT10: Math.max(...Array.from(short.exponents, (x, i) => Math.abs(x - shortHand[i]))),
      // Over the long run both are finite-time estimates along trajectories that have parted:
      // they differ by the statistical spread, not by the algorithm.
      maxDifferenceOverFullRun: Math.max(...rk.map((x, i) => Math.abs(x - hand.out[i]))),
    },
    rk4: {
      exponents: rk,
      sum: ours.out.sum,
      sumError: ours.out.sum - LORENZ_TRACE,
      kaplanYorke: ours.out.kaplanYorke,
      centralDifferences: Array.from(oursFd.out.exponents),
    },
    dop853: {
      seconds: tight.seconds,
      exponents: e,
      reference: LORENZ_REFERENCE,
      errors: e.map((x, i) => x - LORENZ_REFERENCE[i]),
      sum: tight.out.sum,
      sumError: tight.out.sum - LORENZ_TRACE,
      kaplanYorke: tight.out.kaplanYorke,
      zeroExponent: tight.out.zeroExponent,
      within001: e.every((x, i) => Math.abs(x - LORENZ_REFERENCE[i]) <= 0.01),
      absLambda2Below1e3: Math.abs(e[1]) <= 1e-3,
      sumWithin1e6: Math.abs(tight.out.sum - LORENZ_TRACE) <= 1e-6,
    },
  };
}
