import { describe, expect, it } from 'vitest';
import { adjointVersion } from '@phaseflow/adjoint';

describe('@phaseflow/adjoint', () => {
  it('is importable by its public name', () => {
    expect(adjointVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
