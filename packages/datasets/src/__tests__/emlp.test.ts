import { createRandom } from '@phaseflow/core';
import { describe, expect, it } from 'vitest';
import { inertia, inertiaTensor, o5Synthetic, o5SyntheticTarget } from '@phaseflow/datasets';
import { fnv1a } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';

/** Every signed permutation matrix of size d (the hyperoctahedral group, a subgroup of O(d)), as (π, signs). */
function signedPermutations(d: number): { perm: number[]; sign: number[] }[] {
  const perms: number[][] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === d) perms.push(prefix);
    for (let i = 0; i < d; i++) if (!prefix.includes(i)) walk([...prefix, i]);
  };
  walk([]);
  const out: { perm: number[]; sign: number[] }[] = [];
  for (const perm of perms) for (let bits = 0; bits < 2 ** d; bits++) out.push({ perm, sign: Array.from({ length: d }, (_, i) => ((bits >> i) & 1 ? -1 : 1)) });
  return out;
}

/** (Pv)_i = s_i v_{π(i)}. */
const applySigned = (g: { perm: number[]; sign: number[] }, v: ArrayLike<number>) => Float64Array.from(g.perm, (p, i) => g.sign[i]! * v[p]!);

/** A Haar-random orthogonal d × d matrix (Gram–Schmidt on Gaussian columns), row-major. */
function orthogonal(d: number, seed: number): Float64Array {
  const rng = createRandom(seed);
  const q = rng.fillNormal(new Float64Array(d * d));
  for (let j = 0; j < d; j++) {
    for (let pass = 0; pass < 2; pass++)
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += q[i * d + k]! * q[i * d + j]!;
        for (let i = 0; i < d; i++) q[i * d + j]! -= dot * q[i * d + k]!;
      }
    let s = 0;
    for (let i = 0; i < d; i++) s += q[i * d + j]! ** 2;
    for (let i = 0; i < d; i++) q[i * d + j]! /= Math.sqrt(s);
  }
  return q;
}

const matVec = (q: Float64Array, v: ArrayLike<number>, d: number) =>
  Float64Array.from({ length: d }, (_, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += q[i * d + j]! * v[j]!;
    return s;
  });

/** Q A Qᵀ for 3 × 3 row-major matrices. */
function conjugate(q: Float64Array, a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) s += q[i * 3 + k]! * a[k * 3 + l]! * q[j * 3 + l]!;
      out[i * 3 + j] = s;
    }
  return out;
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

describe('o5Synthetic', () => {
  it("is EMLP's set: x ~ N(0, I₁₀) as two vectors of ℝ⁵, y = sin‖x₁‖ − ½‖x₂‖³ + cos∠(x₁, x₂)", () => {
    const s = o5Synthetic({ n: 300, seed: 1 });
    expect([s.n, s.dim, s.outDim, s.group, s.x.length, s.y.length]).toEqual([300, 10, 1, 'O(5)', 3000, 300]);
    for (let i = 0; i < s.n; i++) {
      const x1 = Array.from(s.x.subarray(i * 10, i * 10 + 5));
      const x2 = Array.from(s.x.subarray(i * 10 + 5, i * 10 + 10));
      const n1 = Math.hypot(...x1);
      const n2 = Math.hypot(...x2);
      const cos = x1.reduce((a, v, k) => a + v * x2[k]!, 0) / (n1 * n2);
      expect(s.y[i]).toBeCloseTo(Math.sin(n1) - 0.5 * n2 ** 3 + cos, 12);
      expect(s.y[i]).toBe(o5SyntheticTarget(x1, x2));
    }
    // The inputs are standard normal: mean ≈ 0, variance ≈ 1 over 3000 draws.
    const mean = s.x.reduce((a, v) => a + v, 0) / s.x.length;
    const variance = s.x.reduce((a, v) => a + (v - mean) ** 2, 0) / s.x.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
    expect(o5SyntheticTarget([1, 0, 0, 0, 0], [0, 2, 0, 0, 0])).toBe(Math.sin(1) - 4);
    expect(o5SyntheticTarget([3, 0, 0, 0, 0], [1, 0, 0, 0, 0])).toBe(Math.sin(3) - 0.5 + 1);
  });

  it('is exactly invariant under all 3840 signed permutations of ℝ⁵ (integer inputs: every sum exact)', () => {
    const rng = createRandom(5);
    const draw = () => Float64Array.from({ length: 5 }, () => Math.round(6 * rng.normal()) || 1);
    const group = signedPermutations(5);
    expect(group.length).toBe(3840);
    for (let t = 0; t < 3; t++) {
      const [x1, x2] = [draw(), draw()];
      const f = o5SyntheticTarget(x1, x2);
      for (const g of group) expect(o5SyntheticTarget(applySigned(g, x1), applySigned(g, x2))).toBe(f);
    }
  });

  it('is invariant under Haar-random O(5) elements to rounding (≤ 1e-13 relative) on the generated rows', () => {
    const s = o5Synthetic({ n: 200, seed: 2 });
    let worst = 0;
    for (let t = 0; t < 20; t++) {
      const q = orthogonal(5, 100 + t);
      for (let i = 0; i < s.n; i++) {
        const f = o5SyntheticTarget(matVec(q, s.x.subarray(i * 10, i * 10 + 5), 5), matVec(q, s.x.subarray(i * 10 + 5, i * 10 + 10), 5));
        worst = Math.max(worst, Math.abs(f - s.y[i]!) / Math.max(1, Math.abs(s.y[i]!)));
      }
    }
    expect(worst).toBeLessThan(1e-13);
    expect(worst).toBeGreaterThan(0); // a real rotation, not the identity
  });

  it('is seeded: the same seed gives the same bytes, row i does not depend on n (pinned FNV-1a)', () => {
    const a = o5Synthetic({ n: 64, seed: 7 });
    const b = o5Synthetic({ n: 100, seed: 7 });
    expect(b.x.subarray(0, a.x.length)).toEqual(a.x);
    expect(b.y.subarray(0, a.y.length)).toEqual(a.y);
    expect(o5Synthetic({ n: 64, seed: 8 }).x).not.toEqual(a.x);
    expect(`${fnv1a(a.x)}:${fnv1a(a.y)}`).toBe(PINNED.o5);
  });
});

describe('inertia', () => {
  it("is EMLP's set: k softplus masses and k points of ℝ³, y the inertia tensor, symmetric and positive semi-definite", () => {
    const s = inertia({ n: 200, seed: 1 });
    expect([s.n, s.dim, s.outDim, s.group]).toEqual([200, 20, 9, 'O(3)']);
    for (let i = 0; i < s.n; i++) {
      const row = s.x.subarray(i * 20, (i + 1) * 20);
      const m = row.subarray(0, 5);
      const r = row.subarray(5);
      const y = s.y.subarray(i * 9, (i + 1) * 9);
      expect(Array.from(m).every((v) => v > 0)).toBe(true);
      expect(y).toEqual(inertiaTensor(m, r));
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(y[a * 3 + b]).toBe(y[b * 3 + a]);
      // tr I = 2 Σ mᵢ‖rᵢ‖², and vᵀ I v = Σ mᵢ ‖rᵢ × v‖² ≥ 0 for unit v.
      let trace = 0;
      for (let p = 0; p < 5; p++) trace += 2 * m[p]! * (r[3 * p]! ** 2 + r[3 * p + 1]! ** 2 + r[3 * p + 2]! ** 2);
      expect(y[0]! + y[4]! + y[8]!).toBeCloseTo(trace, 10);
      const v = [0.6, 0, 0.8];
      let quad = 0;
      let cross = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) quad += v[a]! * y[a * 3 + b]! * v[b]!;
      for (let p = 0; p < 5; p++) {
        const [rx, ry, rz] = [r[3 * p]!, r[3 * p + 1]!, r[3 * p + 2]!];
        cross += m[p]! * ((ry * v[2]! - rz * v[1]!) ** 2 + (rz * v[0]! - rx * v[2]!) ** 2 + (rx * v[1]! - ry * v[0]!) ** 2);
      }
      expect(quad).toBeCloseTo(cross, 10);
      expect(quad).toBeGreaterThan(0);
    }
    // softplus of N(0, 1): mean ≈ 0.806 (E[log(1 + e^Z)]).
    const masses = Array.from({ length: 200 * 5 }, (_, j) => s.x[Math.floor(j / 5) * 20 + (j % 5)]!);
    expect(Math.abs(masses.reduce((a, v) => a + v, 0) / masses.length - 0.806)).toBeLessThan(0.05);
    expect(inertiaTensor([2], [1, 0, 0])).toEqual(Float64Array.of(0, 0, 0, 0, 2, 0, 0, 0, 2));
    expect(inertiaTensor([1, 3], [0, 1, 0, 0, 0, 2])).toEqual(Float64Array.of(1 + 12, 0, 0, 0, 12, 0, 0, 0, 1));
  });

  it('is exactly equivariant under all 48 signed permutations of ℝ³, and exactly invariant to relabelling the masses (integer inputs)', () => {
    const rng = createRandom(6);
    const group = signedPermutations(3);
    expect(group.length).toBe(48);
    for (let t = 0; t < 4; t++) {
      const m = Float64Array.from({ length: 5 }, () => 1 + Math.floor(4 * rng.uniform()));
      const r = Float64Array.from({ length: 15 }, () => Math.round(5 * rng.normal()));
      const y = inertiaTensor(m, r);
      for (const g of group) {
        const moved = new Float64Array(15);
        for (let p = 0; p < 5; p++) moved.set(applySigned(g, r.subarray(3 * p, 3 * p + 3)), 3 * p);
        // (P I Pᵀ)_ab = s_a s_b I_{π(a) π(b)}
        const expected = Float64Array.from({ length: 9 }, (_, j) => {
          const [a, b] = [Math.floor(j / 3), j % 3];
          return g.sign[a]! * g.sign[b]! * y[g.perm[a]! * 3 + g.perm[b]!]!;
        });
        expect(inertiaTensor(m, moved)).toEqual(expected);
      }
      for (const sigma of [
        [1, 0, 2, 3, 4],
        [4, 3, 2, 1, 0],
        [2, 4, 1, 0, 3],
      ]) {
        const mp = Float64Array.from(sigma, (p) => m[p]!);
        const rp = new Float64Array(15);
        sigma.forEach((p, i) => rp.set(r.subarray(3 * p, 3 * p + 3), 3 * i));
        expect(inertiaTensor(mp, rp)).toEqual(y);
      }
    }
  });

  it('turns as Q I Qᵀ under Haar-random O(3) elements to rounding (≤ 1e-13 relative) on the generated rows', () => {
    const s = inertia({ n: 200, seed: 2 });
    let worst = 0;
    for (let t = 0; t < 20; t++) {
      const q = orthogonal(3, 200 + t);
      for (let i = 0; i < s.n; i++) {
        const row = s.x.subarray(i * 20, (i + 1) * 20);
        const moved = new Float64Array(15);
        for (let p = 0; p < 5; p++) moved.set(matVec(q, row.subarray(5 + 3 * p, 8 + 3 * p), 3), 3 * p);
        const y = s.y.subarray(i * 9, (i + 1) * 9);
        const want = conjugate(q, y);
        const got = inertiaTensor(row.subarray(0, 5), moved);
        worst = Math.max(worst, maxAbs(got.map((v, j) => v - want[j]!)) / maxAbs(y));
      }
    }
    expect(worst).toBeLessThan(1e-13);
    expect(worst).toBeGreaterThan(0);
  });

  it('takes any number of masses and is seeded (pinned FNV-1a)', () => {
    const s = inertia({ n: 10, masses: 2, seed: 3 });
    expect([s.dim, s.x.length, s.y.length]).toEqual([8, 80, 90]);
    const a = inertia({ n: 64, seed: 7 });
    const b = inertia({ n: 65, seed: 7 });
    expect(b.x.subarray(0, a.x.length)).toEqual(a.x);
    expect(`${fnv1a(a.x)}:${fnv1a(a.y)}`).toBe(PINNED.inertia);
  });
});

describe('bad input', () => {
  it('is refused with coded errors naming the argument', () => {
    expectPhaseflowError(() => o5Synthetic({ n: 0 }), 'INVALID_ARGUMENT', 'options.n');
    expectPhaseflowError(() => o5Synthetic({ seed: -1 }), 'INVALID_ARGUMENT', 'options.seed');
    expectPhaseflowError(() => o5Synthetic({ d: 5 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => o5Synthetic({ n: 2 ** 40 }), 'ALLOCATION_TOO_LARGE', 'options.n');
    expectPhaseflowError(() => inertia({ masses: 0 }), 'INVALID_ARGUMENT', 'options.masses');
    expectPhaseflowError(() => inertia({ n: 1.5 }), 'INVALID_ARGUMENT', 'options.n');
    expectPhaseflowError(() => o5SyntheticTarget([1, 2, 3], [1, 2, 3, 4, 5]), 'SHAPE_MISMATCH', 'x1');
    expectPhaseflowError(() => o5SyntheticTarget([1, 2, 3, 4, 5], [0, 0, 0, 0, 0]), 'INVALID_ARGUMENT', 'x2');
    expectPhaseflowError(() => o5SyntheticTarget([1, 2, NaN, 4, 5], [1, 2, 3, 4, 5]), 'NON_FINITE_INPUT', 'x1[2]');
    expectPhaseflowError(() => inertiaTensor([1, 2], [0, 0, 1]), 'SHAPE_MISMATCH', 'positions');
    expectPhaseflowError(() => inertiaTensor([], []), 'SHAPE_MISMATCH', 'masses');
    expectPhaseflowError(() => inertiaTensor([1], [0, Infinity, 1]), 'NON_FINITE_INPUT', 'positions[1]');
    expectPhaseflowError(() => inertiaTensor([1], [0, 0, 1], new Float64Array(3)), 'SHAPE_MISMATCH', 'out');
  });
});

const PINNED = { o5: 'f25fc25a:c9376ed5', inertia: '5eeb0766:15904ddb' };
