import { describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { createMlp64 } from '@phaseflow/nn64';

const codeOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e instanceof PhaseflowError ? e.code : `raw ${String(e)}`;
  }
  return 'accepted';
};

describe('sizes that cannot be allocated are refused before allocation', () => {
  it('createMlp64 with more parameters than one Float64Array may hold answers ALLOCATION_TOO_LARGE', () => {
    for (const width of [1e8, 2 ** 31, 1e15]) expect(codeOf(() => createMlp64({ sizes: [2, width, 1] }))).toBe('ALLOCATION_TOO_LARGE');
    expect(codeOf(() => createMlp64({ sizes: [4000, 4000] }))).toBe('accepted');
  });
});
