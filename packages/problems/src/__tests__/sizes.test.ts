import { describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { bouncingBall, lorenz96 } from '@phaseflow/problems';

const codeOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e instanceof PhaseflowError ? e.code : `raw ${String(e)}`;
  }
  return 'accepted';
};

describe('sizes that cannot be allocated are refused before allocation', () => {
  it('bouncingBall().impactTimes(1e10) is a coded error (it ended the process with a heap out-of-memory error)', () => {
    const ball = bouncingBall();
    for (const n of [1e10, 2 ** 40, 2 ** 53 - 1]) expect(codeOf(() => ball.impactTimes(n))).toBe('ALLOCATION_TOO_LARGE');
    expect(ball.impactTimes(3)).toHaveLength(3);
  });

  it('lorenz96 with a dimension no typed array holds is a coded error (it was a raw RangeError)', () => {
    for (const dim of [1e10, 2 ** 40]) expect(codeOf(() => lorenz96({ dim }))).toBe('ALLOCATION_TOO_LARGE');
  });
});
