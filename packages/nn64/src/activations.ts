/**
 * The activation table of the Float64 MLP: σ and its derivative for every hidden activation,
 * and the output maps. One table, one name per function (`linear` is the identity, as in
 * tf.layers and @phaseflow/tfjs).
 */

/**
 * Hidden-layer activations. `heaviside` is the unit step H(z) = 1 if z > 0 else 0 and `sign`
 * the sign function: their derivative is zero almost everywhere, which derivative-free
 * trainers (EnKF) do not mind.
 */
export type Activation = 'linear' | 'tanh' | 'relu' | 'sigmoid' | 'softplus' | 'heaviside' | 'sign';

/** Output-layer maps. `softmax` gives class probabilities per row. */
export type OutputActivation = 'linear' | 'softmax' | 'sigmoid';

/** σ and σ′, the derivative written with the pre-activation z and the value y = σ(z) (whichever is cheaper). */
export interface ActivationFunction {
  /** σ(z). */
  readonly f: (z: number) => number;
  /** σ′(z), given z and y = σ(z). */
  readonly df: (z: number, y: number) => number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Every hidden activation by name: σ and σ′ (zero almost everywhere for the step functions).
 * softplus(z) = log(1 + eᶻ), returned as z above 30 where the two agree in double precision.
 *
 * @example
 * ```ts
 * activations.tanh.f(0.5);            // 0.4621…
 * activations.tanh.df(0.5, 0.4621);   // 1 − y² = 0.786…
 * ```
 */
export const activations: Readonly<Record<Activation, ActivationFunction>> = {
  linear: { f: (z) => z, df: () => 1 },
  tanh: { f: Math.tanh, df: (_z, y) => 1 - y * y },
  relu: { f: (z) => (z < 0 ? 0 : z), df: (z) => (z > 0 ? 1 : 0) },
  sigmoid: { f: sigmoid, df: (_z, y) => y * (1 - y) },
  softplus: { f: (z) => (z > 30 ? z : Math.log1p(Math.exp(z))), df: (z) => 1 / (1 + Math.exp(-z)) },
  heaviside: { f: (z) => (z > 0 ? 1 : 0), df: () => 0 },
  sign: { f: (z) => (z > 0 ? 1 : z < 0 ? -1 : 0), df: () => 0 },
};

/**
 * The hidden activation names, in table order (the output maps are {@link OUTPUT_ACTIVATIONS}).
 *
 * @example
 * ```ts
 * HIDDEN_ACTIVATIONS.includes('heaviside'); // true
 * ```
 */
export const HIDDEN_ACTIVATIONS = Object.keys(activations) as readonly Activation[];

/**
 * The old name of {@link HIDDEN_ACTIVATIONS}. It clashed with @phaseflow/tfjs's `ACTIVATIONS`,
 * a different list (the tensor activations, softmax among them).
 *
 * @deprecated Use HIDDEN_ACTIVATIONS; removed in the next minor
 *
 * @example
 * ```ts
 * ACTIVATIONS; // the same names as HIDDEN_ACTIVATIONS
 * ```
 */
export const ACTIVATIONS = Object.keys(activations) as readonly Activation[];

/**
 * The output map names.
 *
 * @example
 * ```ts
 * OUTPUT_ACTIVATIONS; // ['linear', 'softmax', 'sigmoid']
 * ```
 */
export const OUTPUT_ACTIVATIONS: readonly OutputActivation[] = ['linear', 'softmax', 'sigmoid'];

/** @internal z ← σ(z) on the first n entries, in place (one loop per activation: the hot path of ensemble evaluation). */
export function activateInPlace(a: Activation, z: Float64Array, n: number): void {
  switch (a) {
    case 'tanh':
      for (let i = 0; i < n; i++) z[i] = Math.tanh(z[i]!);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (z[i]! < 0) z[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) z[i] = 1 / (1 + Math.exp(-z[i]!));
      return;
    case 'heaviside':
      for (let i = 0; i < n; i++) z[i] = z[i]! > 0 ? 1 : 0;
      return;
    case 'sign':
      for (let i = 0; i < n; i++) z[i] = z[i]! > 0 ? 1 : z[i]! < 0 ? -1 : 0;
      return;
    case 'softplus': {
      const f = activations.softplus.f;
      for (let i = 0; i < n; i++) z[i] = f(z[i]!);
      return;
    }
    case 'linear':
      return;
  }
}

/** @internal The output map on `rows` rows of `width`, in place. */
export function outputInPlace(o: OutputActivation, z: Float64Array, rows: number, width: number): void {
  if (o === 'sigmoid') activateInPlace('sigmoid', z, rows * width);
  else if (o === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const off = r * width;
      let max = -Infinity;
      for (let j = 0; j < width; j++) if (z[off + j]! > max) max = z[off + j]!;
      let s = 0;
      for (let j = 0; j < width; j++) {
        const e = Math.exp(z[off + j]! - max);
        z[off + j] = e;
        s += e;
      }
      for (let j = 0; j < width; j++) z[off + j]! /= s;
    }
  }
}

/** @internal ∂L/∂z from ∂L/∂y through the output map y = out(z) (a fresh array unless the map is linear). */
export function outputVjp(o: OutputActivation, y: Float64Array, gy: Float64Array, rows: number, width: number): Float64Array {
  if (o === 'linear') return gy;
  const g = new Float64Array(gy.length);
  if (o === 'sigmoid') {
    for (let k = 0; k < g.length; k++) g[k] = gy[k]! * y[k]! * (1 - y[k]!);
    return g;
  }
  // softmax: ∂L/∂z_j = y_j (ḡ_j − Σ_k ḡ_k y_k), row by row.
  for (let r = 0; r < rows; r++) {
    const off = r * width;
    let s = 0;
    for (let j = 0; j < width; j++) s += gy[off + j]! * y[off + j]!;
    for (let j = 0; j < width; j++) g[off + j] = y[off + j]! * (gy[off + j]! - s);
  }
  return g;
}
