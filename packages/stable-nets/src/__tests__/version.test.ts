import { describe, expect, it } from 'vitest';
import { stableNetsVersion } from '@phaseflow/stable-nets';

describe('@phaseflow/stable-nets', () => {
  it('is importable by its public name', () => {
    expect(stableNetsVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
