import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { circles, ellipses, moons, peaks, peaksFunction, spirals, swissRoll, type ClassificationSet } from '@phaseflow/datasets';

const toys: Array<[string, (o: { n: number; seed: number; noise?: number }) => ClassificationSet]> = [
  ['swissRoll', swissRoll],
  ['peaks', peaks],
  ['ellipses', ellipses],
  ['moons', moons],
  ['spirals', spirals],
  ['circles', circles],
];

function counts(s: ClassificationSet): number[] {
  const c = new Array<number>(s.classes).fill(0);
  for (const k of s.y) c[k]!++;
  return c;
}

function row(s: ClassificationSet, i: number): [number, number] {
  return [s.x[i * 2]!, s.x[i * 2 + 1]!];
}

describe('classification toys', () => {
  it.each(toys)('%s: shapes, balanced labels in range, reproducible by seed', (_name, make) => {
    const a = make({ n: 301, seed: 3 });
    expect(a.kind).toBe('classification');
    expect(a.x).toBeInstanceOf(Float64Array);
    expect(a.y).toBeInstanceOf(Int32Array);
    expect(a.x.length).toBe(a.n * a.dim);
    expect(a.y.length).toBe(301);
    const c = counts(a);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    expect(c.reduce((s, v) => s + v, 0)).toBe(301);
    expect(a.x.every(Number.isFinite)).toBe(true);
    const b = make({ n: 301, seed: 3 });
    expect(b.x).toEqual(a.x);
    expect(b.y).toEqual(a.y);
    expect(make({ n: 301, seed: 4 }).x).not.toEqual(a.x);
    // shuffled: the labels are not sorted by class
    expect(Array.from(a.y).some((v, i) => i > 0 && v < a.y[i - 1]!)).toBe(true);
  });

  it.each(toys)('%s: noise moves points by about its standard deviation', (_name, make) => {
    const clean = make({ n: 400, seed: 9, noise: 0 });
    const noisy = make({ n: 400, seed: 9, noise: 0.05 });
    // Same class draws (the noise is added after the positions), so rows pair up.
    expect(noisy.y).toEqual(clean.y);
    let ss = 0;
    for (let i = 0; i < clean.x.length; i++) ss += (noisy.x[i]! - clean.x[i]!) ** 2;
    expect(Math.sqrt(ss / clean.x.length)).toBeGreaterThan(0.04);
    expect(Math.sqrt(ss / clean.x.length)).toBeLessThan(0.06);
  });

  it('swiss roll: class 0 has r = θ/4π and class 1 has r = 0.2 + θ/4π (Meganet setupSwissRoll)', () => {
    const s = swissRoll({ n: 200, seed: 1 });
    for (let i = 0; i < s.n; i++) {
      const [x, y] = row(s, i);
      const r = Math.hypot(x, y);
      let theta = Math.atan2(y, x);
      if (theta < 0) theta += 2 * Math.PI;
      const off = s.y[i] === 1 ? 0.2 : 0;
      // θ is known mod 2π: one of θ, θ + 2π must fit r.
      const fits = [theta, theta + 2 * Math.PI].some((th) => Math.abs(th / (4 * Math.PI) + off - r) < 1e-12);
      expect(fits).toBe(true);
    }
  });

  it('peaks: z of each point lies in its class band of [min, max] on MATLAB peaks(256)', () => {
    expect(peaksFunction(0, 0)).toBeCloseTo(0.98101184312, 10);
    // MATLAB: max(peaks(256)) ≈ 8.1062 near (−0.0093, 1.5814), min ≈ −6.5511 near (0.2283, −1.6255)
    expect(peaksFunction(-0.0093, 1.5814)).toBeCloseTo(8.1062, 3);
    expect(peaksFunction(0.2283, -1.6255)).toBeCloseTo(-6.5511, 3);
    const s = peaks({ n: 500, seed: 2 });
    expect(s.classes).toBe(5);
    const lo = -6.5511,
      hi = 8.1062,
      w = (hi - lo) / 5;
    for (let i = 0; i < s.n; i++) {
      const [x, y] = row(s, i);
      expect(Math.abs(x)).toBeLessThanOrEqual(3);
      expect(Math.abs(y)).toBeLessThanOrEqual(3);
      const z = peaksFunction(x, y);
      const k = s.y[i]!;
      expect(z).toBeGreaterThan(lo + k * w - 1e-3);
      expect(z).toBeLessThanOrEqual(lo + (k + 1) * w + 1e-3);
    }
  });

  it('moons and circles without noise lie on their curves', () => {
    const m = moons({ n: 200, noise: 0, seed: 5 });
    for (let i = 0; i < m.n; i++) {
      const [x, y] = row(m, i);
      if (m.y[i] === 0) expect(Math.hypot(x, y)).toBeCloseTo(1, 12);
      else expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 12);
      expect(m.y[i] === 0 ? y >= 0 : y <= 0.5).toBe(true);
    }
    const c = circles({ n: 200, noise: 0, factor: 0.3, seed: 5 });
    for (let i = 0; i < c.n; i++) expect(Math.hypot(...row(c, i))).toBeCloseTo(c.y[i] === 0 ? 1 : 0.3, 12);
  });

  it('ellipses: class k fills the band k/K ≤ ρ < (k+1)/K of the rotated ellipse', () => {
    const rot = 0.4;
    const s = ellipses({ n: 300, classes: 4, axes: [2, 1], rotation: rot, seed: 8 });
    for (let i = 0; i < s.n; i++) {
      const [x, y] = row(s, i);
      const u = Math.cos(rot) * x + Math.sin(rot) * y,
        v = -Math.sin(rot) * x + Math.cos(rot) * y;
      const rho = Math.hypot(u / 2, v / 1);
      expect(Math.floor(rho * 4 + 1e-12)).toBe(s.y[i]);
    }
  });

  it('spirals: each arm follows θ = 2πk/K + 2π·turns·r', () => {
    const s = spirals({ n: 300, classes: 3, turns: 1.5, noise: 0, seed: 6 });
    for (let i = 0; i < s.n; i++) {
      const [x, y] = row(s, i);
      const r = Math.hypot(x, y);
      const theta = (2 * Math.PI * s.y[i]!) / 3 + 3 * Math.PI * r;
      expect(x).toBeCloseTo(r * Math.cos(theta), 12);
      expect(y).toBeCloseTo(r * Math.sin(theta), 12);
    }
  });

  it('rejects bad input with coded errors naming the argument', () => {
    const cases: Array<[() => unknown, string, string]> = [
      [() => moons({ n: 0 }), 'INVALID_ARGUMENT', 'options.n'],
      [() => moons({ n: 2.5 }), 'INVALID_ARGUMENT', 'options.n'],
      [() => moons({ noise: -0.1 }), 'INVALID_ARGUMENT', 'options.noise'],
      [() => moons({ noise: Number.NaN }), 'NON_FINITE_INPUT', 'options.noise'],
      [() => moons({ seed: -1 }), 'INVALID_ARGUMENT', 'options.seed'],
      [() => moons({ size: 10 } as never), 'UNKNOWN_OPTION', 'options.size'],
      [() => spirals({ classes: 1 }), 'INVALID_ARGUMENT', 'options.classes'],
      [() => spirals({ turns: 0 }), 'INVALID_ARGUMENT', 'options.turns'],
      [() => peaks({ n: 3 }), 'INVALID_ARGUMENT', 'options.n'],
      [() => peaks({ classes: 40 }), 'INVALID_ARGUMENT', 'options.classes'],
      [() => circles({ factor: 1 }), 'INVALID_ARGUMENT', 'options.factor'],
      [() => ellipses({ axes: [1, -1] }), 'INVALID_ARGUMENT', 'options.axes[1]'],
      [() => ellipses({ axes: [1] as never }), 'INVALID_ARGUMENT', 'options.axes'],
      [() => peaksFunction(Number.POSITIVE_INFINITY, 0), 'NON_FINITE_INPUT', 'x'],
    ];
    for (const [call, code, argument] of cases) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(isPhaseflowError(caught, code as never), `${argument}: ${String(caught)}`).toBe(true);
      expect((caught as { details: { argument: string } }).details.argument).toBe(argument);
    }
  });
});
