import { describe, expect, it } from 'vitest';
import { reservoirVersion } from '@phaseflow/reservoir';

describe('@phaseflow/reservoir', () => {
  it('is importable by its public name', () => {
    expect(reservoirVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
