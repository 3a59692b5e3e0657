import { describe, expect, it } from 'vitest';
import { neuralOdeVersion } from '@phaseflow/neural-ode';

describe('@phaseflow/neural-ode', () => {
  it('is importable by its public name', () => {
    expect(neuralOdeVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
