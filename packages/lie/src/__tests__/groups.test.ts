import { createRandom, type Random } from '@phaseflow/core';
import { expm } from '@phaseflow/linalg';
import { createEuclideanGroup, createProductGroup, createSO, SE2, SE3, SO2, SO3, type LieGroup, type MatrixLieGroup } from '@phaseflow/lie';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { added, diff, logSlope, matMul, matVec, norm, relErr, scaled } from './helpers.js';

type F = Float64Array;

const matrixGroups: MatrixLieGroup[] = [SO2, SO3, SE2, SE3, createSO(3), createSO(4), createSO(5)];
const closedForms: MatrixLieGroup[] = [SO2, SO3, SE2, SE3];

/** A random algebra vector whose rotation part has angle in [0, maxAngle). */
function randomXi(g: LieGroup, r: Random, maxAngle = 3): F {
  const xi = Float64Array.from({ length: g.dim }, () => r.normal());
  const n = norm(xi);
  return scaled(xi, (maxAngle * r.uniform()) / n);
}

/** ξ = (π − δ)·n for SO(3) and the rotation part of SE(3). */
function nearPi(g: MatrixLieGroup, r: Random, delta: number): F {
  const axis = Float64Array.from({ length: 3 }, () => r.normal());
  const w = scaled(axis, (Math.PI - delta) / norm(axis));
  if (g === SO3) return w;
  const xi = new Float64Array(6);
  xi.set([r.normal(), r.normal(), r.normal()]);
  xi.set(w, 3);
  return xi;
}

describe.each(closedForms.map((g) => [g.name, g] as const))('%s closed forms', (_, G) => {
  const r = createRandom(7);
  const n = G.matrixSize;
  it('exp equals the dense expm of hat(ξ) to 1e-12 relative (generic, near the identity, near π)', () => {
    const samples: F[] = [];
    for (let i = 0; i < 200; i++) samples.push(randomXi(G, r));
    for (let i = 0; i < 50; i++) samples.push(scaled(randomXi(G, r, 1), 1e-7));
    if (G === SO3 || G === SE3) for (let i = 0; i < 50; i++) samples.push(nearPi(G, r, 1e-6 * r.uniform()));
    let worst = 0;
    for (const xi of samples) worst = Math.max(worst, relErr(G.exp(xi), expm(G.hat(xi), n)));
    expect(worst).toBeLessThan(1e-12);
  });
  it('log(exp(ξ)) = ξ to 1e-12 relative (generic, exp(1e-7·ξ), rotations within 1e-6 of π)', () => {
    let generic = 0,
      small = 0,
      pi = 0;
    for (let i = 0; i < 200; i++) {
      const xi = randomXi(G, r);
      generic = Math.max(generic, relErr(G.log(G.exp(xi)), xi));
      const s = scaled(randomXi(G, r, 1), 1e-7);
      small = Math.max(small, relErr(G.log(G.exp(s)), s));
      if (G === SO3 || G === SE3) {
        const p = nearPi(G, r, 1e-6 * r.uniform());
        pi = Math.max(pi, relErr(G.log(G.exp(p)), p));
      }
    }
    expect(generic).toBeLessThan(1e-12);
    expect(small).toBeLessThan(1e-12);
    expect(pi).toBeLessThan(1e-12);
  });
});

describe('SO(3) logarithm at and near θ = π', () => {
  it('is finite at exactly π, with finite Jacobians', () => {
    const R = Float64Array.of(1, 0, 0, 0, -1, 0, 0, 0, -1);
    const w = SO3.log(R);
    expect(Math.abs(Math.abs(w[0]!) - Math.PI)).toBeLessThan(1e-15);
    expect(Math.abs(w[1]!) + Math.abs(w[2]!)).toBe(0);
    expect(SO3.rightJacobianInverse(w).every(Number.isFinite)).toBe(true);
    expect(SE3.log(Float64Array.of(1, 0, 0, 1, 0, -1, 0, 2, 0, 0, -1, 3, 0, 0, 0, 1)).every(Number.isFinite)).toBe(true);
  });
  it('has the derivative J_r(log R)⁻¹ within 1e-6 of π (central differences agree to 1e-5)', () => {
    const r = createRandom(3);
    for (let k = 0; k < 20; k++) {
      const w = nearPi(SO3, r, 1e-6);
      const R = SO3.exp(w);
      const Jinv = SO3.rightJacobianInverse(SO3.log(R));
      for (let j = 0; j < 3; j++) {
        const e = new Float64Array(3);
        const eps = 1e-9;
        e[j] = eps;
        const plus = SO3.log(SO3.compose(R, SO3.exp(e)));
        e[j] = -eps;
        const minus = SO3.log(SO3.compose(R, SO3.exp(e)));
        const fd = scaled(added(plus, minus, -1), 1 / (2 * eps));
        const col = Float64Array.from({ length: 3 }, (_, i) => Jinv[3 * i + j]!);
        expect(relErr(fd, col)).toBeLessThan(1e-5);
      }
    }
  });
});

describe.each(matrixGroups.map((g) => [g.name, g] as const))('%s group laws', (_, G) => {
  const r = createRandom(11);
  const n = G.matrixSize;
  it('compose is the matrix product, inverse the matrix inverse, identity the unit', () => {
    for (let i = 0; i < 20; i++) {
      const a = G.sample(r),
        b = G.sample(r);
      expect(relErr(G.compose(a, b), matMul(a, b, n))).toBeLessThan(1e-14);
      expect(diff(G.compose(a, G.inverse(a)), G.identity())).toBeLessThan(1e-13);
      expect(diff(G.compose(G.identity(), a), a)).toBe(0);
      expect(G.defect(a)).toBeLessThan(1e-13);
    }
  });
  it('out may alias the inputs', () => {
    const a = G.sample(r),
      b = G.sample(r);
    const ab = G.compose(a, b);
    const a2 = a.slice();
    expect(diff(G.compose(a2, b, a2), ab)).toBe(0);
    const b2 = b.slice();
    expect(diff(G.compose(a, b2, b2), ab)).toBe(0);
    const inv = G.inverse(a);
    const a3 = a.slice();
    expect(diff(G.inverse(a3, a3), inv)).toBe(0);
  });
  it('act is g·(p, 1) for rigid motions and g·p for rotations', () => {
    const g = G.sample(r);
    const p = Float64Array.from({ length: G.pointDim }, () => r.normal());
    const hom = G.pointDim === n ? p : Float64Array.of(...p, 1);
    const want = matVec(g, hom).subarray(0, G.pointDim);
    expect(relErr(G.act(g, p), want)).toBeLessThan(1e-14);
  });
  it('bracket is the matrix commutator; Ad_g ξ = vee(g·hat ξ·g⁻¹); exp(Ad_g ξ) = g·exp ξ·g⁻¹', () => {
    for (let i = 0; i < 10; i++) {
      const u = randomXi(G, r),
        v = randomXi(G, r);
      const U = G.hat(u),
        V = G.hat(v);
      const C = added(matMul(U, V, n), matMul(V, U, n), -1);
      expect(relErr(G.bracket(u, v), G.vee(C))).toBeLessThan(1e-13);
      expect(relErr(G.vee(G.hat(u)), u)).toBe(0);
      const g = G.sample(r);
      const conj = G.vee(matMul(matMul(g, U, n), G.inverse(g), n));
      expect(relErr(matVec(G.adjoint(g), u), conj)).toBeLessThan(1e-13);
      const lhs = G.exp(matVec(G.adjoint(g), u));
      const rhs = G.compose(G.compose(g, G.exp(u)), G.inverse(g));
      expect(relErr(lhs, rhs)).toBeLessThan(1e-12);
    }
  });
  it('expCompose and expAct (where present) agree with compose(exp ξ, g) and act(exp ξ, p)', () => {
    for (let i = 0; i < 20; i++) {
      const xi = randomXi(G, r, i < 10 ? 0.01 : 3),
        g = G.sample(r);
      const p = Float64Array.from({ length: G.pointDim }, () => r.normal());
      if (G.expCompose) expect(diff(G.expCompose(xi, g), G.compose(G.exp(xi), g))).toBeLessThan(1e-15 * 4);
      if (G.expAct) expect(relErr(G.expAct(xi, p), G.act(G.exp(xi), p))).toBeLessThan(1e-15);
      const g2 = g.slice();
      if (G.expCompose) expect(diff(G.expCompose(xi, g2, g2), G.expCompose(xi, g))).toBe(0);
    }
  });
  it('interpolate runs along the geodesic from a (s = 0) to b (s = 1)', () => {
    const a = G.sample(r);
    const b = G.compose(a, G.exp(randomXi(G, r, 2)));
    expect(diff(G.interpolate(a, b, 0), a)).toBeLessThan(1e-13);
    expect(diff(G.interpolate(a, b, 1), b)).toBeLessThan(1e-12);
    const mid = G.interpolate(a, b, 0.5);
    expect(diff(G.interpolate(a, mid, 2), b)).toBeLessThan(1e-12);
  });
  it('Jacobians pass the slope-2 Taylor remainder test; the inverses invert them', () => {
    const d = G.dim;
    for (let trial = 0; trial < 5; trial++) {
      const xi = randomXi(G, r, trial === 0 ? 1e-3 : 2.5);
      const delta = randomXi(G, r, 1);
      const Jr = G.rightJacobian(xi),
        Jl = G.leftJacobian(xi);
      const eps: number[] = [],
        remR: number[] = [],
        remL: number[] = [];
      for (let k = 0; k < 6; k++) {
        const e = 1e-2 * 2 ** -k;
        const moved = G.exp(added(xi, delta, e));
        // exp(ξ + εδ) = exp(ξ)·exp(εJ_rδ + O(ε²)) = exp(εJ_lδ + O(ε²))·exp(ξ)
        const right = G.log(G.compose(G.inverse(G.exp(xi)), moved));
        const left = G.log(G.compose(moved, G.inverse(G.exp(xi))));
        eps.push(e);
        remR.push(diff(right, scaled(matVec(Jr, delta), e)));
        remL.push(diff(left, scaled(matVec(Jl, delta), e)));
      }
      // Abelian groups (SO(2)) have exact first-order expansions: nothing to fit.
      if (Math.max(...remR, ...remL) > 1e-15) {
        expect(logSlope(eps, remR)).toBeGreaterThan(1.9);
        expect(logSlope(eps, remL)).toBeGreaterThan(1.9);
      }
      const eye = new Float64Array(d * d);
      for (let i = 0; i < d; i++) eye[i * d + i] = 1;
      expect(diff(matMul(G.rightJacobianInverse(xi), Jr, d), eye)).toBeLessThan(1e-12);
      expect(diff(matMul(G.leftJacobianInverse(xi), Jl, d), eye)).toBeLessThan(1e-12);
      // J_l = Ad_{exp ξ}·J_r
      expect(diff(G.leftJacobian(xi), matMul(G.adjoint(G.exp(xi)), Jr, d))).toBeLessThan(1e-12);
    }
  });
  it('rejects a matrix off the group with NOT_ON_MANIFOLD naming the argument and its distance', () => {
    const g = G.sample(r);
    expect(G.check('R', g)).toBe(g);
    const bad = g.slice();
    bad[0] += 1e-3;
    const err = expectPhaseflowError(() => G.check('R', bad), 'NOT_ON_MANIFOLD', 'R');
    expect(err.details.distance as number).toBeGreaterThan(5e-4);
    expect(err.message).toContain(G.name);
    expect(err.message).toContain('R:');
    expect(G.check('R', bad, 1e-2)).toBe(bad); // the tolerance is the caller's to state
  });
  it('rejects wrong sizes and non-finite entries', () => {
    expectPhaseflowError(() => G.check('R', new Float64Array(G.size + 1)), 'SHAPE_MISMATCH', 'R');
    const nan = G.identity();
    nan[0] = NaN;
    expectPhaseflowError(() => G.check('R', nan), 'NON_FINITE_INPUT', 'R[0]');
    expectPhaseflowError(() => G.exp(new Float64Array(G.dim + 1)), 'SHAPE_MISMATCH', 'xi');
    expectPhaseflowError(() => G.compose(G.identity(), new Float64Array(2)), 'SHAPE_MISMATCH', 'b');
  });
});

describe('reflections are not rotations', () => {
  it.each([
    ['SO(2)', SO2, Float64Array.of(1, 0, 0, -1)],
    ['SO(3)', SO3, Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, -1)],
    ['SO(4)', createSO(4), Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1)],
  ] as const)('%s: an orthogonal matrix with det −1 is at distance 2', (_, G, m) => {
    const err = expectPhaseflowError(() => G.check('R', m), 'NOT_ON_MANIFOLD', 'R');
    expect(err.details.distance).toBe(2);
  });
});

describe('SO(n) agrees with the closed forms', () => {
  const r = createRandom(5);
  it.each([
    [2, SO2],
    [3, SO3],
  ] as const)('SO(%i): exp, log, Jacobians and adjoint as matrices', (n, C) => {
    const G = createSO(n);
    for (let i = 0; i < 50; i++) {
      const xi = randomXi(C, r, 3);
      const X = C.hat(xi);
      const g = G.vee(X);
      expect(relErr(G.exp(g), C.exp(xi))).toBeLessThan(1e-13);
      const R = C.exp(xi);
      expect(relErr(G.hat(G.log(R)), C.hat(C.log(R)))).toBeLessThan(1e-11);
    }
  });
  it('SO(3) Jacobians through the coordinate change', () => {
    const G = createSO(3);
    // G's coordinates (pairs (0,1), (0,2), (1,2)) are (ω₃, −ω₂, ω₁) of SO3's.
    const P = Float64Array.of(0, 0, 1, 0, -1, 0, 1, 0, 0); // g = P·ω
    const Pinv = Float64Array.of(0, 0, 1, 0, -1, 0, 1, 0, 0);
    for (let i = 0; i < 20; i++) {
      const w = randomXi(SO3, r, 3);
      const g = matVec(P, w);
      for (const verb of ['rightJacobian', 'leftJacobian', 'rightJacobianInverse', 'leftJacobianInverse'] as const) {
        const want = matMul(matMul(P, SO3[verb](w), 3), Pinv, 3);
        expect(relErr(G[verb](g), want)).toBeLessThan(1e-12);
      }
    }
  });
  it('log of SO(5) rotations far from the identity (square roots as polar factors)', () => {
    const G = createSO(5);
    let worst = 0;
    for (let i = 0; i < 30; i++) {
      const xi = randomXi(G, r, 2.9);
      worst = Math.max(worst, relErr(G.log(G.exp(xi)), xi));
    }
    expect(worst).toBeLessThan(1e-11);
  });
  it('samples are rotations', () => {
    const G = createSO(6);
    for (let i = 0; i < 10; i++) expect(G.check('R', G.sample(r), 1e-13)).toBeInstanceOf(Float64Array);
  });
});

describe('ℝⁿ and product groups', () => {
  const r = createRandom(9);
  const R3 = createEuclideanGroup(3);
  const G = createProductGroup([SO3, R3, SE2]);
  it('lay out factors side by side', () => {
    expect(G.name).toBe('SO(3)×R^3×SE(2)');
    expect([G.size, G.dim, G.pointDim]).toEqual([21, 9, 8]);
    expect(G.elementOffsets).toEqual([0, 9, 12, 21]);
  });
  it('act factor by factor', () => {
    for (let i = 0; i < 10; i++) {
      const a = G.sample(r),
        b = G.sample(r);
      const ab = G.compose(a, b);
      expect(diff(ab.subarray(0, 9), SO3.compose(a.subarray(0, 9), b.subarray(0, 9)))).toBe(0);
      expect(diff(ab.subarray(9, 12), R3.compose(a.subarray(9, 12), b.subarray(9, 12)))).toBe(0);
      const xi = randomXi(G, r, 2);
      expect(relErr(G.log(G.exp(xi)), xi)).toBeLessThan(1e-12);
      const J = G.rightJacobian(xi);
      expect(J[0 * 9 + 3]).toBe(0);
      expect(relErr(Float64Array.of(J[0]!, J[1]!, J[2]!), SO3.rightJacobian(xi.subarray(0, 3)).subarray(0, 3))).toBe(0);
      expect(G.defect(a)).toBeLessThan(1e-13);
    }
  });
  it('validate their arguments', () => {
    expectPhaseflowError(() => createProductGroup([]), 'INVALID_ARGUMENT', 'factors');
    expectPhaseflowError(() => createProductGroup([SO3, {} as LieGroup]), 'INVALID_ARGUMENT', 'factors[1]');
    expectPhaseflowError(() => createEuclideanGroup(0), 'INVALID_ARGUMENT', 'n');
    expectPhaseflowError(() => createSO(1), 'INVALID_ARGUMENT', 'n');
  });
});
