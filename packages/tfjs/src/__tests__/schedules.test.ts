import { describe, expect, it } from 'vitest';
import { cosineDecay, exponentialDecay, stepDecay } from '@phaseflow/tfjs';

const epochs = [0, 1, 2, 5, 10, 37];

describe('learning-rate schedules take options objects', () => {
  it('exponentialDecay({ rate }) is η₀·e^(−rate·epoch), and checks its options', () => {
    const s = exponentialDecay({ rate: 0.05 });
    for (const e of epochs) expect(s(e, 0.1)).toBe(0.1 * Math.exp(-0.05 * e));
    expect(() => exponentialDecay({ rate: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'options.rate' }) }),
    );
    expect(() => exponentialDecay({ rate: 0.1, every: 2 } as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
  });

  it('the deprecated positional exponentialDecay(rate) gives the same rates (removed in the next minor)', () => {
    const old = exponentialDecay(0.05);
    const current = exponentialDecay({ rate: 0.05 });
    for (const e of epochs) expect(old(e, 0.1)).toBe(current(e, 0.1));
    expect(() => exponentialDecay(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'rate' }) }));
  });

  it('stepDecay and cosineDecay keep their options form', () => {
    expect(stepDecay({ every: 2, factor: 0.5 })(5, 1)).toBe(0.25);
    expect(cosineDecay({ epochs: 10, min: 0 })(10, 1)).toBe(0);
  });
});
