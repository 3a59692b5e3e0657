import { describe, expect, it } from 'vitest';
import { createRandom, type Layer } from '@phaseflow/core';
import { choleskyFactor, choleskySolve } from '@phaseflow/linalg';
import { createEnKFTrainer } from '@phaseflow/enkf';

// A linear forward map G(θ) = Aθ: the setting where EKI's exact properties hold.
const P = 12;
const M = 20;
const J = 5;
const rng = createRandom(7);
const A = rng.fillNormal(new Float64Array(M * P));
const y = rng.fillNormal(new Float64Array(M));
const initial = rng.fillNormal(new Float64Array(J * P));

function linearModel(): Layer<unknown, Float64Array> {
  const theta = new Float64Array(P);
  return {
    name: 'linear',
    forward() {
      const g = new Float64Array(M);
      for (let m = 0; m < M; m++) for (let p = 0; p < P; p++) g[m] += A[m * P + p]! * theta[p]!;
      return g;
    },
    parameters: { size: P, get: (out) => (out ? (out.set(theta), out) : theta.slice()), set: (v) => theta.set(v) },
  };
}
const data = { inputs: [0], targets: y, samples: 1 };

/** Least squares over the affine hull θ̄⁰ + span{θ_j⁰ − θ̄⁰} of the initial ensemble. */
function subspaceLeastSquares(): Float64Array {
  const mbar = new Float64Array(P);
  for (let j = 0; j < J; j++) for (let p = 0; p < P; p++) mbar[p] += initial[j * P + p]! / J;
  const K = J - 1;
  const basis = Array.from({ length: K }, (_, k) => Float64Array.from({ length: P }, (_, p) => initial[k * P + p]! - mbar[p]!));
  const apply = (v: Float64Array) => Float64Array.from({ length: M }, (_, m) => v.reduce((s, vp, p) => s + A[m * P + p]! * vp, 0));
  const AB = basis.map(apply);
  const Am = apply(mbar);
  const G = new Float64Array(K * K);
  const rhs = new Float64Array(K);
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) G[a * K + b] = AB[a]!.reduce((s, v, m) => s + v * AB[b]![m]!, 0);
    rhs[a] = AB[a]!.reduce((s, v, m) => s + v * (y[m]! - Am[m]!), 0);
  }
  choleskySolve(choleskyFactor(G, K), K, rhs);
  return mbar.map((v, p) => v + basis.reduce((s, b, k) => s + rhs[k]! * b[p]!, 0));
}

/** Distance of v from the linear span of the initial members, relative to ‖v‖. */
function offSpan(v: Float64Array): number {
  const G = new Float64Array(J * J);
  const rhs = new Float64Array(J);
  for (let a = 0; a < J; a++) {
    for (let b = 0; b < J; b++) for (let p = 0; p < P; p++) G[a * J + b] += initial[a * P + p]! * initial[b * P + p]!;
    for (let p = 0; p < P; p++) rhs[a] += initial[a * P + p]! * v[p]!;
  }
  choleskySolve(choleskyFactor(G, J), J, rhs);
  let r = 0;
  let n = 0;
  for (let p = 0; p < P; p++) {
    let proj = 0;
    for (let a = 0; a < J; a++) proj += rhs[a]! * initial[a * P + p]!;
    r += (v[p]! - proj) ** 2;
    n += v[p]! ** 2;
  }
  return Math.sqrt(r / n);
}

const relErr = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

async function run(iterations: number, extra: Record<string, unknown> = {}) {
  const means: Float64Array[] = [];
  const trainer = createEnKFTrainer({ ensembleSize: J, perturbObservations: false, noise: 1, epochs: iterations, init: { ensemble: initial }, ...extra });
  const history = await trainer.fit(linearModel(), data, {
    observers: [{ name: 'keep', on: { step: (e) => void means.push(Float64Array.from(e.state as Float64Array)) } }],
  });
  return { history, means };
}

describe('EKI on a linear inverse problem', () => {
  const ls = subspaceLeastSquares();

  it('keeps every iterate in the span of the initial ensemble', async () => {
    const { history, means } = await run(50);
    expect(means).toHaveLength(50);
    for (const m of means) expect(offSpan(m)).toBeLessThan(1e-10);
    for (let j = 0; j < J; j++) expect(offSpan(history.ensemble.subarray(j * P, (j + 1) * P))).toBeLessThan(1e-10);
    // The span is a real restriction: the full least-squares solution is far outside it.
    expect(J).toBeLessThan(P);
  });

  it('converges to the least-squares solution within that span', async () => {
    const errors = [];
    for (const n of [10, 100, 1000]) errors.push(relErr((await run(n)).history.mean, ls));
    expect(errors[1]).toBeLessThan(errors[0]!);
    expect(errors[2]).toBeLessThan(errors[1]!);
    expect(errors[2]).toBeLessThan(5e-3);
  });

  it('a step Δt → ∞ is one Gauss–Newton step: exact subspace least squares at once', async () => {
    const { history } = await run(1, { step: 1e9 });
    expect(relErr(history.mean, ls)).toBeLessThan(1e-7);
  });

  it('Nesterov momentum reaches the subspace solution in fewer iterations', async () => {
    const plain = relErr((await run(100)).history.mean, ls);
    const fast = relErr((await run(100, { nesterov: true })).history.mean, ls);
    expect(fast).toBeLessThan(plain / 2);
  });

  it('warns when the ensemble collapses and can stop on spread', async () => {
    const warnings: number[] = [];
    const trainer = createEnKFTrainer({
      ensembleSize: J,
      perturbObservations: false,
      noise: 1,
      epochs: 100000,
      init: { ensemble: initial },
      collapseRatio: 0.05,
      stop: { spread: 0.01 },
    });
    const h = await trainer.fit(linearModel(), data, { observers: [{ name: 'w', on: { 'enkf:collapse': (e) => void warnings.push(e.iteration) } }] });
    expect(warnings).toHaveLength(1);
    expect(h.status).toBe('stopped');
    expect(h.trace.spread.at(-1)).toBeLessThanOrEqual(0.01);
    expect(h.iterations).toBeLessThan(100000);
  });

  it('the data-misfit controller ends at pseudo-time exactly 1', async () => {
    const { history } = await run(1000, { step: 'data-misfit', terminateAtUnitTime: true });
    const t = history.trace.step.reduce((s, h) => s + h, 0);
    expect(t).toBeCloseTo(1, 12);
    expect(history.iterations).toBeLessThan(1000);
  });

  it('Tikhonov EKI pulls the solution towards the prior mean', async () => {
    const eki = (await run(200)).history.mean;
    const prior = new Float64Array(P);
    for (let j = 0; j < J; j++) for (let p = 0; p < P; p++) prior[p] += initial[j * P + p]! / J;
    const teki = (await run(200, { method: 'tikhonov', tikhonov: 50, init: { ensemble: initial, mean: prior, std: 1 } })).history.mean;
    const dist = (v: Float64Array) => Math.hypot(...v.map((x, i) => x - prior[i]!));
    expect(dist(teki)).toBeLessThan(0.8 * dist(eki));
  });
});
