import { createRandom, type Observer } from '@phaseflow/core';
import { createRiemannianTrainer, createSO, createStiefel, type Retraction, type RiemannianModel, type StiefelWeight } from '@phaseflow/lie';
import { matrix, svd, symmetricEigen } from '@phaseflow/linalg';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

type F = Float64Array;

/** C = A·B for (r × k)·(k × c) row-major matrices; `ta` uses Aᵀ (A stored k × r). */
function mul(a: F, b: F, r: number, k: number, c: number, ta = false): F {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += (ta ? a[l * r + i]! : a[i * k + l]!) * b[l * c + j]!;
      out[i * c + j] = s;
    }
  return out;
}
const det3 = (m: F, n: number) => {
  // LU-free determinant sign by Gaussian elimination with partial pivoting.
  const a = m.slice();
  let d = 1;
  for (let j = 0; j < n; j++) {
    let piv = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(a[i * n + j]!) > Math.abs(a[piv * n + j]!)) piv = i;
    if (piv !== j) {
      for (let c = 0; c < n; c++) [a[j * n + c], a[piv * n + c]] = [a[piv * n + c]!, a[j * n + c]!];
      d = -d;
    }
    d *= a[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      const f = a[i * n + j]! / a[j * n + j]!;
      for (let c = j; c < n; c++) a[i * n + c]! -= f * a[j * n + c]!;
    }
  }
  return d;
};

/** min ‖AQ − B‖²_F over SO(n): ∂f/∂Q = 2Aᵀ(AQ − B); Q* = U·diag(1, …, det(UVᵀ))·Vᵀ from AᵀB = UΣVᵀ. */
function procrustes(n: number, m: number, seed: number) {
  const r = createRandom(seed);
  const A = r.fillNormal(new Float64Array(m * n));
  const Qtrue = createSO(n).sample(r);
  const B = mul(A, Qtrue, m, n, n);
  for (let i = 0; i < B.length; i++) B[i]! += 0.3 * r.normal();
  const f = (Q: F, grad?: F) => {
    const R = mul(A, Q, m, n, n);
    let s = 0;
    for (let i = 0; i < R.length; i++) {
      R[i]! -= B[i]!;
      s += R[i]! * R[i]!;
    }
    if (grad) grad.set(mul(A, R, n, m, n, true).map((v) => 2 * v));
    return s;
  };
  const M = mul(A, B, n, m, n, true);
  const { u, v } = svd(matrix(n, n, M));
  const UVt = mul(
    u.data,
    Float64Array.from({ length: n * n }, (_, k) => v.data[(k % n) * n + Math.floor(k / n)]!),
    n,
    n,
    n,
  );
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) D[i * n + i] = i === n - 1 ? Math.sign(det3(UVt, n)) : 1;
  const Qstar = mul(
    mul(u.data, D, n, n, n),
    Float64Array.from({ length: n * n }, (_, k) => v.data[(k % n) * n + Math.floor(k / n)]!),
    n,
    n,
    n,
  );
  return { f, Qstar, fStar: f(Qstar) };
}

function procrustesModel(n: number, seed: number): { model: RiemannianModel<null>; weight: StiefelWeight; fStar: number; Qstar: F; f: (Q: F) => number } {
  const p = procrustes(n, 3 * n, seed);
  const weight: StiefelWeight = { name: 'Q', rows: n, cols: n, value: createSO(n).identity() };
  return {
    model: { name: 'procrustes', weights: [weight], lossAndGradient: (_, [g]) => p.f(weight.value, g) },
    weight,
    fStar: p.fStar,
    Qstar: p.Qstar,
    f: (Q) => p.f(Q),
  };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('Stiefel manifold', () => {
  const St = createStiefel({ rows: 6, cols: 3 });
  const r = createRandom(4);
  it.each(['exp', 'cayley', 'qr'] as Retraction[])('%s retraction stays on St(6, 3) and is first-order: R_X(tξ) = X + tξ + O(t²)', (kind) => {
    const X = St.sample(r);
    const xi = St.project(X, r.fillNormal(new Float64Array(18)));
    expect(St.defect(St.retract(X, xi, kind))).toBeLessThan(1e-14);
    const errs = [1e-2, 5e-3, 2.5e-3].map((t) => {
      const Y = St.retract(
        X,
        xi.map((v) => t * v),
        kind,
      );
      return maxDiff(
        Y,
        X.map((v, i) => v + t * xi[i]!),
      );
    });
    // Second-order remainder: halving t divides it by ~4.
    expect(errs[0]! / errs[1]!).toBeGreaterThan(3.5);
    expect(errs[1]! / errs[2]!).toBeGreaterThan(3.5);
  });
  it('projects onto the tangent space (Xᵀξ skew) idempotently; rejects points off the manifold', () => {
    const X = St.sample(r);
    const xi = St.project(X, r.fillNormal(new Float64Array(18)));
    const S = mul(X, xi, 3, 6, 3, true);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(Math.abs(S[a * 3 + b]! + S[b * 3 + a]!)).toBeLessThan(1e-14);
    expect(maxDiff(St.project(X, xi), xi)).toBeLessThan(1e-14);
    expect(St.dim).toBe(12);
    expectPhaseflowError(
      () =>
        St.check(
          'X',
          X.map((v) => 1.01 * v),
        ),
      'NOT_ON_MANIFOLD',
      'X',
    );
    expectPhaseflowError(() => createStiefel({ rows: 2, cols: 3 }), 'INVALID_ARGUMENT', 'options.cols');
  });
  it('the exp retraction on SO(n) is X·expm(Xᵀξ), the group exponential', () => {
    const SO4 = createSO(4);
    const St4 = createStiefel({ rows: 4, cols: 4 });
    const X = SO4.sample(r);
    const w = Float64Array.of(0.1, -0.2, 0.3, 0.05, 0.4, -0.1);
    const expected = SO4.compose(X, SO4.exp(w));
    const xi = mul(X, SO4.hat(w), 4, 4, 4);
    expect(maxDiff(St4.retract(X, xi, 'exp'), expected)).toBeLessThan(1e-14);
  });
});

describe('createRiemannianTrainer', () => {
  const runs: [string, Parameters<typeof createRiemannianTrainer>[0], number][] = [
    ['gradient descent, QR', { optimizer: 'sgd', retraction: 'qr', learningRate: 0.004 }, 400],
    ['gradient descent with momentum, Cayley', { optimizer: 'sgd', momentum: 0.9, retraction: 'cayley', learningRate: 0.001 }, 400],
    ['Adam, exp', { optimizer: 'adam', retraction: 'exp', learningRate: 0.05 }, 600],
    ['Adam, Cayley', { optimizer: 'adam', retraction: 'cayley', learningRate: 0.05 }, 600],
  ];
  it.each(runs)('%s solves Procrustes on SO(5): the SVD closed form Q* to 1e-7', async (_, options, epochs) => {
    const { model, weight, fStar, Qstar, f } = procrustesModel(5, 3);
    const history = await createRiemannianTrainer<null>({ ...options, epochs }).fit(model, [null]);
    expect(history.status).toBe('completed');
    expect(history.epochs).toBe(epochs);
    expect((f(weight.value) - fStar) / fStar).toBeLessThan(1e-12);
    expect(maxDiff(weight.value, Qstar)).toBeLessThan(1e-7);
    expect(Math.max(...history.metrics.defect)).toBeLessThan(1e-13);
    expect(det3(weight.value, 5)).toBeCloseTo(1, 12); // stayed in SO(5)
  });

  it('finds the leading eigenvectors through the Brockett cost on St(8, 3)', async () => {
    // max tr(XᵀAXN), N = diag(3, 2, 1): X* = the eigenvectors of the 3 largest eigenvalues, in order.
    const n = 8,
      p = 3;
    const r = createRandom(8);
    const G = r.fillNormal(new Float64Array(n * n));
    const A = mul(G, G, n, n, n, true); // GᵀG, symmetric positive semi-definite
    const N = [3, 2, 1];
    const weight: StiefelWeight = { rows: n, cols: p, value: createStiefel({ rows: n, cols: p }).sample(r) };
    const model: RiemannianModel<null> = {
      name: 'brockett',
      weights: [weight],
      lossAndGradient(_, [g]) {
        const AX = mul(A, weight.value, n, n, p);
        let f = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < p; j++) {
            f -= weight.value[i * p + j]! * AX[i * p + j]! * N[j]!;
            g![i * p + j] = -2 * AX[i * p + j]! * N[j]!;
          }
        return f;
      },
    };
    const seen: number[] = [];
    const watcher: Observer = { name: 'epochs', on: { 'epoch:end': (e) => void seen.push(e.epoch) } };
    const history = await createRiemannianTrainer<null>({ retraction: 'qr', learningRate: 0.02, epochs: 1500 }).fit(model, [null], { observers: [watcher] });
    expect(seen.slice(0, 2)).toEqual([0, 1]);
    const { values, vectors } = symmetricEigen(A, n);
    for (let j = 0; j < p; j++) {
      const col = n - 1 - j; // ascending eigenvalues: the largest last
      let dot = 0;
      for (let i = 0; i < n; i++) dot += weight.value[i * p + j]! * vectors[i * n + col]!;
      expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-8);
    }
    const best = -N.reduce((s, mu, j) => s + mu * values[n - 1 - j]!, 0);
    expect(Math.abs(history.loss.at(-1)! - best) / Math.abs(best)).toBeLessThan(1e-10);
  });

  it('emits step events, stops when an Observer asks, aborts on a signal, fails on a NaN loss', async () => {
    const { model } = procrustesModel(3, 1);
    let steps = 0;
    const stopper: Observer = { name: 'stop', on: { step: (e, c) => (++steps, e.step === 5 && c.stop('enough')) } };
    const stopped = await createRiemannianTrainer<null>({ epochs: 50 }).fit(model, [null, null], { observers: [stopper] });
    expect(stopped).toMatchObject({ status: 'stopped', reason: 'enough', steps: 5, epochs: 3 });
    expect(steps).toBe(5);
    const controller = new AbortController();
    controller.abort();
    await expect(createRiemannianTrainer<null>().fit(model, [null], { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    const bad: RiemannianModel<null> = { ...model, lossAndGradient: () => NaN };
    await expect(createRiemannianTrainer<null>().fit(bad, [null])).rejects.toMatchObject({ code: 'NON_FINITE_STATE', partial: { epochs: 0 } });
    const throwing: RiemannianModel<null> = {
      ...model,
      lossAndGradient: () => {
        throw new Error('boom');
      },
    };
    let ended = '';
    const endWatcher: Observer = { name: 'end', on: { 'run:end': (e) => void (ended = e.status) } };
    await expect(createRiemannianTrainer<null>().fit(throwing, [null], { observers: [endWatcher] })).rejects.toMatchObject({
      code: 'CALLBACK_FAILED',
      partial: { status: 'failed', steps: 0 },
    });
    expect(ended).toBe('failed');
  });

  it('rejects bad options, models and data', async () => {
    const { model, weight } = procrustesModel(3, 1);
    expectPhaseflowError(() => createRiemannianTrainer({ retraction: 'polar' as Retraction }), 'INVALID_ARGUMENT', 'options.retraction');
    expectPhaseflowError(() => createRiemannianTrainer({ optimizer: 'adam', momentum: 0.5 }), 'INVALID_ARGUMENT', 'options.momentum');
    expectPhaseflowError(() => createRiemannianTrainer({ learningRate: -1 }), 'INVALID_ARGUMENT', 'options.learningRate');
    const trainer = createRiemannianTrainer<null>();
    await expect(trainer.fit(model, [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'data' } });
    const off = { ...model, weights: [{ ...weight, value: weight.value.map((v) => 2 * v) }] };
    await expect(trainer.fit(off, [null])).rejects.toMatchObject({ code: 'NOT_ON_MANIFOLD', details: { argument: 'model.weights[0] (Q).value' } });
    const wide = { ...model, weights: [{ rows: 2, cols: 3, value: new Float64Array(6) }] };
    await expect(trainer.fit(wide, [null])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'model.weights[0].cols' } });
  });
});
