import { describe, expect, it } from 'vitest';
import { observersVersion } from '@phaseflow/observers';

describe('@phaseflow/observers', () => {
  it('is importable by its public name', () => {
    expect(observersVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
