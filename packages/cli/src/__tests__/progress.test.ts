import { describe, expect, it } from 'vitest';
import { integrate, separableHamiltonian, type PhaseState } from '@phaseflow/core';
import { createProgress } from '@phaseflow/cli';
import { stormerVerletControl } from '@phaseflow/testkit';

type F = Float64Array;
const oscillator = separableHamiltonian<F>({
  dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
  dVdq: (q, out = new Float64Array(1)) => ((out[0] = q[0]!), out),
  T: (p) => 0.5 * p[0]! ** 2,
  V: (q) => 0.5 * q[0]! ** 2,
});
const y0 = (): PhaseState<F> => ({ q: Float64Array.of(1), p: Float64Array.of(0) });

describe('createProgress', () => {
  it('stays quiet on a non-TTY stream and draws when forced', () => {
    const chunks: string[] = [];
    const stream = { write: (s: string) => void chunks.push(s), isTTY: false };
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 1, h: 0.01, observers: [createProgress({ stream })] });
    expect(chunks).toHaveLength(0);
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 1, h: 0.01, observers: [createProgress({ stream, force: true, label: 'osc' })] });
    expect(chunks.join('')).toMatch(/osc/);
    expect(chunks.join('')).toMatch(/100%/);
  });
});
