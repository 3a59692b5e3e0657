import { describe, expect, it } from 'vitest';
import { linalgVersion } from '@phaseflow/linalg';

describe('@phaseflow/linalg', () => {
  it('is importable by its public name', () => {
    expect(linalgVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
