import { describe, expect, it } from 'vitest';
import { gpuVersion } from '@phaseflow/gpu';

describe('@phaseflow/gpu', () => {
  it('is importable by its public name', () => {
    expect(gpuVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
