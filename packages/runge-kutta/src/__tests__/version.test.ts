import { describe, expect, it } from 'vitest';
import { rungeKuttaVersion } from '@phaseflow/runge-kutta';

describe('@phaseflow/runge-kutta', () => {
  it('is importable by its public name', () => {
    expect(rungeKuttaVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
