import { createRandom, integrate } from '@phaseflow/core';
import { createLieStateOps, createSO, createSphere, leftTranslations, lieProblem, createRkmk4, SE3, SO2, SO3, type LieGroup } from '@phaseflow/lie';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { added, diff, norm, relErr, scaled } from './helpers.js';

describe('the sphere Sⁿ as a homogeneous space', () => {
  const r = createRandom(2);
  it.each([1, 2, 3, 5])('S^%i: rotations act on it, expAt and logAt invert each other, distances are angles', (n) => {
    const S = createSphere(n);
    expect(S.group.name).toBe(n === 1 ? 'SO(2)' : n === 2 ? 'SO(3)' : `SO(${n + 1})`);
    for (let i = 0; i < 20; i++) {
      const u = S.sample(r),
        w = S.sample(r);
      expect(S.defect(u)).toBeLessThan(1e-15);
      const g = S.group.sample(r);
      expect(S.defect(S.act(g, u))).toBeLessThan(1e-14);
      // rotations preserve distances
      expect(Math.abs(S.distance(S.act(g, u), S.act(g, w)) - S.distance(u, w))).toBeLessThan(1e-13);
      const v = S.logAt(u, w);
      expect(Math.abs(norm(v) - S.distance(u, w))).toBeLessThan(1e-14);
      expect(relErr(S.expAt(u, v), w)).toBeLessThan(1e-12);
      const t = S.project(
        u,
        Float64Array.from({ length: n + 1 }, () => r.normal()),
      );
      let dot = 0;
      for (let k = 0; k <= n; k++) dot += t[k]! * u[k]!;
      expect(Math.abs(dot)).toBeLessThan(1e-14);
    }
  });
  it('distance is accurate for nearly equal and nearly antipodal points', () => {
    const S = createSphere(2);
    const a = Float64Array.of(1, 0, 0);
    const e = 1e-9;
    expect(Math.abs(S.distance(a, Float64Array.of(Math.cos(e), Math.sin(e), 0)) - e) / e).toBeLessThan(1e-12);
    expect(Math.abs(S.distance(a, Float64Array.of(-Math.cos(e), Math.sin(e), 0)) - (Math.PI - e))).toBeLessThan(1e-15);
  });
  it('rejects points off the sphere and unusable groups', () => {
    const S = createSphere(2);
    const err = expectPhaseflowError(() => S.check('u0', Float64Array.of(1, 1, 0)), 'NOT_ON_MANIFOLD', 'u0');
    expect(err.details.distance).toBeCloseTo(Math.SQRT2 - 1, 12);
    expectPhaseflowError(() => createSphere(2, SO2), 'INVALID_ARGUMENT', 'group');
    expectPhaseflowError(() => createSphere(0), 'INVALID_ARGUMENT', 'n');
  });
});

describe('StateOps over group elements', () => {
  const r = createRandom(4);
  it.each(([SO3, SE3, createSO(4)] as LieGroup[]).map((g) => [g.name, g] as const))('%s: clone, copy, isFinite, size, toFloat64, defect, distance', (_, G) => {
    const space = createLieStateOps(G);
    expect(space.name).toBe(G.name);
    expect(space.mutable).toBe(true);
    const g = G.sample(r);
    const c = space.clone(g);
    expect(c).not.toBe(g);
    expect(diff(c, g)).toBe(0);
    const out = new Float64Array(G.size);
    expect(space.copy(g, out)).toBe(out);
    expect(space.size(g)).toBe(G.size);
    expect(Array.from(space.toFloat64(g))).toEqual(Array.from(g));
    expect(space.isFinite(g)).toBe(true);
    c[3] = Infinity;
    expect(space.isFinite(c)).toBe(false);
    expect(space.defect(g)).toBeLessThan(1e-13);
    const xi = scaled(
      Float64Array.from({ length: G.dim }, () => r.normal()),
      0.1,
    );
    expect(Math.abs(space.distance(g, G.compose(g, G.exp(xi))) - norm(xi))).toBeLessThan(1e-13);
  });
  it('integrate saves group states as independent copies and observers see them', () => {
    const spin = lieProblem({ manifold: SO3, linear: true, generator: (_t, _R, out = new Float64Array(3)) => (out.set([0, 0, 1]), out) });
    const seen: number[] = [];
    const sol = integrate(createRkmk4(), spin, SO3.identity(), {
      tEnd: Math.PI,
      steps: 8,
      save: 'steps',
      observers: [{ name: 'angle', on: { step: (e) => void seen.push(SO3.log(e.state as Float64Array)[2]!) } }],
    });
    expect(sol.y).toHaveLength(9);
    expect(new Set(sol.y).size).toBe(9);
    expect(seen[3]).toBeCloseTo(Math.PI / 2, 13);
    expect(diff(sol.yFinal, SO3.exp(Float64Array.of(0, 0, Math.PI)))).toBeLessThan(1e-14);
    expect(leftTranslations(SO3).distance(sol.y[4]!, SO3.exp(Float64Array.of(0, 0, Math.PI / 2)))).toBeLessThan(1e-14);
    expect(added(sol.y[0]!, SO3.identity(), -1).every((x) => x === 0)).toBe(true);
  });
});
