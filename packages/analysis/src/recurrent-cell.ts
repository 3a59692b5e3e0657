/**
 * A simple recurrent cell h_t = σ(h_{t−1}·W + x_t·U + b) — the cell of @phaseflow/lie's
 * orthogonal RNNs (expRNN, the Householder cell; σ = modReLU) and of the plain tanh RNN — as a
 * map driven by its input, ready for {@link lyapunovSpectrum}: the conditional Lyapunov
 * spectrum of a trained cell. An orthogonal W with modReLU gives a non-expanding Jacobian
 * (every exponent ≤ 0, the active units' directions at 0); an unconstrained tanh cell forgets
 * (negative exponents) or turns chaotic (positive ones).
 */
import { checkFiniteArray, checkInteger, checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import { checkedJvp, checkedMap } from './args.js';
import { mapProblem, type JacobianVectorProduct, type MapProblem } from './map.js';
import { inputReader, type DrivingInput } from './rnn.js';

type F = Float64Array;

/** The activations of a recurrent cell: modReLU (the orthogonal cells), tanh, or none. */
export type RecurrentCellActivation = 'modrelu' | 'tanh' | 'linear';

const ACTIVATIONS: readonly RecurrentCellActivation[] = ['modrelu', 'tanh', 'linear'];

/**
 * The weights of a simple recurrent cell, row-vector convention (h is a row, h·W): what
 * @phaseflow/lie/tfjs's `OrthogonalRnn` and its `recurrence` op compute with. Read a trained
 * tfjs layer with `recurrentCellOf` from `@phaseflow/analysis/tfjs`, or pass tensors' data.
 */
export interface RecurrentCell {
  /** Hidden width n. */
  readonly units: number;
  /** W, n × n row-major: z = h·W + x·U, z_j = Σᵢ hᵢ W_ij + …. */
  readonly recurrentKernel: ArrayLike<number>;
  /** Input width d (default 0: an autonomous cell). */
  readonly inputDim?: number;
  /** U, d × n row-major. */
  readonly inputKernel?: ArrayLike<number>;
  /** b, n numbers (default 0): inside modReLU, σ(z) = sign(z)·relu(|z| + b); added before tanh; added for linear. */
  readonly bias?: ArrayLike<number>;
  /** σ (default `tanh`). */
  readonly activation?: RecurrentCellActivation;
}

/** Options of {@link recurrentCellMap}. */
export interface RecurrentCellMapOptions {
  /**
   * The driving input x_t: a T × d series (row n drives step n, time t = n with h = 1), or a
   * function writing x(t) into `out`. Required when the cell has inputs.
   */
  readonly inputs?: DrivingInput;
}

/** A recurrent cell as a map, from {@link recurrentCellMap}. */
export interface RecurrentCellMap extends MapProblem {
  readonly units: number;
  readonly inputDim: number;
  readonly activation: RecurrentCellActivation;
  /** ‖WᵀW − I‖_F: 0 for an orthogonal recurrence (up to the float32 rounding of a trained tfjs cell). */
  readonly orthogonalityDefect: number;
  /** h_t = σ(h_{t−1}·W + x_t·U + b) with its exact Jacobian–vector product. */
  readonly jvp: JacobianVectorProduct;
}

function checkMatrixData(argument: string, value: unknown, rows: number, cols: number): F {
  checkFiniteArray(argument, value);
  const a = value as ArrayLike<number>;
  if (a.length !== rows * cols) invalid(argument, `${rows} × ${cols} = ${rows * cols} numbers (row-major)`, `${a.length} numbers`, 'SHAPE_MISMATCH');
  return Float64Array.from(a);
}

/**
 * A simple recurrent cell driven by its input as a map, h ← σ(h·W + x_t·U + b), with the exact
 * Jacobian–vector product (J v)_j = σ′(z_j)·(v·W)_j. σ is modReLU, sign(z)·relu(|z| + b) with
 * σ′ = 1 where |z| + b > 0 and 0 elsewhere (Arjovsky, Shah & Bengio 2016; the cell of expRNN,
 * Lezcano-Casado & Martínez-Rubio 2019, and of Mhammedi et al.'s Householder RNN 2017), tanh(z + b)
 * with σ′ = sech², or z + b. Iterate it with {@link mapIterator} (h = 1); its spectrum by
 * {@link lyapunovSpectrum} is the cell's conditional Lyapunov spectrum under that input (Engelken,
 * Wolf & Abbott 2023 for trained RNNs). With W orthogonal and modReLU ‖J v‖ ≤ ‖v‖, so every
 * exponent is ≤ 0, and 0 exactly while all units stay active; with σ = linear, W = c·Q (Q
 * orthogonal) every exponent is ln c.
 *
 * @example
 * ```ts
 * import { lyapunovSpectrum, mapIterator, recurrentCellMap } from '@phaseflow/analysis';
 * import { matrix } from '@phaseflow/linalg';
 * // a rotation by 0.3 rad scaled by 0.9, linear: both exponents are ln 0.9
 * const c = Math.cos(0.3), s = Math.sin(0.3);
 * const cell = recurrentCellMap({ units: 2, recurrentKernel: [0.9 * c, 0.9 * s, -0.9 * s, 0.9 * c], activation: 'linear' });
 * lyapunovSpectrum(mapIterator(), cell, Float64Array.of(1, 0), { tEnd: 100, vectors: 2 }).exponents; // ≈ [−0.1054, −0.1054]
 * // a driven cell: inputs as a T × d series
 * const u = matrix(500, 1, Float64Array.from({ length: 500 }, (_, t) => Math.sin(t / 7)));
 * const driven = recurrentCellMap({ units: 2, inputDim: 1, recurrentKernel: [0.5, 0, 0, 0.5], inputKernel: [1, -1] }, { inputs: u });
 * lyapunovSpectrum(mapIterator(), driven, new Float64Array(2), { tEnd: 500, vectors: 2 }).exponents[0]; // < ln 0.5: tanh contracts further
 * ```
 */
export function recurrentCellMap(cell: RecurrentCell, options: RecurrentCellMapOptions = {}): RecurrentCellMap {
  if (cell === null || typeof cell !== 'object') invalid('cell', 'a recurrent cell { units, recurrentKernel, inputKernel?, bias?, activation? }', cell);
  const c = checkOptions('cell', cell, ['units', 'recurrentKernel', 'inputDim', 'inputKernel', 'bias', 'activation']);
  const o = checkOptions('options', options, ['inputs']);
  const n = checkInteger('cell.units', c.units, { min: 1 });
  const W = checkMatrixData('cell.recurrentKernel', c.recurrentKernel, n, n);
  if (c.inputKernel !== undefined && checkFiniteArray<ArrayLike<number>>('cell.inputKernel', c.inputKernel).length === 0)
    invalid('cell.inputKernel', 'a d × units input kernel with d ≥ 1 (leave it out for a cell without input)', c.inputKernel, 'SHAPE_MISMATCH');
  const d = c.inputDim === undefined ? (c.inputKernel === undefined ? 0 : c.inputKernel.length / n) : checkInteger('cell.inputDim', c.inputDim, { min: 0 });
  if (!Number.isInteger(d)) invalid('cell.inputKernel', `d × ${n} numbers (row-major)`, `${c.inputKernel!.length} numbers`, 'SHAPE_MISMATCH');
  if (d > 0 && c.inputKernel === undefined) invalid('cell.inputKernel', `a ${d} × ${n} input kernel`, undefined);
  const U = d > 0 ? checkMatrixData('cell.inputKernel', c.inputKernel, d, n) : new Float64Array(0);
  const b = c.bias === undefined ? new Float64Array(n) : checkMatrixData('cell.bias', c.bias, 1, n);
  const activation = c.activation === undefined ? 'tanh' : checkOneOf<RecurrentCellActivation>('cell.activation', c.activation, ACTIVATIONS);
  if (d > 0 && o.inputs === undefined) invalid('options.inputs', `a driving input of width ${d} (a T × ${d} Matrix or a function)`, undefined);
  if (d === 0 && o.inputs !== undefined) invalid('options.inputs', 'no input (the cell has inputDim 0)', o.inputs);
  const x = new Float64Array(d);
  const readInput = inputReader('options.inputs', o.inputs, d, x);

  let defect = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += W[r * n + i]! * W[r * n + j]!;
      defect += (s - (i === j ? 1 : 0)) ** 2;
    }
  }

  const z = new Float64Array(n);
  /** z ← h·W + x_t·U (the bias enters through σ). */
  const preActivation = (t: number, h: F): void => {
    readInput(t);
    z.fill(0);
    for (let i = 0; i < n; i++) {
      const hi = h[i]!;
      if (hi === 0) continue;
      const r = i * n;
      for (let j = 0; j < n; j++) z[j] += hi * W[r + j]!;
    }
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const r = i * n;
      for (let j = 0; j < n; j++) z[j] += xi * U[r + j]!;
    }
  };
  const sigma = (j: number): number => {
    const zj = z[j]!;
    if (activation === 'tanh') return Math.tanh(zj + b[j]!);
    if (activation === 'linear') return zj + b[j]!;
    const m = Math.abs(zj) + b[j]!;
    return m > 0 ? Math.sign(zj) * m : 0;
  };
  const dsigma = (j: number): number => {
    const zj = z[j]!;
    if (activation === 'tanh') {
      const ch = Math.cosh(zj + b[j]!);
      return 1 / (ch * ch);
    }
    if (activation === 'linear') return 1;
    return zj !== 0 && Math.abs(zj) + b[j]! > 0 ? 1 : 0;
  };
  // σ′(z) for the last (t, h) seen: the lifted problem calls jvp k times at the same point.
  const lastH = new Float64Array(n).fill(NaN);
  let lastT = NaN;
  const slope = new Float64Array(n);
  const jvp: JacobianVectorProduct = (t, h, v, out) => {
    let same = t === lastT;
    for (let i = 0; same && i < n; i++) same = h[i] === lastH[i];
    if (!same) {
      preActivation(t, h);
      for (let j = 0; j < n; j++) slope[j] = dsigma(j);
      lastH.set(h);
      lastT = t;
    }
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const vi = v[i]!;
      if (vi === 0) continue;
      const r = i * n;
      for (let j = 0; j < n; j++) out[j] += vi * W[r + j]!;
    }
    for (let j = 0; j < n; j++) out[j] = slope[j]! * out[j]!;
    return out;
  };
  const checkedJvpFn = checkedJvp(n, jvp);
  const base = mapProblem(
    checkedMap(n, (t, h, out = new Float64Array(n)) => {
      preActivation(t, h);
      for (let j = 0; j < n; j++) out[j] = sigma(j);
      return out;
    }),
    { name: `recurrent-cell(n=${n}, ${activation})`, jvp: checkedJvpFn },
  );
  return { ...base, jvp: checkedJvpFn, units: n, inputDim: d, activation, orthogonalityDefect: Math.sqrt(defect) };
}
