import { describe, expect, it } from 'vitest';
import { equivariantVersion } from '@phaseflow/equivariant';

describe('@phaseflow/equivariant', () => {
  it('is importable by its public name', () => {
    expect(equivariantVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
