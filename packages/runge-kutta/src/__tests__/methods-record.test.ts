import { describe, expect, it } from 'vitest';
import { resolveIntegrator } from '@phaseflow/core';
import { rungeKuttaMethods } from '@phaseflow/runge-kutta';

describe('rungeKuttaMethods', () => {
  it('names each method by its own name, and core resolves every one', () => {
    for (const [name, make] of Object.entries(rungeKuttaMethods)) {
      expect(make().name).toBe(name);
      expect(resolveIntegrator('integrator', name, rungeKuttaMethods).name).toBe(name);
    }
  });
});
