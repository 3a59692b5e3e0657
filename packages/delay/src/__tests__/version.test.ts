import { describe, expect, it } from 'vitest';
import { delayVersion } from '@phaseflow/delay';

describe('@phaseflow/delay', () => {
  it('is importable by its public name', () => {
    expect(delayVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
