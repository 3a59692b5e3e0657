// The other figures of the issue that take too long for the tests: Hénon over 10⁶ iterations,
// Engelken's rate network (N = 100, g = 4, dt = 0.1; the dt → 0 limit of the mean exponent;
// λᵢ vs i/N across N), the edge of stability for three step sizes and under gradient flow,
// and the cost of a sharpness measurement in gradients.
import { createSharpnessObserver, hessianEigenvalues, lyapunovSpectrum, mapIterator, mapProblem, mseLoss, rateRnn } from '@phaseflow/analysis';
import { integrate, odeProblem } from '@phaseflow/core';
import { createMlp64 } from '@phaseflow/nn64';
import { createEuler } from '@phaseflow/runge-kutta';

const timed = (fn) => {
  const t = performance.now();
  const out = fn();
  return { out, seconds: (performance.now() - t) / 1000 };
};

export function henonBench({ quick }) {
  const henon = mapProblem((_t, y, out = new Float64Array(2)) => {
    const x = y[0];
    out[0] = 1 - 1.4 * x * x + y[1];
    out[1] = 0.3 * x;
    return out;
  });
  const iterations = quick ? 100_000 : 1_000_000;
  const { out, seconds } = timed(() =>
    lyapunovSpectrum(mapIterator(), henon, Float64Array.of(0.1, 0.1), { tEnd: iterations + 100, transient: 100, tau: 5, history: 0 }),
  );
  return {
    iterations,
    seconds,
    exponents: Array.from(out.exponents),
    reference: 0.41922,
    lambda1Within0005: Math.abs(out.exponents[0] - 0.419) <= 0.005,
    sumMinusLnB: out.sum - Math.log(0.3),
  };
}

export function rnnBench({ quick }) {
  const res = {};
  // Engelken's demo: N = 100, g = 4, dt = 0.1, τ_ONS = 1, full spectrum.
  const net = rateRnn({ units: 100, gain: 4, dt: 0.1, seed: 1 });
  const T = quick ? 50 : 300;
  const full = timed(() => lyapunovSpectrum(mapIterator(), net.map, net.y0(), { h: 0.1, tau: 1, transient: 100, tEnd: 100 + T, history: 0 }));
  const e = full.out.exponents;
  res.engelken = {
    N: 100,
    g: 4,
    dt: 0.1,
    T,
    seconds: full.seconds,
    lambdaMax: e[0],
    positive: Array.from(e).filter((x) => x > 0).length,
    mean: full.out.sum / 100,
    meanExpected: Math.log(0.9) / 0.1,
    kaplanYorke: full.out.kaplanYorke,
    first5: Array.from(e.slice(0, 5)),
  };
  // dt → 0: mean exponent → −1 (N = 50 keeps the full spectrum cheap)
  res.meanVsDt = [0.1, 0.05, 0.02, 0.01].map((dt) => {
    const n = rateRnn({ units: 50, gain: 4, dt, seed: 1 });
    const s = lyapunovSpectrum(mapIterator(), n.map, n.y0(), { h: dt, tau: 1, transient: 20, tEnd: quick ? 40 : 120, history: 0 });
    return { dt, mean: s.sum / 50, lnOneMinusDtOverDt: Math.log(1 - dt) / dt };
  });
  // chaos onset: λ_max vs g, N = 200, three networks
  res.onset = [0.5, 0.8, 1, 1.2, 1.5, 2, 3, 4].map((g) => {
    const lm = [0, 1, 2].map((seed) => {
      const n = rateRnn({ units: 200, gain: g, dt: 0.1, seed });
      return lyapunovSpectrum(mapIterator(), n.map, n.y0(), { h: 0.1, tau: 1, transient: 100, tEnd: quick ? 150 : 400, vectors: 1, history: 0 }).exponents[0];
    });
    return { g, lambdaMax: lm, mean: lm.reduce((a, b) => a + b, 0) / 3 };
  });
  // λᵢ vs i/N collapses across N: the leading 5 % of the spectrum for N = 100, 200, 400
  if (!quick) {
    res.collapse = [100, 200, 400].map((N) => {
      const n = rateRnn({ units: N, gain: 4, dt: 0.1, seed: 1 });
      const k = N / 20;
      const s = timed(() => lyapunovSpectrum(mapIterator(), n.map, n.y0(), { h: 0.1, tau: 1, transient: 50, tEnd: 150, vectors: k, history: 0 }));
      const ex = Array.from(s.out.exponents);
      const at = [0.01, 0.025, 0.05].map((f) => ex[Math.max(0, Math.round(f * N) - 1)]);
      return { N, k, seconds: s.seconds, lambdaAtFractions: { 0.01: at[0], 0.025: at[1], 0.05: at[2] } };
    });
  }
  return res;
}

function chebyshev(m = 20) {
  const x = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
  return { batch: { x, rows: m, cols: 1 }, y: x.map((v) => 8 * v ** 4 - 8 * v ** 2 + 1) };
}

function descend(eta, steps, every, seed = 0) {
  const { batch, y } = chebyshev();
  const net = createMlp64({ sizes: [1, 16, 16, 1], seed });
  const loss = mseLoss(net, batch, y);
  const flow = odeProblem((_t, th, out = new Float64Array(th.length)) => {
    loss.gradient(th, out);
    for (let i = 0; i < out.length; i++) out[i] = -out[i];
    return out;
  });
  const sharp = createSharpnessObserver({ gradient: loss.gradient, every });
  const sol = integrate(createEuler(), flow, net.parameters.get(), { tEnd: steps * eta, steps, observers: [sharp] });
  return { records: sharp.records, finalLoss: loss.value(sol.yFinal), loss, theta: sol.yFinal, size: net.parameters.size };
}

export function edgeOfStabilityBench({ quick }) {
  const res = { setup: 'MLP 1-16-16-1 tanh (321 parameters), Chebyshev T4 on 20 points, MSE, full-batch GD = explicit Euler on θ′ = −∇L' };
  const steps = quick ? 2000 : 5000;
  res.gd = [0.1, 0.2, 0.3].map((eta) => {
    const { records, finalLoss } = descend(eta, steps, 50);
    // the last third of training: η = 0.1 needs ~3000 steps of progressive sharpening first
    const late = records.filter((r) => r.step >= (2 * steps) / 3).map((r) => r.values[0]);
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    const maxDev = Math.max(...late.map((s) => Math.abs(s - 2 / eta) / (2 / eta)));
    const reached = records.find((r) => r.values[0] >= 0.9 * (2 / eta));
    return {
      eta,
      twoOverEta: 2 / eta,
      initial: records[0].values[0],
      firstStepAt90Percent: reached?.step,
      meanLastThird: mean,
      ratio: mean / (2 / eta),
      maxRelativeDeviationLastThird: maxDev,
      within10Percent: maxDev <= 0.1,
      finalLoss,
    };
  });
  // Gradient flow (η = 0.02, the same flow time as η = 0.2 over 1500 steps): it does not stop at 2/0.2 = 10.
  const flowTime = 0.2 * 1500;
  const gf = descend(0.02, Math.round(flowTime / 0.02), 500);
  res.gradientFlow = {
    eta: 0.02,
    flowTime,
    sharpnessAtEnd: gf.records.at(-1).values[0],
    maxSharpness: Math.max(...gf.records.map((r) => r.values[0])),
    edgeOfEta02: 10,
  };
  // Cost of a sharpness measurement, in gradients and in time.
  const { loss, theta, size } = descend(0.2, 200, 1000);
  const g = new Float64Array(size);
  const one = timed(() => {
    for (let i = 0; i < 200; i++) loss.gradient(theta, g);
  });
  // median of 7 (the first call also compiles the Lanczos code)
  const tops = Array.from({ length: 7 }, () => timed(() => hessianEigenvalues(loss.gradient, theta, { k: 1, iterations: 20, tolerance: 1e-4 })));
  tops.sort((a, b) => a.seconds - b.seconds);
  const top = tops[3];
  res.cost = {
    parameters: size,
    gradientSeconds: one.seconds / 200,
    lanczosSeconds: top.seconds,
    lanczosIterations: top.out.iterations,
    gradientEvaluations: top.out.gradientEvaluations,
    timeInGradients: top.seconds / (one.seconds / 200),
  };
  return res;
}
