import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { C4, D4, planarGroup, transformGroupFeatures, transformImages } from '@phaseflow/equivariant';

const mul = (a: readonly number[], b: readonly number[]) =>
  [a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!, a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!].map((v) => v + 0);

describe('C4 and D4', () => {
  it('are groups, and matrix() is a faithful representation', () => {
    for (const G of [C4, D4]) {
      const seen = new Set<string>();
      for (const a of G.elements) {
        expect(G.compose(a, G.inverse(a))).toBe(0);
        expect(G.compose(0, a)).toBe(a);
        seen.add(G.matrix(a).join());
        for (const b of G.elements) {
          expect([...G.matrix(G.compose(a, b))]).toEqual(mul(G.matrix(a), G.matrix(b)));
          for (const c of G.elements) expect(G.compose(G.compose(a, b), c)).toBe(G.compose(a, G.compose(b, c)));
        }
      }
      expect(seen.size).toBe(G.order);
    }
    expect(D4.compose(4, 1)).toBe(7); // M·R = R³·M
    expect(C4.compose(1, 3)).toBe(0);
    expect(D4.elements.map(D4.label)).toEqual(['e', 'r', 'r2', 'r3', 'm', 'rm', 'r2m', 'r3m']);
    expect(planarGroup('D4')).toBe(D4);
    const r = createRandom(1);
    const draws = new Set(Array.from({ length: 200 }, () => D4.sample(r)));
    expect(draws.size).toBe(8);
  });

  it('act on images as numpy rot90 / fliplr, and the actions are homomorphisms', () => {
    const x = { data: Float64Array.of(1, 2, 3, 4), shape: [1, 2, 2, 1] as const };
    expect([...transformImages('C4', 1, x).data]).toEqual([2, 4, 1, 3]); // np.rot90([[1, 2], [3, 4]])
    expect([...transformImages('D4', 4, x).data]).toEqual([2, 1, 4, 3]); // np.fliplr
    expect([...transformGroupFeatures('C4', 1, { data: Float64Array.of(1, 2, 3, 4), shape: [1, 1, 1, 4] }).data]).toEqual([4, 1, 2, 3]);
    for (const n of [4, 5]) {
      const img = { data: Float64Array.from({ length: 2 * n * n * 3 }, (_, i) => i), shape: [2, n, n, 3] as const };
      const feat = { data: Float64Array.from({ length: n * n * 16 }, (_, i) => i), shape: [1, n, n, 16] as const };
      for (const a of D4.elements) {
        for (const b of D4.elements) {
          const ab = D4.compose(a, b);
          expect(transformImages(D4, a, transformImages(D4, b, img)).data).toEqual(transformImages(D4, ab, img).data);
          expect(transformGroupFeatures(D4, a, transformGroupFeatures(D4, b, feat)).data).toEqual(transformGroupFeatures(D4, ab, feat).data);
        }
      }
    }
  });

  it('reject grids and channel counts that do not fit the group', () => {
    expectPhaseflowError(() => transformImages('C4', 1, { data: new Float64Array(6), shape: [1, 2, 3, 1] }), 'NOT_SQUARE_GRID', 'x');
    expectPhaseflowError(() => transformGroupFeatures('D4', 1, { data: new Float64Array(4 * 12), shape: [1, 2, 2, 12] }), 'WRONG_MULTIPLICITY', 'x.shape[3]');
    expectPhaseflowError(() => transformImages('C4', 4, { data: new Float64Array(4), shape: [1, 2, 2, 1] }), 'INVALID_ARGUMENT', 'g');
    expectPhaseflowError(() => transformImages('C8' as never, 0, { data: new Float64Array(4), shape: [1, 2, 2, 1] }), 'INVALID_ARGUMENT', 'group');
    expectPhaseflowError(() => transformImages('C4', 0, { data: new Float64Array(3), shape: [1, 2, 2, 1] }), 'SHAPE_MISMATCH', 'x.data');
    expectPhaseflowError(() => transformImages('C4', 0, { data: Float64Array.of(0, NaN, 0, 0), shape: [1, 2, 2, 1] }), 'NON_FINITE_INPUT', 'x.data[1]');
  });
});
