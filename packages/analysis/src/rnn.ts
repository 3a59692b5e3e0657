/**
 * Recurrent networks as maps and flows, ready for {@link lyapunovSpectrum}: the random rate
 * network of Sompolinsky, Crisanti & Sommers (1988) in Engelken, Wolf & Abbott's setup, and an
 * echo state network driven by its input (the conditional exponents that decide the echo
 * state property).
 */
import {
  PhaseflowError,
  checkFinite,
  checkFiniteArray,
  checkInRange,
  checkInteger,
  checkOptions,
  createRandom,
  invalid,
  odeProblem,
  type OdeProblem,
} from '@phaseflow/core';
import { checkCsr, matVecUnchecked, type CsrMatrix, type Matrix } from '@phaseflow/linalg';
import { mapProblem, type JacobianVectorProduct, type MapProblem } from './map.js';
import type { JacobianFields } from './tangent.js';

type F = Float64Array;

/** Options of {@link rateRnn}. */
export interface RateRnnOptions {
  /** Number of units N (default 100). */
  readonly units?: number;
  /** Coupling strength g: J_ij ~ N(0, g²/N) (default 4). */
  readonly gain?: number;
  /** Time step of the discrete map, in units of the membrane time constant τ (default 0.1; 0 < dt ≤ 1). */
  readonly dt?: number;
  /** Keep self-couplings J_ii (default false: Engelken et al. remove autapses, so tr J = 0). */
  readonly autapses?: boolean;
  /** Seed of J and of the initial state (default 0). */
  readonly seed?: number;
}

/** A random rate network, from {@link rateRnn}. */
export interface RateRnn {
  readonly name: string;
  readonly units: number;
  readonly gain: number;
  readonly dt: number;
  /** The coupling matrix J (N × N, row-major). */
  readonly coupling: Matrix;
  /** The Euler map h ← (1 − dt)·h + dt·J·tanh(h), with its exact jvp; iterate it with `mapIterator()` and h = dt. */
  readonly map: MapProblem;
  /** The flow h′ = −h + J·tanh(h) (the dt → 0 limit), with its exact jvp, for any ode Integrator. */
  readonly flow: OdeProblem<F> & JacobianFields;
  /** A fresh initial state, hᵢ ~ N(0, 1) from the seed. */
  y0(): F;
}

/**
 * A random rate network h′ = −h + J·tanh(h), J_ij ~ N(0, g²/N) without self-couplings, as the
 * Euler map h ← (1 − dt)h + dt·J·tanh(h) of Engelken, Wolf & Abbott and as the flow itself.
 * Both carry their exact Jacobian–vector products, J_map·v = (1 − dt)v + dt·J·(sech²(h) ⊙ v).
 * The zero state loses stability at g = 1 (chaos for g > 1 as N → ∞); with autapses removed
 * tr J = 0, so the mean exponent of the map is ln(1 − dt)/dt + O(dt) → −1 as dt → 0.
 *
 * Sources: H. Sompolinsky, A. Crisanti, H. J. Sommers, Chaos in random neural networks, Phys.
 * Rev. Lett. 61 (1988) 259–262; R. Engelken, F. Wolf, L. F. Abbott, Lyapunov spectra of
 * chaotic recurrent neural networks, Phys. Rev. Research 5 (2023) 043044.
 *
 * @example
 * ```ts
 * const net = rateRnn({ units: 100, gain: 4, dt: 0.1, seed: 1 });
 * const s = lyapunovSpectrum(mapIterator(), net.map, net.y0(), { h: 0.1, tau: 1, transient: 100, tEnd: 600, vectors: 10 });
 * s.exponents[0]; // > 0: chaotic
 * ```
 */
export function rateRnn(options: RateRnnOptions = {}): RateRnn {
  const o = checkOptions('options', options, ['units', 'gain', 'dt', 'autapses', 'seed']);
  const n = o.units === undefined ? 100 : checkInteger('options.units', o.units, { min: 1 });
  const g = o.gain === undefined ? 4 : checkFinite('options.gain', o.gain);
  if (g < 0) invalid('options.gain', 'a gain g ≥ 0', g);
  const dt = o.dt === undefined ? 0.1 : checkInRange('options.dt', o.dt, Number.MIN_VALUE, 1);
  const autapses = o.autapses ?? false;
  if (typeof autapses !== 'boolean') invalid('options.autapses', 'a boolean', autapses);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const root = createRandom(seed);
  const J = root.fork('coupling').fillNormal(new Float64Array(n * n), 0, g / Math.sqrt(n));
  if (!autapses) for (let i = 0; i < n; i++) J[i * n + i] = 0;
  const start = root.fork('state').fillNormal(new Float64Array(n));

  const phi = new Float64Array(n);
  // sech²(h) for the last h seen: the lifted problem calls jvp k times at the same state.
  const lastY = new Float64Array(n).fill(NaN);
  const sech2 = new Float64Array(n);
  const dv = new Float64Array(n);
  const updateSech2 = (y: F): void => {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (y[i] !== lastY[i]) {
        same = false;
        break;
      }
    }
    if (same) return;
    for (let i = 0; i < n; i++) {
      const c = Math.cosh(y[i]!);
      sech2[i] = 1 / (c * c);
      lastY[i] = y[i]!;
    }
  };
  /** out ← J·x */
  const couple = (x: F, out: F): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const r = i * n;
      for (let j = 0; j < n; j++) s += J[r + j]! * x[j]!;
      out[i] = s;
    }
  };
  const flowJvp: JacobianVectorProduct = (_t, y, v, out) => {
    updateSech2(y);
    for (let i = 0; i < n; i++) dv[i] = sech2[i]! * v[i]!;
    couple(dv, out);
    for (let i = 0; i < n; i++) out[i] = out[i]! - v[i]!;
    return out;
  };
  const mapJvp: JacobianVectorProduct = (_t, y, v, out) => {
    updateSech2(y);
    for (let i = 0; i < n; i++) dv[i] = sech2[i]! * v[i]!;
    couple(dv, out);
    for (let i = 0; i < n; i++) out[i] = (1 - dt) * v[i]! + dt * out[i]!;
    return out;
  };
  const name = `rate-rnn(N=${n}, g=${g}, dt=${dt})`;
  const map = mapProblem(
    (_t, y, out = new Float64Array(n)) => {
      for (let i = 0; i < n; i++) phi[i] = Math.tanh(y[i]!);
      couple(phi, out);
      for (let i = 0; i < n; i++) out[i] = (1 - dt) * y[i]! + dt * out[i]!;
      return out;
    },
    { name, jvp: mapJvp },
  );
  const base = odeProblem<F>(
    (_t, y, out = new Float64Array(n)) => {
      for (let i = 0; i < n; i++) phi[i] = Math.tanh(y[i]!);
      couple(phi, out);
      for (let i = 0; i < n; i++) out[i] = out[i]! - y[i]!;
      return out;
    },
    { name: `rate-rnn-flow(N=${n}, g=${g})` },
  );
  return {
    name,
    units: n,
    gain: g,
    dt,
    coupling: { rows: n, cols: n, data: J },
    map,
    flow: { ...base, jvp: flowJvp },
    y0: () => start.slice(),
  };
}

/** A driving input: a T × d series (row n at t = n) or a function writing u(t) into `out`. */
export type DrivingInput = Matrix | ((t: number, out: F) => void);

/**
 * The reader of a driving input shared by the driven maps: `read(t)` writes u(t) into `u`
 * (a series row ⌊t⌋, checked against its length; nothing when there is no input).
 * @internal
 */
export function inputReader(argument: string, inputs: DrivingInput | undefined, d: number, u: F): (t: number) => void {
  if (inputs === undefined) return () => undefined;
  if (typeof inputs === 'function') return (t) => inputs(t, u);
  if (inputs === null || typeof inputs !== 'object' || !(inputs.data instanceof Float64Array) || inputs.cols !== d || inputs.data.length !== inputs.rows * d) {
    invalid(argument, `a T × ${d} Matrix or a function (t, out) => void`, inputs, 'SHAPE_MISMATCH');
  }
  const series = inputs;
  return (t) => {
    const row = Math.floor(t + 1e-9);
    if (row < 0 || row >= series.rows) {
      throw new PhaseflowError('INVALID_ARGUMENT', `${argument}: the series has ${series.rows} rows, step t = ${t} needs row ${row}`, {
        argument,
        expected: `a series covering row ${row}`,
        received: `${series.rows} rows`,
        t,
      });
    }
    for (let j = 0; j < d; j++) u[j] = series.data[row * d + j]!;
  };
}

/** What {@link echoStateMap} reads of a reservoir (a @phaseflow/reservoir `Reservoir` has it all). */
export interface EchoStateReservoir {
  readonly units: number;
  readonly inputDim: number;
  readonly leakRate: number;
  readonly W: CsrMatrix;
  readonly Win: CsrMatrix;
  readonly bias: ArrayLike<number>;
  readonly feedbackDim?: number;
  readonly noise?: number;
}

/** Options of {@link echoStateMap}. */
export interface EchoStateMapOptions {
  /**
   * The driving input: a T × d series (row n drives step n, time t = n with h = 1), or a
   * function writing u(t) into `out`. Omitted: no input (the autonomous reservoir).
   */
  readonly inputs?: DrivingInput;
}

/**
 * An echo state network's reservoir driven by its input, as a map
 * x ← (1 − a)·x + a·tanh(W·x + W_in·u(t) + b), with its exact Jacobian–vector product
 * (1 − a)·v + a·sech²(W·x + W_in·u + b) ⊙ (W·v). Its largest Lyapunov exponent under the input
 * (the conditional exponent) is the measured echo state property: λ_max < 0 means the state
 * forgets its initial condition; the spectral radius of W only hints at it (ρ(W) < 1 is
 * neither necessary nor sufficient once the input drives tanh into saturation).
 *
 * Sources: H. Jaeger, The "echo state" approach to analysing and training recurrent neural
 * networks, GMD Report 148 (2001); I. B. Yildiz, H. Jaeger, S. J. Kiebel, Re-visiting the
 * echo state property, Neural Networks 35 (2012) 1–9.
 *
 * @example
 * ```ts
 * import { createReservoir } from '@phaseflow/reservoir';
 * const res = createReservoir({ units: 100, inputDim: 1, spectralRadius: 0.9, seed: 0 });
 * const u = matrix(2000, 1, Float64Array.from({ length: 2000 }, (_, t) => Math.sin(t / 5)));
 * const s = lyapunovSpectrum(mapIterator(), echoStateMap(res, { inputs: u }), new Float64Array(100), { tEnd: 2000, transient: 200, vectors: 1 });
 * s.exponents[0] < 0; // echo state property holds for this input
 * ```
 */
export function echoStateMap(reservoir: EchoStateReservoir, options: EchoStateMapOptions = {}): MapProblem {
  if (reservoir === null || typeof reservoir !== 'object') invalid('reservoir', 'a reservoir { units, inputDim, leakRate, W, Win, bias }', reservoir);
  const o = checkOptions('options', options, ['inputs']);
  const n = checkInteger('reservoir.units', reservoir.units, { min: 1 });
  const d = checkInteger('reservoir.inputDim', reservoir.inputDim, { min: 1 });
  const a = checkInRange('reservoir.leakRate', reservoir.leakRate, Number.MIN_VALUE, 1);
  if (reservoir.feedbackDim !== undefined && reservoir.feedbackDim !== 0)
    invalid('reservoir.feedbackDim', 'a reservoir without output feedback (0: the map would depend on the readout)', reservoir.feedbackDim);
  if (reservoir.noise !== undefined && reservoir.noise !== 0) invalid('reservoir.noise', 'a noise-free reservoir (0)', reservoir.noise);
  const W = checkCsr('reservoir.W', reservoir.W, n, n);
  const Win = checkCsr('reservoir.Win', reservoir.Win, n, d);
  const bias = checkFiniteArray<ArrayLike<number>>('reservoir.bias', reservoir.bias);
  if (bias.length !== n) invalid('reservoir.bias', `a vector of length ${n}`, bias, 'SHAPE_MISMATCH');
  const u = new Float64Array(d);
  const readInput = inputReader('options.inputs', o.inputs, d, u);
  const pre = new Float64Array(n);
  const wx = new Float64Array(n);
  const inp = new Float64Array(n);
  /** pre ← W·x + W_in·u(t) + b */
  const preActivation = (t: number, x: F): void => {
    readInput(t);
    matVecUnchecked(W, x, 0, wx);
    matVecUnchecked(Win, u, 0, inp);
    for (let i = 0; i < n; i++) pre[i] = wx[i]! + inp[i]! + bias[i]!;
  };
  const lastY = new Float64Array(n).fill(NaN);
  let lastT = NaN;
  const sech2 = new Float64Array(n);
  const wv = new Float64Array(n);
  const jvp: JacobianVectorProduct = (t, x, v, out) => {
    let same = t === lastT;
    for (let i = 0; same && i < n; i++) same = x[i] === lastY[i];
    if (!same) {
      preActivation(t, x);
      for (let i = 0; i < n; i++) {
        const c = Math.cosh(pre[i]!);
        sech2[i] = 1 / (c * c);
        lastY[i] = x[i]!;
      }
      lastT = t;
    }
    matVecUnchecked(W, v, 0, wv);
    for (let i = 0; i < n; i++) out[i] = (1 - a) * v[i]! + a * sech2[i]! * wv[i]!;
    return out;
  };
  return mapProblem(
    (t, x, out = new Float64Array(n)) => {
      preActivation(t, x);
      for (let i = 0; i < n; i++) out[i] = (1 - a) * x[i]! + a * Math.tanh(pre[i]!);
      return out;
    },
    { name: `echo-state(N=${n}, a=${a})`, jvp },
  );
}
