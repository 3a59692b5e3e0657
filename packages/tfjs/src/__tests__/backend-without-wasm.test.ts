import { describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';

// The wasm backend is an optional peer: simulate an install without it.
vi.mock('@tensorflow/tfjs-backend-wasm', () => {
  throw Object.assign(new Error("Cannot find package '@tensorflow/tfjs-backend-wasm' imported from backend.ts"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
});

describe('useBestBackend without @tensorflow/tfjs-backend-wasm', () => {
  it('falls back to cpu and says in skipped that the optional peer is not installed', async () => {
    const info = await useBestBackend();
    expect(info.name).toBe('cpu');
    expect(info.tried).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(info.skipped['wasm']).toMatch(/^not installed: @tensorflow\/tfjs-backend-wasm is an optional peer.*npm install @tensorflow\/tfjs-backend-wasm/);
    expect(info.wasmPaths).toBeUndefined();
    expect(tf.getBackend()).toBe('cpu');
  });

  it('fails with NOT_AVAILABLE naming the missing package when wasm is requested alone', async () => {
    await expect(useBestBackend({ prefer: 'wasm' })).rejects.toMatchObject({
      code: 'NOT_AVAILABLE',
      message: expect.stringMatching(/wasm: not installed/),
    });
  });
});
