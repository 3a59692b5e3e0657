import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spectralRadius } from '@phaseflow/linalg';
import { createReservoir, randomSparse, type WeightDistribution } from '@phaseflow/reservoir';

interface Case {
  units: number;
  distribution: WeightDistribution;
  connectivity: number;
  seed: number;
  rho: number;
  secondModulus: number;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/spectral-radius-numpy.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe("the weight build's spectral radius against numpy's dense eigvals (fixture)", () => {
  it.each(fx.cases.filter((c) => [0, 30, 31, 40, 41, 42, 20, 21].includes(c.seed)).map((c) => [c.units, c.distribution, c.connectivity, c.seed, c] as const))(
    'units %i, %s, connectivity %f, seed %i: within 1e-6 relative',
    (_u, _d, _p, _s, c) => {
      const W = randomSparse({ rows: c.units, cols: c.units, connectivity: c.connectivity, distribution: c.distribution, seed: c.seed });
      const rho = spectralRadius(W);
      expect(Math.abs(rho - c.rho) / c.rho).toBeLessThan(1e-6);
    },
  );

  it('createReservoir rescales W by 1.25/ρ with ρ within 1e-6 of the dense one', () => {
    // On this matrix ARPACK's eigs(k=1, which='LM') stops on the second pair (7.14410, 0.14 % low).
    const c = fx.cases.find((x) => x.units === 500 && x.seed === 2 && x.distribution === 'normal')!;
    const raw = randomSparse({ rows: 500, cols: 500, connectivity: 0.1, seed: 2 });
    const res = createReservoir({ units: 500, inputDim: 1, spectralRadius: 1.25, seed: 0, W: raw });
    const factor = res.W.values[0]! / raw.values[0]!;
    expect(Math.abs(factor * c.rho - 1.25) / 1.25).toBeLessThan(1e-6);
  });
});
