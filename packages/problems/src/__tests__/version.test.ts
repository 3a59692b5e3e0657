import { describe, expect, it } from 'vitest';
import { problemsVersion } from '@phaseflow/problems';

describe('@phaseflow/problems', () => {
  it('is importable by its public name', () => {
    expect(problemsVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
