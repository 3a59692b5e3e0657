import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { createReadout, createRidge, createRidgeAccumulator, matrix } from '@phaseflow/reservoir';

function error(f: () => unknown): { code: string; argument?: string } {
  try {
    f();
  } catch (e) {
    if (isPhaseflowError(e)) return { code: e.code, argument: e.details.argument };
    throw e;
  }
  return { code: 'none' };
}

describe('createReadout({ inputDim, outputDim }) and createRidgeAccumulator({ inputDim, outputDim })', () => {
  it('build the sizes asked for and check their options', () => {
    const r = createReadout({ inputDim: 4, outputDim: 2 });
    expect([r.inputDim, r.outputDim, r.weights.length, r.bias.length]).toEqual([4, 2, 8, 2]);
    const acc = createRidgeAccumulator({ inputDim: 4, outputDim: 2 });
    expect([acc.inputDim, acc.outputDim, acc.count]).toEqual([4, 2, 0]);
    expect(error(() => createReadout({ inputDim: 0, outputDim: 1 }))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'options.inputDim' });
    expect(error(() => createRidgeAccumulator({ inputDim: 3, outputDim: 1.5 }))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'options.outputDim' });
    expect(error(() => createReadout({ inputDim: 3, outputDim: 1, bias: true } as never)).code).toBe('UNKNOWN_OPTION');
    expect(error(() => createReadout(undefined as never)).code).toBe('INVALID_ARGUMENT');
  });

  it('the deprecated positional forms still work and give bit-identical fits (removed in the next minor)', async () => {
    const X = matrix(40, 3),
      Y = matrix(40, 1);
    for (let t = 0; t < 40; t++) {
      for (let i = 0; i < 3; i++) X.data[t * 3 + i] = Math.sin(0.3 * t + i);
      Y.data[t] = 0.5 * X.data[t * 3]! - X.data[t * 3 + 2]! + 0.1;
    }
    const old = createReadout(3, 1);
    const current = createReadout({ inputDim: 3, outputDim: 1 });
    await createRidge({ ridge: 1e-6 }).fit(old, { inputs: X, targets: Y });
    await createRidge({ ridge: 1e-6 }).fit(current, { inputs: X, targets: Y });
    expect(Array.from(old.parameters.get())).toEqual(Array.from(current.parameters.get()));
    const a = createRidgeAccumulator(3, 1),
      b = createRidgeAccumulator({ inputDim: 3, outputDim: 1 });
    for (let t = 0; t < 40; t++) {
      a.add(X.data, t * 3, Y.data, t);
      b.add(X.data, t * 3, Y.data, t);
    }
    const ra = createReadout(3, 1),
      rb = createReadout({ inputDim: 3, outputDim: 1 });
    expect(a.solve(1e-3, ra)).toBe(b.solve(1e-3, rb));
    expect(Array.from(ra.weights)).toEqual(Array.from(rb.weights));
    // The positional form keeps its old argument names in errors.
    expect(error(() => createReadout(0, 1))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'inputDim' });
    expect(error(() => createRidgeAccumulator(3, 0))).toEqual({ code: 'INVALID_ARGUMENT', argument: 'outputDim' });
  });
});
