// Seeded two moons and spirals (the construction of src/__tests__/toys.ts), for the bench.
import { createRandom } from '@phaseflow/core';

export function twoMoons(n, noise, seed) {
  const rng = createRandom(seed);
  const x = [];
  const y = [];
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

export function spirals(n, noise, seed, turns = 1.5) {
  const rng = createRandom(seed);
  const x = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = 0.1 + 0.9 * rng.uniform();
    const th = 2 * Math.PI * turns * t + c * Math.PI;
    x.push([2 * t * Math.cos(th) + noise * rng.normal(), 2 * t * Math.sin(th) + noise * rng.normal()]);
    y.push(c);
  }
  return { x, y };
}
