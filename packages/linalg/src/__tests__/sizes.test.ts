import { describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { createGramKernel, csrFromTriplets, matrix, spectralRadius } from '@phaseflow/linalg';

const codeOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e instanceof PhaseflowError ? e.code : `raw ${String(e)}`;
  }
  return 'accepted';
};

describe('sizes that cannot be allocated are refused before allocation', () => {
  it('matrix, the Gram kernel and the Arnoldi basis answer ALLOCATION_TOO_LARGE (they were raw RangeErrors)', () => {
    for (const n of [1e5, 1e8, 2 ** 31, 1e15]) {
      expect(codeOf(() => matrix(n, n))).toBe('ALLOCATION_TOO_LARGE');
      expect(codeOf(() => createGramKernel({ features: n, block: 128 }))).toBe('ALLOCATION_TOO_LARGE');
    }
    const n = 2 ** 24;
    const A = csrFromTriplets(n, n, [0], [1], [1]);
    expect(codeOf(() => spectralRadius(A, { krylov: 60 }))).toBe('ALLOCATION_TOO_LARGE');
    expect(codeOf(() => matrix(3, 4))).toBe('accepted');
  });
});
