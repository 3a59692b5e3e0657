import { describe, expect, it } from 'vitest';
import { datasetsVersion } from '@phaseflow/datasets';

describe('@phaseflow/datasets', () => {
  it('is importable by its public name', () => {
    expect(datasetsVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
