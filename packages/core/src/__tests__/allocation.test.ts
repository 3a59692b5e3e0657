import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ALLOCATION_BYTES, PhaseflowError, checkAllocation } from '@phaseflow/core';

const codeOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e instanceof PhaseflowError ? e.code : e;
  }
  return 'accepted';
};

describe('checkAllocation', () => {
  it('accepts exactly the sizes within the limit, for any element size', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e20, noNaN: true }), fc.constantFrom(1, 4, 8, 16), (raw, bytes) => {
        const count = Math.floor(raw);
        const code = codeOf(() => checkAllocation('options.size', count, bytes));
        expect(code).toBe(count * bytes <= MAX_ALLOCATION_BYTES ? 'accepted' : 'ALLOCATION_TOO_LARGE');
      }),
      { numRuns: 300 },
    );
  });

  it('names the argument, the count and the bytes; Infinity is too large, NaN and fractions are no size', () => {
    try {
      checkAllocation('options.rows × options.cols', 1e6 * 1e6, 8);
      expect.unreachable();
    } catch (e) {
      const err = e as PhaseflowError;
      expect(err.code).toBe('ALLOCATION_TOO_LARGE');
      expect(err.details.argument).toBe('options.rows × options.cols');
      expect(err.details.received).toBe('1000000000000 elements (7.28 TiB)');
      expect(err.details.limitBytes).toBe(2 ** 31);
    }
    expect(codeOf(() => checkAllocation('n', Infinity))).toBe('ALLOCATION_TOO_LARGE');
    for (const bad of [NaN, -1, 2.5, '3' as unknown as number]) expect(codeOf(() => checkAllocation('n', bad))).toBe('INVALID_ARGUMENT');
    expect(checkAllocation('n', 2 ** 28, 8)).toBe(2 ** 28);
    expect(codeOf(() => checkAllocation('n', 2 ** 28 + 1, 8))).toBe('ALLOCATION_TOO_LARGE');
    expect(checkAllocation('n', 1000, 8, 8000)).toBe(1000);
    expect(codeOf(() => checkAllocation('n', 1001, 8, 8000))).toBe('ALLOCATION_TOO_LARGE');
  });
});
