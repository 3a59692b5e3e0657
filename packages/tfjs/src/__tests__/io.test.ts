import type * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { createMlp, loadFromMemory, saveToMemory, useBestBackend } from '@phaseflow/tfjs';

beforeAll(async () => {
  await useBestBackend();
});

async function loadError(artifacts: tf.io.ModelArtifacts): Promise<PhaseflowError> {
  try {
    (await loadFromMemory(artifacts)).dispose();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('loaded');
}

describe('loadFromMemory checks the weight blob', () => {
  it('a blob of the wrong length is INVALID_MODEL_FILE (tfjs read past or short of it)', async () => {
    const model = createMlp({ inputs: 2, hidden: [3], outputs: 1 });
    const artifacts = await saveToMemory(model);
    const blob = artifacts.weightData as ArrayBuffer;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -blob.byteLength, max: 64 }).filter((d) => d !== 0),
        async (delta) => {
          const resized = new Uint8Array(blob.byteLength + delta);
          resized.set(new Uint8Array(blob).subarray(0, Math.min(blob.byteLength, resized.length)));
          const e = await loadError({ ...artifacts, weightData: resized.buffer });
          expect(e.code).toBe('INVALID_MODEL_FILE');
          expect(e.details.argument).toBe('artifacts.weightData');
        },
      ),
      { numRuns: 25 },
    );
    const copy = await loadFromMemory(artifacts);
    copy.dispose();
    model.dispose();
  });

  it('NaN or ±Infinity in any weight is INVALID_MODEL_FILE naming the weight', async () => {
    const model = createMlp({ inputs: 2, hidden: [3], outputs: 1 });
    const artifacts = await saveToMemory(model);
    const n = (artifacts.weightData as ArrayBuffer).byteLength / 4;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom(NaN, Infinity, -Infinity), async (i, v) => {
        const data = new Float32Array((artifacts.weightData as ArrayBuffer).slice(0));
        data[i] = v;
        const e = await loadError({ ...artifacts, weightData: data.buffer });
        expect(e.code).toBe('INVALID_MODEL_FILE');
        expect(e.details.received).toBe(String(v));
      }),
      { numRuns: 20 },
    );
    model.dispose();
  });
});
