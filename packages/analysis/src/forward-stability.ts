/**
 * Forward stability of a deep network, measured over a forward pass: the growth of the product
 * of layer Jacobians J_L ⋯ J_1 (Haber & Ruthotto's forward-stability quantity) by QR on k
 * tangent vectors carried through the layers, and the energy ‖x_l‖² of every layer
 * (Wiatowski, Grohs & Bölcskei), both as Observers of the `integrate` run that is the forward
 * pass of a {@link networkMap}.
 */
import { PhaseflowError, checkFiniteArray, checkInteger, checkOptions, createRandom, integrate, invalid, type Observer, type Solution } from '@phaseflow/core';
import { createQr, matrix, svd, symmetricEigen } from '@phaseflow/linalg';
import { checkStartEvent, checkStepEvent } from './args.js';
import { mapIterator, type MapProblem } from './map.js';
import type { NetworkMap } from './network.js';
import { checkTangentProblem, tangentProblem } from './tangent.js';

type F = Float64Array;

/** Options of {@link createJacobianGrowthObserver}. */
export interface JacobianGrowthOptions {
  /** The map whose forward pass is observed: a {@link networkMap}, or any `map` problem (its jvp, jacobian, or central differences). */
  readonly problem: MapProblem;
  /** Number k of tangent vectors, 1 ≤ k ≤ n (default n: every singular value of the product). */
  readonly vectors?: number;
  /** Initial frame Q₀: `random` (default, seeded, orthonormalised), `identity` (the first k columns of I) or an n × k row-major matrix. */
  readonly frame?: 'random' | 'identity' | ArrayLike<number>;
  /** Seed of the random frame (default 0). */
  readonly seed?: number;
}

/** The growth through one layer. */
export interface JacobianGrowthRecord {
  /** 0-based index of the layer just applied. */
  readonly layer: number;
  /** Time of the run after the layer (the layer count when h = 1). */
  readonly t: number;
  /** ln R_jj of this layer's QR: the finite-time exponents of layer l. */
  readonly local: number[];
  /** Σ ln R_jj through this layer: the log-growth of J_l ⋯ J_1 on the frame. */
  readonly logGrowth: number[];
}

/** The observer, with what it measured. */
export interface JacobianGrowthObserver extends Observer {
  readonly name: 'jacobian-growth';
  /** One record per layer, in order. */
  readonly records: readonly JacobianGrowthRecord[];
  /** Σ ln R_jj so far (length k; empty before the run starts). */
  readonly logGrowth: F;
  /** The current orthonormal frame, n × k row-major. */
  readonly frame: F;
  /**
   * ln σ_j of (J_L ⋯ J_1)·Q₀ so far, descending: with k = n the log singular values of the
   * product itself. From the accumulated triangular factors, rescaled every layer (no overflow).
   */
  logSingularValues(): F;
}

/**
 * An Observer of a forward pass that carries k tangent vectors through the layers: after layer
 * l it sets W = J_l(x_l)·Q, factors W = Q R (Householder, R_jj > 0) and keeps Q, so that
 * (J_l ⋯ J_1) Q₀ = Q_l R_l ⋯ R_1 and Σ ln R_jj is the log-growth of the product on the frame
 * (= ln |det| for k = n; ln R_11 → ln σ₁ as depth grows). The accumulated R's singular values
 * are those of (J_L ⋯ J_1)·Q₀. A stable network keeps every log-growth near 0; exploding or
 * vanishing forward propagation (and gradients, which see the transposed product) show as
 * growth that is linear in depth.
 *
 * The input of layer l is the state the run reported before it (`run:start`, then each `step`),
 * at the time of that state; the layer's Jacobian comes from the problem (`tangent` of a
 * {@link networkMap}, its `jvp` or `jacobian`, else central differences).
 *
 * Source: E. Haber, L. Ruthotto, Stable architectures for deep neural networks, Inverse
 * Problems 34 (2018) 014004, §3; G. Benettin et al., Meccanica 15 (1980) 9–30 (the QR
 * re-orthonormalisation).
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * const net = networkMap(layers);
 * const growth = createJacobianGrowthObserver({ problem: net });
 * integrate(mapIterator(), net, x0, { tEnd: net.depth, h: 1, observers: [growth] });
 * growth.logGrowth;            // Σ ln R_jj per tangent vector
 * growth.logSingularValues();  // ln σ of J_L ⋯ J_1 (k = n)
 * ```
 */
export function createJacobianGrowthObserver(options: JacobianGrowthOptions): JacobianGrowthObserver {
  const o = checkOptions('options', options, ['problem', 'vectors', 'frame', 'seed']);
  if (o === undefined) invalid('options', 'an options object with a problem', o);
  const problem = o.problem;
  if (problem === null || typeof problem !== 'object' || problem.kind !== 'map' || typeof problem.map !== 'function') {
    invalid('options.problem', 'a map problem (e.g. a networkMap)', problem);
  }
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  // Checked here as far as they can be before the state size is known (the bounds at run:start).
  if (o.vectors !== undefined) checkInteger('options.vectors', o.vectors, { min: 1 });
  if (o.frame !== undefined && o.frame !== 'random' && o.frame !== 'identity' && checkFiniteArray<ArrayLike<number>>('options.frame', o.frame).length === 0)
    invalid('options.frame', "'random', 'identity' or an n × k matrix", o.frame, 'SHAPE_MISMATCH');
  const net = typeof (problem as Partial<NetworkMap>).tangent === 'function' ? (problem as NetworkMap) : undefined;
  const records: JacobianGrowthRecord[] = [];
  let n = 0;
  let k = 0;
  let Q = new Float64Array(0);
  let W = new Float64Array(0);
  let sums = new Float64Array(0);
  let Racc = new Float64Array(0);
  let Rtmp = new Float64Array(0);
  let logScale = 0;
  let xPrev = new Float64Array(0);
  let tPrev = 0;
  let started = false;
  let qrf: ReturnType<typeof createQr> | undefined;
  let fac: { q: ReturnType<typeof matrix>; r: ReturnType<typeof matrix> } | undefined;
  let Wm: ReturnType<typeof matrix> | undefined;
  let apply: (t: number, x: F) => void = () => undefined;

  const readState = (state: unknown, where: string): F => {
    if (!(state instanceof Float64Array)) invalid(where, 'a Float64Array state (the forward pass of a Float64 map)', state);
    if (started && state.length !== n) invalid(where, `a state of width ${n}`, state, 'SHAPE_MISMATCH');
    return state;
  };

  const start = (x0: F, t0: number): void => {
    n = checkTangentProblem('options.problem', problem, x0);
    k = o.vectors === undefined ? n : checkInteger('options.vectors', o.vectors, { min: 1, max: n });
    Q = new Float64Array(n * k);
    W = new Float64Array(n * k);
    sums = new Float64Array(k);
    Racc = new Float64Array(k * k);
    Rtmp = new Float64Array(k * k);
    for (let j = 0; j < k; j++) Racc[j * k + j] = 1;
    logScale = 0;
    records.length = 0;
    qrf = createQr({ rows: n, cols: k });
    fac = { q: matrix(n, k), r: matrix(k, k) };
    Wm = matrix(n, k, W);
    const frame = o.frame === undefined ? 'random' : o.frame;
    const A = matrix(n, k);
    if (frame === 'random') createRandom(seed).fillNormal(A.data);
    else if (frame === 'identity') for (let j = 0; j < k; j++) A.data[j * k + j] = 1;
    else {
      if (frame === null || typeof frame !== 'object' || frame.length !== n * k) {
        invalid(
          'options.frame',
          `'random', 'identity' or an n × k = ${n} × ${k} matrix (row-major)`,
          frame,
          typeof frame === 'object' ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT',
        );
      }
      checkFiniteArray('options.frame', frame);
      A.data.set(frame);
    }
    qrf.apply(A, fac);
    for (let j = 0; j < k; j++) {
      if (!(fac.r.data[j * k + j]! > 1e-12 * Math.max(1, fac.r.data[0]!))) invalid('options.frame', `a frame of rank k = ${k}`, frame);
    }
    Q.set(fac.q.data);
    if (net) apply = (t, x) => void net.tangent(t, x, Q, k, W);
    else {
      const jvp = tangentProblem(problem, x0, { vectors: 1 }).jvp;
      const v = new Float64Array(n);
      const w = new Float64Array(n);
      apply = (t, x) => {
        for (let j = 0; j < k; j++) {
          for (let i = 0; i < n; i++) v[i] = Q[i * k + j]!;
          jvp(t, x, v, w);
          for (let i = 0; i < n; i++) W[i * k + j] = w[i]!;
        }
      };
    }
    xPrev = Float64Array.from(x0);
    tPrev = t0;
    started = true;
  };

  const layer = (state: F, t: number, step: number): void => {
    apply(tPrev, xPrev);
    for (let i = 0; i < W.length; i++) {
      if (!Number.isFinite(W[i]!)) {
        throw new PhaseflowError('NON_FINITE_TANGENT', `a tangent vector became non-finite through layer ${records.length} (step ${step}, t = ${tPrev})`, {
          step,
          t: tPrev,
          argument: 'options.problem',
        });
      }
    }
    qrf!.apply(Wm!, fac!);
    Q.set(fac!.q.data);
    const R = fac!.r.data;
    const local: number[] = [];
    for (let j = 0; j < k; j++) {
      const l = Math.log(R[j * k + j]!);
      local.push(l);
      sums[j]! += l;
    }
    // Racc ← R·Racc (upper triangular), rescaled to its largest entry.
    let scale = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let m = i; m <= j; m++) s += R[i * k + m]! * Racc[m * k + j]!;
        Rtmp[i * k + j] = j >= i ? s : 0;
        scale = Math.max(scale, Math.abs(s));
      }
    }
    if (scale > 0 && Number.isFinite(scale)) {
      for (let i = 0; i < k * k; i++) Racc[i] = Rtmp[i]! / scale;
      logScale += Math.log(scale);
    } else Racc.set(Rtmp);
    records.push({ layer: records.length, t, local, logGrowth: Array.from(sums) });
    xPrev.set(state);
    tPrev = t;
  };

  return {
    name: 'jacobian-growth',
    records,
    get logGrowth() {
      return sums.slice();
    },
    get frame() {
      return Q.slice();
    },
    logSingularValues() {
      if (!started) return new Float64Array(0);
      return triangularSingularValues(Racc, k).map((x) => Math.log(x) + logScale);
    },
    on: {
      'run:start': (e) => {
        checkStartEvent(e);
        const x0 = readState(e.state, 'run:start state');
        start(x0, e.t0 ?? 0);
      },
      step: (e) => {
        checkStepEvent(e);
        if (!started) invalid('run:start state', 'a run that reports its initial state in run:start', undefined);
        layer(readState(e.state, 'step state'), e.t, e.step);
      },
    },
  };
}

/**
 * Singular values of an upper-triangular k × k factor, descending. One-sided Jacobi on the
 * transpose first (the grading of an accumulated triangular product then sits in the columns,
 * Jacobi's accurate case); linalg's svd can cycle on nearly equal singular values in one
 * orientation, so the other one, then the Gram matrix's eigenvalues, are the fallbacks.
 */
function triangularSingularValues(R: F, k: number): F {
  const T = matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) T.data[j * k + i] = R[i * k + j]!;
  for (const a of [T, matrix(k, k, R)]) {
    try {
      return svd(a).s;
    } catch (e) {
      if (!(e instanceof PhaseflowError) || e.code !== 'CONVERGENCE_FAILURE') throw e;
    }
  }
  const G = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let m = 0; m < k; m++) G[i * k + j] += R[m * k + i]! * R[m * k + j]!;
  const ev = symmetricEigen(G, k).values;
  return Float64Array.from({ length: k }, (_, i) => Math.sqrt(Math.max(0, ev[k - 1 - i]!)));
}

/** One layer's energy. */
export interface LayerEnergyRecord {
  /** 0 for the input, l after layer l − 1. */
  readonly layer: number;
  readonly t: number;
  /** ‖x_l‖². */
  readonly energy: number;
  /** ‖x_l‖² / ‖x_0‖²; NaN (no ratio, not a number to plot) when the input x_0 is 0, whose Jacobian growth is still measured. */
  readonly ratio: number;
}

/** The observer, with what it measured. */
export interface LayerEnergyObserver extends Observer {
  readonly name: 'layer-energy';
  /** The input first, then one record per layer. */
  readonly records: readonly LayerEnergyRecord[];
}

/**
 * An Observer of a forward pass that records the energy ‖x_l‖² = Σᵢ x_{l,i}² of the input and of
 * every layer's output, with its ratio to the input energy: how a network propagates (keeps,
 * dissipates or amplifies) the energy of its input with depth.
 *
 * Source: T. Wiatowski, P. Grohs, H. Bölcskei, Energy propagation in deep convolutional neural
 * networks, IEEE Trans. Inf. Theory 64 (2018) 4819–4842.
 *
 * @example
 * ```ts
 * const energy = createLayerEnergyObserver();
 * integrate(mapIterator(), net, x0, { tEnd: net.depth, h: 1, observers: [energy] });
 * energy.records.map((r) => r.ratio); // 1, then ‖x_l‖²/‖x_0‖² per layer
 * ```
 */
export function createLayerEnergyObserver(): LayerEnergyObserver {
  const records: LayerEnergyRecord[] = [];
  let e0 = 0;
  const energyOf = (state: unknown, where: string): number => {
    if (!(state instanceof Float64Array)) invalid(where, 'a Float64Array state', state);
    let s = 0;
    for (let i = 0; i < state.length; i++) s += state[i]! * state[i]!;
    return s;
  };
  return {
    name: 'layer-energy',
    records,
    on: {
      'run:start': (e) => {
        checkStartEvent(e);
        records.length = 0;
        e0 = energyOf(e.state, 'run:start state');
        records.push({ layer: 0, t: e.t0 ?? 0, energy: e0, ratio: e0 > 0 ? 1 : NaN });
      },
      step: (e) => {
        checkStepEvent(e);
        const en = energyOf(e.state, 'step state');
        records.push({ layer: records.length, t: e.t, energy: en, ratio: e0 > 0 ? en / e0 : NaN });
      },
    },
  };
}

/** Options of {@link forwardStability}. */
export interface ForwardStabilityOptions {
  /** Number of layers (default the network's `depth`; required for other map problems). */
  readonly depth?: number;
  /** Tangent vectors k (default n). */
  readonly vectors?: number;
  /** Initial frame (default `random`). */
  readonly frame?: 'random' | 'identity' | ArrayLike<number>;
  readonly seed?: number;
  /** More observers of the same forward pass. */
  readonly observers?: readonly Observer[];
  readonly signal?: AbortSignal;
}

/** What {@link forwardStability} measured. */
export interface ForwardStability {
  /** x_L. */
  readonly output: F;
  readonly depth: number;
  /** Σ ln R_jj over the network, per tangent vector. */
  readonly logGrowth: F;
  /** logGrowth / depth: the mean log-growth per layer (the network's Lyapunov exponents). */
  readonly exponents: F;
  /** ln σ_j of (J_L ⋯ J_1)·Q₀, descending. */
  readonly logSingularValues: F;
  /** Σ ln R_jj after each layer: `logGrowth[l][j]`. */
  readonly logGrowthByLayer: number[][];
  /** ‖x_l‖² for l = 0 … L. */
  readonly energy: number[];
  /** ‖x_l‖² / ‖x_0‖². */
  readonly energyRatio: number[];
  /** How the forward pass ended (`stopped` when an observer stopped it). */
  readonly status: Solution<F>['status'];
  readonly reason?: string;
}

/** A list of observers (each checked by `integrate`). */
function checkObservers(observers: unknown): readonly Observer[] {
  if (!Array.isArray(observers)) invalid('options.observers', 'an array of observers', observers);
  return observers as readonly Observer[];
}

/**
 * Run the forward pass of a deep network (a {@link networkMap}, or any `map` problem over
 * `depth` iterations) through core's `integrate` with {@link mapIterator} and h = 1, with a
 * {@link createJacobianGrowthObserver} and a {@link createLayerEnergyObserver} attached: the
 * log-growth and log singular values of the product of layer Jacobians, the mean growth per
 * layer, and the energy of every layer.
 *
 * Sources: E. Haber, L. Ruthotto, Inverse Problems 34 (2018) 014004; T. Wiatowski, P. Grohs,
 * H. Bölcskei, IEEE Trans. Inf. Theory 64 (2018) 4819–4842.
 *
 * @example
 * ```ts
 * const K = () => createRandom(1).fillNormal(new Float64Array(64), 0, 1);
 * const plain = networkMap(Array.from({ length: 100 }, () => resNetLayer({ kernel: K(), step: 0.1 })));
 * const anti = networkMap(Array.from({ length: 100 }, () => resNetLayer({ kernel: K(), step: 0.1, antisymmetric: true })));
 * forwardStability(plain, x0).exponents[0]; // > 0: the plain ResNet amplifies
 * forwardStability(anti, x0).exponents[0];  // ≈ 0
 * ```
 */
export function forwardStability(problem: MapProblem, x0: F, options: ForwardStabilityOptions = {}): ForwardStability {
  const o = checkOptions('options', options, ['depth', 'vectors', 'frame', 'seed', 'observers', 'signal']);
  checkTangentProblem('problem', problem, x0);
  checkFiniteArray('x0', x0);
  const given = (problem as Partial<NetworkMap>).depth;
  const depth =
    o.depth !== undefined
      ? checkInteger('options.depth', o.depth, { min: 1 })
      : typeof given === 'number'
        ? given
        : invalid('options.depth', 'the number of layers (the problem is not a networkMap)', o.depth);
  const growth = createJacobianGrowthObserver({
    problem,
    ...(o.vectors !== undefined && { vectors: o.vectors }),
    ...(o.frame !== undefined && { frame: o.frame }),
    ...(o.seed !== undefined && { seed: o.seed }),
  });
  const energy = createLayerEnergyObserver();
  const sol = integrate(mapIterator(), problem, x0, {
    tEnd: depth,
    h: 1,
    observers: [growth, energy, ...(o.observers === undefined ? [] : checkObservers(o.observers))],
    ...(o.signal !== undefined && { signal: o.signal }),
  });
  const logGrowth = growth.logGrowth;
  const layers = growth.records.length;
  return {
    output: sol.yFinal,
    depth: layers,
    logGrowth,
    exponents: logGrowth.map((x) => (layers > 0 ? x / layers : NaN)),
    logSingularValues: growth.logSingularValues(),
    logGrowthByLayer: growth.records.map((r) => r.logGrowth),
    energy: energy.records.map((r) => r.energy),
    energyRatio: energy.records.map((r) => r.ratio),
    status: sol.status,
    ...(sol.reason !== undefined && { reason: sol.reason }),
  };
}
