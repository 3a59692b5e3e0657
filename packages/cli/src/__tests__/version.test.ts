import { describe, expect, it } from 'vitest';
import { cliVersion } from '@phaseflow/cli';

describe('@phaseflow/cli', () => {
  it('is importable by its public name', () => {
    expect(cliVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
