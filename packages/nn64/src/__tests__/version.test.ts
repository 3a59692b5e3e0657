import { describe, expect, it } from 'vitest';
import { nn64Version } from '@phaseflow/nn64';

describe('@phaseflow/nn64', () => {
  it('is importable by its public name', () => {
    expect(nn64Version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
