/**
 * Classification toys of the stable-architecture papers and tutorials (Haber & Ruthotto 2018,
 * Meganet; scikit-learn's moons/circles; the CS231n spirals). Every generator is seeded, draws
 * a balanced number of points per class, shuffles them (seeded) and returns a
 * {@link ClassificationSet}. `noise` is the standard deviation of Gaussian noise added to every
 * coordinate after the label is fixed.
 */
import { checkInteger, checkOptions, checkFinite, createRandom, invalid, type Random } from '@phaseflow/core';
import { balancedCounts, noiseArg, positiveArg, seedArg, sizeArg } from './internal/args.js';
import type { ClassificationSet } from './types.js';

/** Options shared by every classification toy. */
export interface ToyOptions {
  /** Number of points (default 512), split as evenly as possible between the classes. */
  readonly n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate (≥ 0). */
  readonly noise?: number;
  /** Seed of the random stream (integer in [0, 2³²), default 0). */
  readonly seed?: number;
}

const COMMON = ['n', 'noise', 'seed'] as const;

/** Fill a set class by class with `point(rng, k, i, count)`, then add noise and shuffle. */
function assemble(
  name: string,
  n: number,
  classes: number,
  noise: number,
  seed: number,
  point: (rng: Random, k: number, i: number, count: number, out: Float64Array) => void,
  dim = 2,
): ClassificationSet {
  // Separate streams for positions, noise and order: changing the noise level keeps the same
  // points and the same shuffle, so clean and noisy sets pair up row by row.
  const root = createRandom(seed);
  const rng = root.fork('points'),
    noiseRng = root.fork('noise'),
    orderRng = root.fork('order');
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  const counts = balancedCounts(n, classes);
  const row = new Float64Array(dim);
  let r = 0;
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < counts[k]!; i++, r++) {
      point(rng, k, i, counts[k]!, row);
      x.set(row, r * dim);
      y[r] = k;
    }
  }
  if (noise > 0) for (let j = 0; j < x.length; j++) x[j]! += noise * noiseRng.normal();
  const perm = orderRng.permutation(n);
  const xs = new Float64Array(n * dim);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = perm[i]!;
    for (let d = 0; d < dim; d++) xs[i * dim + d] = x[src * dim + d]!;
    ys[i] = y[src]!;
  }
  return { kind: 'classification', name, x: xs, y: ys, n, dim, classes };
}

function classesArg(value: unknown, fallback: number, min = 2): number {
  return value === undefined ? fallback : checkInteger('options.classes', value, { min, max: 64 });
}

function nArg(value: unknown, classes: number): number {
  return sizeArg('options.n', value, 512, classes, 8); // x, its shuffled copy (≤ 3 columns each) and two label arrays
}

/**
 * Swiss roll, two classes (Haber & Ruthotto 2018, Meganet `setupSwissRoll`): two interleaved
 * Archimedean spirals over θ ∈ [0, 4π],
 * class 0: r = θ/4π, class 1: r = 0.2 + θ/4π, point = r (cos θ, sin θ).
 * θ is drawn uniformly (Meganet uses an even grid; use `noise: 0` and a large n to approach it).
 *
 * @example
 * ```ts
 * const roll = swissRoll({ n: 512, noise: 0.01, seed: 1 });
 * ```
 */
export function swissRoll(options: ToyOptions & { readonly turns?: number } = {}): ClassificationSet {
  const o = checkOptions('options', options, [...COMMON, 'turns']);
  const n = nArg(o.n, 2);
  const noise = noiseArg(o.noise, 0);
  const turns = positiveArg('options.turns', o.turns, 2);
  const span = 2 * Math.PI * turns;
  return assemble('swiss-roll', n, 2, noise, seedArg(o.seed), (rng, k, _i, _c, out) => {
    const theta = span * rng.uniform();
    const r = theta / span + (k === 1 ? 0.2 : 0);
    out[0] = r * Math.cos(theta);
    out[1] = r * Math.sin(theta);
  });
}

/**
 * MATLAB's peaks function on [−3, 3]²:
 * z = 3(1−x)² e^{−x²−(y+1)²} − 10(x/5 − x³ − y⁵) e^{−x²−y²} − ⅓ e^{−(x+1)²−y²}.
 *
 * @example
 * ```ts
 * peaksFunction(0, 0); // 0.981…
 * ```
 */
export function peaksFunction(x: number, y: number): number {
  checkFinite('x', x);
  checkFinite('y', y);
  return peaksZ(x, y);
}

function peaksZ(x: number, y: number): number {
  return (
    3 * (1 - x) ** 2 * Math.exp(-(x * x) - (y + 1) ** 2) -
    10 * (x / 5 - x ** 3 - y ** 5) * Math.exp(-(x * x) - y * y) -
    (1 / 3) * Math.exp(-((x + 1) ** 2) - y * y)
  );
}

let peaksRange: [number, number] | undefined;
/** min and max of peaks on MATLAB's 256×256 grid `peaks(256)`, as Meganet's setupPeaks uses. */
function peaksMinMax(): [number, number] {
  if (peaksRange) return peaksRange;
  let lo = Infinity,
    hi = -Infinity;
  const ns = 256;
  for (let i = 0; i < ns; i++) {
    for (let j = 0; j < ns; j++) {
      const z = peaksZ(-3 + (6 * i) / (ns - 1), -3 + (6 * j) / (ns - 1));
      if (z < lo) lo = z;
      if (z > hi) hi = z;
    }
  }
  return (peaksRange = [lo, hi]);
}

/**
 * The "peaks" set (Haber & Ruthotto 2018; Meganet `setupPeaks`): points in [−3, 3]² labelled
 * by which of `classes` equal-width bands of [min z, max z] the peaks function falls in,
 * class k ⇔ z_min + k·Δ < z ≤ z_min + (k+1)·Δ, Δ = (z_max − z_min)/classes, with z_min, z_max
 * taken on MATLAB's `peaks(256)` grid. Positions are drawn uniformly and accepted until every
 * class has its share (a balanced set, as in Meganet).
 *
 * @example
 * ```ts
 * const p = peaks({ n: 1000, seed: 2 }); // 5 classes
 * ```
 */
export function peaks(options: ToyOptions & { readonly classes?: number } = {}): ClassificationSet {
  const o = checkOptions('options', options, [...COMMON, 'classes']);
  const classes = classesArg(o.classes, 5, 2);
  if (classes > 12) invalid('options.classes', 'an integer in [2, 12] (narrower bands are too thin to fill)', o.classes);
  const n = nArg(o.n, classes);
  const noise = noiseArg(o.noise, 0);
  const seed = seedArg(o.seed);
  const [lo, hi] = peaksMinMax();
  const width = (hi - lo) / classes;
  const label = (z: number) => Math.min(classes - 1, Math.max(0, Math.ceil((z - lo) / width) - 1));
  return assemble('peaks', n, classes, noise, seed, (rng, k, _i, _c, out) => {
    for (;;) {
      const px = -3 + 6 * rng.uniform();
      const py = -3 + 6 * rng.uniform();
      if (label(peaksZ(px, py)) === k) {
        out[0] = px;
        out[1] = py;
        return;
      }
    }
  });
}

/**
 * Concentric ellipses: class k fills the elliptic band k/K ≤ ρ < (k+1)/K of the ellipse with
 * semi-axes (a, b) rotated by `rotation`: point = R(rotation) · (a ρ cos φ, b ρ sin φ), with φ
 * uniform and ρ² uniform in the band (uniform by area). A classic test that needs a nonlinear,
 * rotation-aware decision boundary (Ruthotto & Haber's tutorials).
 *
 * @example
 * ```ts
 * const e = ellipses({ classes: 3, axes: [1, 0.5], n: 600, seed: 4 });
 * ```
 */
export function ellipses(
  options: ToyOptions & { readonly classes?: number; readonly axes?: readonly [number, number]; readonly rotation?: number } = {},
): ClassificationSet {
  const o = checkOptions('options', options, [...COMMON, 'classes', 'axes', 'rotation']);
  const classes = classesArg(o.classes, 3);
  const n = nArg(o.n, classes);
  const noise = noiseArg(o.noise, 0);
  let a = 1,
    b = 0.5;
  if (o.axes !== undefined) {
    if (!Array.isArray(o.axes) || o.axes.length !== 2) invalid('options.axes', 'two positive semi-axes [a, b]', o.axes);
    a = positiveArg('options.axes[0]', o.axes[0], 1);
    b = positiveArg('options.axes[1]', o.axes[1], 1);
  }
  const rot = o.rotation === undefined ? Math.PI / 6 : checkFinite('options.rotation', o.rotation);
  const c = Math.cos(rot),
    s = Math.sin(rot);
  return assemble('ellipses', n, classes, noise, seedArg(o.seed), (rng, k, _i, _c, out) => {
    const lo = k / classes,
      hi = (k + 1) / classes;
    const rho = Math.sqrt(lo * lo + (hi * hi - lo * lo) * rng.uniform());
    const phi = 2 * Math.PI * rng.uniform();
    const u = a * rho * Math.cos(phi),
      v = b * rho * Math.sin(phi);
    out[0] = c * u - s * v;
    out[1] = s * u + c * v;
  });
}

/**
 * Two moons (scikit-learn's `make_moons`): class 0 = (cos θ, sin θ), class 1 =
 * (1 − cos θ, ½ − sin θ), θ uniform in [0, π], plus Gaussian noise (default 0.1).
 *
 * @example
 * ```ts
 * const m = moons({ n: 400, noise: 0.1, seed: 7 });
 * ```
 */
export function moons(options: ToyOptions = {}): ClassificationSet {
  const o = checkOptions('options', options, COMMON);
  const n = nArg(o.n, 2);
  const noise = noiseArg(o.noise, 0.1);
  return assemble('moons', n, 2, noise, seedArg(o.seed), (rng, k, _i, _c, out) => {
    const theta = Math.PI * rng.uniform();
    out[0] = k === 0 ? Math.cos(theta) : 1 - Math.cos(theta);
    out[1] = k === 0 ? Math.sin(theta) : 0.5 - Math.sin(theta);
  });
}

/**
 * Interleaved spirals, one arm per class (after the CS231n spiral set): for class k,
 * r uniform in [0, 1], θ = 2πk/K + 2π·turns·r, point = r (cos θ, sin θ), plus Gaussian noise
 * (default 0.02).
 *
 * @example
 * ```ts
 * const s = spirals({ classes: 3, turns: 1, n: 600, seed: 5 });
 * ```
 */
export function spirals(options: ToyOptions & { readonly classes?: number; readonly turns?: number } = {}): ClassificationSet {
  const o = checkOptions('options', options, [...COMMON, 'classes', 'turns']);
  const classes = classesArg(o.classes, 2);
  const n = nArg(o.n, classes);
  const noise = noiseArg(o.noise, 0.02);
  const turns = positiveArg('options.turns', o.turns, 1);
  return assemble('spirals', n, classes, noise, seedArg(o.seed), (rng, k, _i, _c, out) => {
    const r = rng.uniform();
    const theta = (2 * Math.PI * k) / classes + 2 * Math.PI * turns * r;
    out[0] = r * Math.cos(theta);
    out[1] = r * Math.sin(theta);
  });
}

/**
 * Concentric circles (scikit-learn's `make_circles`): class 0 on the unit circle, class 1 on
 * the circle of radius `factor` (default 0.5, in (0, 1)), angle uniform, plus Gaussian noise
 * (default 0.05).
 *
 * @example
 * ```ts
 * const c = circles({ n: 400, factor: 0.5, noise: 0.05, seed: 6 });
 * ```
 */
export function circles(options: ToyOptions & { readonly factor?: number } = {}): ClassificationSet {
  const o = checkOptions('options', options, [...COMMON, 'factor']);
  const n = nArg(o.n, 2);
  const noise = noiseArg(o.noise, 0.05);
  const factor = o.factor === undefined ? 0.5 : checkFinite('options.factor', o.factor);
  if (!(factor > 0 && factor < 1)) invalid('options.factor', 'a number in (0, 1)', o.factor);
  return assemble('circles', n, 2, noise, seedArg(o.seed), (rng, k, _i, _c, out) => {
    const phi = 2 * Math.PI * rng.uniform();
    const r = k === 0 ? 1 : factor;
    out[0] = r * Math.cos(phi);
    out[1] = r * Math.sin(phi);
  });
}
