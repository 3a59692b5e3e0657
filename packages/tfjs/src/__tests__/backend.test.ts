import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { currentBackend, useBestBackend } from '@phaseflow/tfjs';

describe('useBestBackend', () => {
  it('picks wasm in Node, with its binaries located automatically', async () => {
    const info = await useBestBackend();
    expect(info.name).toBe('wasm');
    expect(info.runtime).toBe('node');
    expect(info.wasmPaths).toMatch(/tfjs-backend-wasm[\\/]dist[\\/]$/);
    expect(info.skipped.tensorflow).toMatch(/not registered/);
    expect(currentBackend()).toBe('wasm');
    const s = tf.tidy(() => tf.sum(tf.matMul(tf.ones([4, 3]), tf.ones([3, 2]))).dataSync()[0]);
    expect(s).toBe(24);
  });

  it('can be overridden, and reports which backend runs', async () => {
    expect((await useBestBackend({ prefer: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const list = await useBestBackend({ prefer: ['webgl', 'cpu'] });
    expect(list.name).toBe('cpu');
    expect(list.tried).toEqual(['webgl', 'cpu']);
    expect((await useBestBackend({ prefer: 'wasm' })).name).toBe('wasm');
  });

  it('rejects unknown names and options with coded errors', async () => {
    await expect(useBestBackend({ prefer: 'cuda' as never })).rejects.toMatchObject({ code: 'NOT_AVAILABLE', details: { argument: 'options.prefer' } });
    await expect(useBestBackend({ prefer: ['cpu', 'gpu' as never] })).rejects.toMatchObject({
      code: 'NOT_AVAILABLE',
      details: { argument: 'options.prefer[1]' },
    });
    await expect(useBestBackend({ prefer: 'webgl' })).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
    await expect(useBestBackend({ backend: 'cpu' } as never)).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
    await expect(useBestBackend({ wasmPaths: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(tf.getBackend()).toBe('wasm');
  });
});
