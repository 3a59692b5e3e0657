import { describe, expect, it } from 'vitest';
import { hamiltonianNetsVersion } from '@phaseflow/hamiltonian-nets';

describe('@phaseflow/hamiltonian-nets', () => {
  it('is importable by its public name', () => {
    expect(hamiltonianNetsVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
