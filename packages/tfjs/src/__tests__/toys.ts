/**
 * Seeded two-moons and spirals for the tests (the same construction as @phaseflow/datasets'
 * classification toys; kept inline so this package's tests do not depend on it).
 */
import { createRandom } from '@phaseflow/core';

export interface Toy {
  x: number[][];
  y: number[];
}

/** Two interleaving half circles (Pedregosa et al., scikit-learn make_moons), Gaussian noise σ. */
export function twoMoons(n: number, noise: number, seed: number): Toy {
  const rng = createRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = Math.PI * rng.uniform();
    const px = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const py = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    x.push([px + noise * rng.normal(), py + noise * rng.normal()]);
    y.push(c);
  }
  return { x, y };
}

/** Two interleaved Archimedean spirals r = t, θ = 2π·turns·t + cπ, t ∈ (0, 1]. */
export function spirals(n: number, noise: number, seed: number, turns = 1.5): Toy {
  const rng = createRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = 0.1 + 0.9 * rng.uniform();
    const th = 2 * Math.PI * turns * t + c * Math.PI;
    x.push([2 * t * Math.cos(th) + noise * rng.normal(), 2 * t * Math.sin(th) + noise * rng.normal()]);
    y.push(c);
  }
  return { x, y };
}
