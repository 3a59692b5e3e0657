import { describe, expect, it } from 'vitest';
import { enkfVersion } from '@phaseflow/enkf';

describe('@phaseflow/enkf', () => {
  it('is importable by its public name', () => {
    expect(enkfVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
