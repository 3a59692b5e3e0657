import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { glorot } from '@phaseflow/nn64';

describe('glorot', () => {
  it('has variance gain²·2/(in + out) for both distributions and stays inside ±a for the uniform one', () => {
    for (const distribution of ['uniform', 'normal'] as const) {
      const W = glorot(createRandom(7), 200, 300, { distribution, gain: 2 });
      const variance = W.reduce((s, w) => s + w * w, 0) / W.length;
      expect(variance / ((4 * 2) / 500)).toBeGreaterThan(0.97);
      expect(variance / ((4 * 2) / 500)).toBeLessThan(1.03);
      if (distribution === 'uniform') expect(Math.max(...W.map(Math.abs))).toBeLessThanOrEqual(2 * Math.sqrt(6 / 500));
    }
  });

  it('is reproducible and writes into out', () => {
    const out = new Float64Array(6);
    expect(glorot(createRandom(3), 2, 3, { out })).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(glorot(createRandom(3), 2, 3)));
  });

  it('rejects bad input with coded errors', () => {
    expectPhaseflowError(() => glorot(createRandom(1), 0, 3), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => glorot(createRandom(1), 2, 3, { out: new Float64Array(5) }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => glorot(createRandom(1), 2, 3, { gain: -1 }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => glorot(null as never, 2, 3), 'INVALID_ARGUMENT');
  });
});
