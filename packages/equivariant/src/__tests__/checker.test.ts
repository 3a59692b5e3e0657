// The testkit's equivariance checker (it lives in @phaseflow/testkit; its tests sit here, beside
// the layers that rely on it): it passes exact maps, catches broken ones, and reads float32 and
// float64 runs against their own machine epsilon.
import type { createRandom } from '@phaseflow/core';
import { SO2 } from '@phaseflow/lie';
import { checkEquivariance, machineEpsilon } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { createLiftingConv64, transformGroupFeatures, transformImages } from '@phaseflow/equivariant';

const N = 8;
const shift = (g: number, x: Float64Array) => Float64Array.from(x, (_, i) => x[(i - g + N) % N]!);
const cyclic = { name: 'C_8', elements: [0, 1, 2, 3, 4, 5, 6, 7] };
const sampleInput = (r: ReturnType<typeof createRandom>) => r.fillNormal(new Float64Array(N));
// A circular convolution: equivariant to cyclic shifts.
const circular = (x: Float64Array) => x.map((v, i) => 0.3 * v + 0.5 * x[(i + 1) % N]! - 0.2 * x[(i + N - 1) % N]!);
// The same map with every operation rounded to float32.
const f = Math.fround;
const circular32 = (x: Float64Array) => x.map((v, i) => f(f(f(0.3) * f(v)) + f(f(f(0.5) * f(x[(i + 1) % N]!)) - f(f(0.2) * f(x[(i + N - 1) % N]!)))));

describe('checkEquivariance', () => {
  it('passes an exactly equivariant map to rounding, every element, both dtypes side by side', () => {
    const r = checkEquivariance({
      name: 'circular',
      group: cyclic,
      actOnInput: shift,
      actOnOutput: shift,
      sampleInput,
      layer: circular,
      layers: { float32: circular32 },
      inputs: 3,
    });
    expect(r.ok, r.message).toBe(true);
    expect(r.runs.map((run) => run.dtype)).toEqual(['float64', 'float32']);
    for (const run of r.runs) {
      expect(run.elements).toHaveLength(8);
      expect(run.pairs).toBe(24);
      expect(run.epsilons).toBeCloseTo(run.relative / machineEpsilon(run.dtype), 6);
    }
    // Shifting only moves numbers: both runs are exact.
    expect(r.runs[0]!.maxAbs).toBe(0);
    expect(r.runs[1]!.maxAbs).toBe(0);
    expect(r.message).toMatch(/circular under C_8 \(float64\): equivariant/);
  });

  it('catches a layer that is not equivariant', () => {
    // A plain 3 × 3 convolution with a kernel that has no symmetry, claimed to commute with C4.
    const plain = createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 1, seed: 3, useBias: false });
    const kernel = plain.kernel; // ψ itself, not its four rotations
    const shape = [1, 7, 7, 1] as const;
    const layer = (x: Float64Array) => {
      const out = new Float64Array(25);
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++) {
          let s = 0;
          for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) s += x[(i + u) * 7 + j + v]! * kernel[u * 3 + v]!;
          out[i * 5 + j] = s;
        }
      return out;
    };
    const r = checkEquivariance({
      name: 'plain conv',
      group: { name: 'C4', elements: [0, 1, 2, 3] },
      actOnInput: (g, x) => transformImages('C4', g, { data: x, shape }).data,
      actOnOutput: (g, y) => transformImages('C4', g, { data: y, shape: [1, 5, 5, 1] }).data,
      sampleInput: (rng) => rng.fillNormal(new Float64Array(49)),
      layer,
    });
    expect(r.ok).toBe(false);
    expect(r.runs[0]!.relative).toBeGreaterThan(0.1);
    expect(r.message).toMatch(/NOT equivariant/);
    // The identity is fine; a quarter turn is where it breaks.
    expect(r.runs[0]!.elements[0]!.maxAbs).toBe(0);
    expect(r.runs[0]!.worst.element).not.toBe('0');
  });

  it('catches a wrong output action (a lifting conv read without permuting the copies)', () => {
    const lift = createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 2, seed: 1 });
    const spec = lift.equivariance({ size: 5 });
    const wrong = checkEquivariance({ ...spec, actOnOutput: (g, y) => transformImages('C4', g, { data: y, shape: [1, 3, 3, 8] }).data });
    expect(wrong.ok).toBe(false);
    const right = checkEquivariance({ ...spec, actOnOutput: (g, y) => transformGroupFeatures('C4', g, { data: y, shape: [1, 3, 3, 8] }).data });
    expect(right.ok, right.message).toBe(true);
  });

  it('tells the precisions apart: a 1e-9 symmetry breaking fails in float64 and passes in float32', () => {
    const broken = (x: Float64Array) => {
      const y = circular(x);
      y[0]! += 1e-9 * x[0]!;
      return y;
    };
    const r = checkEquivariance({ group: cyclic, actOnInput: shift, actOnOutput: shift, sampleInput, layer: broken, layers: { float32: broken } });
    expect(r.runs[0]!.ok).toBe(false);
    expect(r.runs[1]!.ok).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.runs[0]!.epsilons).toBeGreaterThan(1e5);
  });

  it('draws seeded elements of a continuous group (SO(2) from @phaseflow/lie) and is reproducible', () => {
    // x ↦ |x|²·x on each of 4 points in the plane commutes with rotations.
    const rotate = (g: Float64Array, x: Float64Array) => {
      const out = new Float64Array(x.length);
      for (let i = 0; i < x.length; i += 2) out.set(SO2.act(g, x.subarray(i, i + 2)), i);
      return out;
    };
    const cubic = (x: Float64Array) => {
      const y = new Float64Array(x.length);
      for (let i = 0; i < x.length; i += 2) {
        const s = x[i]! ** 2 + x[i + 1]! ** 2;
        y[i] = s * x[i]!;
        y[i + 1] = s * x[i + 1]!;
      }
      return y;
    };
    const options = {
      group: SO2,
      actOnInput: rotate,
      actOnOutput: rotate,
      sampleInput: (r: ReturnType<typeof createRandom>) => r.fillNormal(new Float64Array(8)),
      layer: cubic,
      samples: 16,
      seed: 5,
    };
    const a = checkEquivariance(options);
    expect(a.ok, a.message).toBe(true);
    expect(a.runs[0]!.pairs).toBe(32);
    expect(a.runs[0]!.relative).toBeGreaterThan(0); // rotations round; the check still sees 1e-16
    expect(a.runs[0]!.relative).toBeLessThan(1e-14);
    expect(checkEquivariance(options).runs[0]!.relative).toBe(a.runs[0]!.relative);
  });

  it('accepts a core Layer and names it in the report', () => {
    const r = checkEquivariance({ group: cyclic, actOnInput: shift, actOnOutput: shift, sampleInput, layer: { name: 'circ', forward: circular } });
    expect(r.name).toBe('circ');
    expect(r.ok).toBe(true);
  });

  it('rejects bad options with coded errors', () => {
    const base = { group: cyclic, actOnInput: shift, actOnOutput: shift, sampleInput };
    expectPhaseflowError(() => checkEquivariance({ ...base }), 'INVALID_ARGUMENT', 'options.layer');
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: 3 as never }), 'INVALID_ARGUMENT', 'options.layer');
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: circular, layers: { float64: circular } }), 'INVALID_ARGUMENT', 'options.layers.float64');
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: circular, dtype: 'float16' as never }), 'INVALID_ARGUMENT', 'dtype');
    expectPhaseflowError(() => checkEquivariance({ ...base, group: { name: 'none' }, layer: circular }), 'INVALID_ARGUMENT', 'options.group');
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: circular, samples: 3 }), 'INVALID_ARGUMENT', 'options.samples');
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: circular, tolerance: { float64: -1 } }), 'INVALID_ARGUMENT', 'options.tolerance.float64');
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: circular, extra: 1 } as never), 'UNKNOWN_OPTION');
    let calls = 0;
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: (x: Float64Array) => (calls++ === 0 ? x : x.subarray(1)) }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => checkEquivariance({ ...base, layer: (x: Float64Array) => x.map(() => NaN) }), 'NON_FINITE_STATE');
  });
});
