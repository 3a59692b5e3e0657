import { describe, expect, it } from 'vitest';
import { tfjsVersion } from '@phaseflow/tfjs';

describe('@phaseflow/tfjs', () => {
  it('is importable by its public name', () => {
    expect(tfjsVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
