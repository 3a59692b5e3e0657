import { describe, expect, it } from 'vitest';
import { lieVersion } from '@phaseflow/lie';

describe('@phaseflow/lie', () => {
  it('is importable by its public name', () => {
    expect(lieVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
