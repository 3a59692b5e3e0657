import { describe, expect, it } from 'vitest';
import { symplecticVersion } from '@phaseflow/symplectic';

describe('@phaseflow/symplectic', () => {
  it('is importable by its public name', () => {
    expect(symplecticVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
