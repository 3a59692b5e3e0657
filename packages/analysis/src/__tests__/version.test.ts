import { describe, expect, it } from 'vitest';
import { analysisVersion } from '@phaseflow/analysis';

describe('@phaseflow/analysis', () => {
  it('is importable by its public name', () => {
    expect(analysisVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
