import { describe, expect, it } from 'vitest';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { spiralOdeData, spiralOdeField } from '@phaseflow/datasets';

describe('spiral ODE (torchdiffeq)', () => {
  it('the field is A y³ with A = [[−0.1, 2], [−2, −0.1]]', () => {
    expect(Array.from(spiralOdeField(Float64Array.of(2, 0)))).toEqual([-0.8, -16]);
    expect(Array.from(spiralOdeField([1, -1]))).toEqual([-2.1, -1.9]);
  });

  it('samples a trajectory of the field: V = Σ yᵢ⁴ decays (d/dt V/4 = −0.1‖y³‖²) and differences match the field', () => {
    const { t, y } = spiralOdeData({ n: 2001, tEnd: 5 });
    expect(t[0]).toBe(0);
    expect(t[2000]).toBe(5);
    expect([y[0], y[1]]).toEqual([2, 0]);
    let last = Infinity;
    for (let i = 0; i < 2001; i++) {
      const v = y[2 * i]! ** 4 + y[2 * i + 1]! ** 4;
      expect(v).toBeLessThan(last);
      last = v;
    }
    for (const i of [100, 1000, 1999]) {
      const dt = t[i + 1]! - t[i - 1]!;
      const f = spiralOdeField([y[2 * i]!, y[2 * i + 1]!]);
      for (let j = 0; j < 2; j++) expect(Math.abs((y[2 * (i + 1) + j]! - y[2 * (i - 1) + j]!) / dt - f[j]!)).toBeLessThan(1e-3 * (1 + Math.abs(f[j]!)));
    }
  });

  it('rejects bad input with coded errors', () => {
    expectPhaseflowError(() => spiralOdeData({ n: 1 }), 'INVALID_ARGUMENT', 'options.n');
    expectPhaseflowError(() => spiralOdeData({ initial: [1, 2, 3] }), 'SHAPE_MISMATCH', 'options.initial');
    expectPhaseflowError(() => spiralOdeData({ bogus: 1 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => spiralOdeField([1]), 'SHAPE_MISMATCH', 'y');
  });
});
