/**
 * The Lie-group ResNet: a deep residual network whose hidden features are rotations. Each
 * layer is one step of a Lie-group integrator for Y' = A_θ(Y)·Y on SO(n), so the features stay
 * on the group to rounding by construction, however deep the network (Celledoni et al. 2021,
 * "features evolving on Lie groups"; Munthe-Kaas 1998 for the step). Float64, with a
 * hand-written reverse mode (∂L/∂Y and ∂L/∂θ from ∂L/∂Y_L).
 */
import { checkInteger, checkOneOf, checkOptions, checkPositive, createRandom, invalid, PhaseflowError, type ParametricLayer } from '@phaseflow/core';
import { notOnManifold, wrongLength } from './errors.js';
import { outOf } from './internal/check.js';
import { GROUP_TOLERANCE, type MatrixLieGroup } from './group.js';
import { createSO } from './groups/so-n.js';
import { SO2 } from './groups/so2.js';
import { SO3 } from './groups/so3.js';
import { DEXPINV_COEFFICIENTS, createLieEuler, createRkmk2, createRkmk3, createRkmk4, type RkmkIntegrator } from './methods/rkmk.js';
import { createExponentialParametrization } from './parametrizations.js';

type F = Float64Array;

/** The named steps of {@link createLieResNet}: RKMK methods, and the Euclidean ResNet step for comparison. */
export const LIE_RESNET_METHODS = ['lie-euler', 'rkmk2', 'rkmk3', 'rkmk4', 'euclidean'] as const;

/** A step by name (see {@link LIE_RESNET_METHODS}). */
export type LieResNetMethod = (typeof LIE_RESNET_METHODS)[number];

/** Options of {@link createLieResNet}. */
export interface LieResNetOptions {
  /** The features are elements of SO(n), n ≥ 2 (SO(2), SO(3) by their closed forms). */
  readonly n: number;
  /** Layers L: the number of steps. */
  readonly depth: number;
  /** Width of the hidden layer of the vector field A_θ (default 16). */
  readonly hidden?: number;
  /** T, the time the network integrates over: step h = T/L (default 1). */
  readonly finalTime?: number;
  /**
   * The step: `lie-euler` (default), `rkmk2`, `rkmk3`, `rkmk4`, any RKMK integrator of
   * {@link createRkmk} (its tableau and dexp⁻¹ truncation are used), or `euclidean`, the plain
   * residual step Y + h·A_θ(Y)·Y in ℝ^{n×n} with the same parameters (the comparison that
   * leaves the group).
   */
  readonly method?: LieResNetMethod | RkmkIntegrator;
  /** One θ for every layer: an autonomous flow Y' = A_θ(Y)·Y (default false: θ_l per layer). */
  readonly sharedWeights?: boolean;
  /** Scale of the initial output kernel K₂ (default 1). */
  readonly gain?: number;
  /** Seed of the initial parameters (default 0). */
  readonly seed?: number;
  /** Largest ‖YᵀY − I‖_F (+2 for det ≤ 0) accepted for an input feature (default 1e-9). */
  readonly tolerance?: number;
}

/**
 * A Lie-group ResNet on SO(n): a parametric core Layer from a batch of B rotations (B·n²
 * numbers, each n×n row-major) to a batch of B rotations.
 */
export interface LieResNet extends ParametricLayer<F, F> {
  /** The group the features live in. */
  readonly group: MatrixLieGroup;
  readonly n: number;
  readonly depth: number;
  readonly hidden: number;
  readonly finalTime: number;
  /** The step size h = T/L. */
  readonly h: number;
  /** The step's name (`lie-euler`, …, `euclidean`, or the given integrator's name). */
  readonly method: string;
  /** The order of the step as an integrator of Y' = A_θ(Y)·Y (1 for `euclidean`). */
  readonly order: number;
  readonly sharedWeights: boolean;
  /** Parameters of one layer's vector field: hidden·n² + hidden + d·hidden + d, d = n(n−1)/2. */
  readonly layerSize: number;
  /** θ itself (not a copy): per layer K₁ (hidden × n²), b₁, K₂ (d × hidden), b₂. */
  readonly theta: F;
  /** Y_L for a batch Y_0 (B·n² numbers, each element checked to be in SO(n)). */
  forward(input: F): F;
  /** The features after every layer: [Y_0, Y_1, …, Y_L], each B·n² numbers. */
  trajectory(input: F): F[];
  /** A_θ_l(Y) of layer l at one element Y (n² numbers), in the group's algebra coordinates. */
  generator(layer: number, y: F, out?: F): F;
  /**
   * Reverse mode: given ∂L/∂Y_L (B·n²), returns ∂L/∂Y_0 (B·n², the Euclidean gradient in
   * ℝ^{n×n}) and adds ∂L/∂θ into `gTheta` (length `parameters.size`) when given.
   */
  vjp(input: F, gradient: F, gTheta?: F): F;
}

const KEYS = ['n', 'depth', 'hidden', 'finalTime', 'method', 'sharedWeights', 'gain', 'seed', 'tolerance'];

const NAMED: Record<Exclude<LieResNetMethod, 'euclidean'>, () => RkmkIntegrator> = {
  'lie-euler': createLieEuler,
  rkmk2: createRkmk2,
  rkmk3: createRkmk3,
  rkmk4: createRkmk4,
};

/** c ← a·b, n×n row-major (c must not alias a or b). */
function mul(a: F, ao: number, b: F, bo: number, n: number, c: F, co: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[ao + i * n + k]! * b[bo + k * n + j]!;
      c[co + i * n + j] = s;
    }
  }
}

/** c ← aᵀ·b. */
function mulTN(a: F, ao: number, b: F, bo: number, n: number, c: F, co: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[ao + k * n + i]! * b[bo + k * n + j]!;
      c[co + i * n + j] = s;
    }
  }
}

/** c ← a·bᵀ. */
function mulNT(a: F, ao: number, b: F, bo: number, n: number, c: F, co: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[ao + i * n + k]! * b[bo + j * n + k]!;
      c[co + i * n + j] = s;
    }
  }
}

/**
 * Create a Lie-group ResNet whose features evolve on SO(n): L layers, layer l one step of size
 * h = T/L of
 *
 *   Y' = A_θ(Y)·Y,   A_θ(Y) = hat(K₂·tanh(K₁·vec(Y) + b₁) + b₂) ∈ so(n),
 *
 * with θ_l = (K₁, b₁, K₂, b₂) held over [lh, (l+1)h] (or one θ for all layers with
 * `sharedWeights`). The default step is Lie–Euler, Y_{l+1} = exp(h·A_θ_l(Y_l))·Y_l; the RKMK
 * steps (Munthe-Kaas 1998) take uᵢ = hΣⱼaᵢⱼkⱼ, kᵢ = dexp⁻¹_{uᵢ}(A_θ(exp(uᵢ)·Y_l)) truncated
 * after p − 2 commutators, Y_{l+1} = exp(hΣᵢbᵢkᵢ)·Y_l. Every feature is a product of
 * exponentials of skew matrices with the input, so ‖YᵀY − I‖ stays at rounding through any
 * depth; as L grows at fixed T the network converges, at the step's order, to the flow of the
 * ODE (Celledoni, Ehrhardt, Etmann, McLachlan, Owren, Schönlieb & Sherry, Structure-preserving
 * deep learning, Eur. J. Appl. Math. 32 (2021), the section on features on Lie groups; the
 * ResNet as forward Euler: E 2017, Haber & Ruthotto 2018). `method: 'euclidean'` is the plain
 * residual step Y_{l+1} = Y_l + h·A_θ_l(Y_l)·Y_l of the same network, which leaves the group:
 * (I + hA)ᵀ(I + hA) = I + h²AᵀA.
 *
 * Reverse mode by hand: through exp by the right Jacobian, ∂L/∂u = J_r(u)ᵀ·skew(exp(u)ᵀ·Ḡ) (SO(2),
 * SO(3): closed forms), or for n ≥ 4 by the exponential parametrisation's adjoint Fréchet
 * derivative (Najfeld & Havel 1995); through dexp⁻¹ by the adjoint of the bracket,
 * ⟨z̄, [u, w]⟩ = ⟨[z̄, u], w⟩ = ⟨[w, z̄], u⟩. Initial K₁ ~ N(0, 1/n), K₂ ~ N(0, gain²/hidden),
 * biases 0, drawn from `createRandom(seed)`.
 *
 * @throws PhaseflowError INVALID_ARGUMENT / UNKNOWN_OPTION for bad options (naming them);
 * `forward`: SHAPE_MISMATCH for an input that is not B·n² numbers, NON_FINITE_INPUT, and
 * NOT_ON_MANIFOLD naming `input[b]` with its distance from SO(n).
 * @example
 * ```ts
 * import { createRandom } from '@phaseflow/core';
 * import { SO3, createLieResNet } from '@phaseflow/lie';
 * const net = createLieResNet({ n: 3, depth: 16, hidden: 8, method: 'rkmk2', seed: 1 });
 * const rng = createRandom(2);
 * const Y0 = new Float64Array(4 * 9);
 * for (let b = 0; b < 4; b++) SO3.sample(rng, Y0.subarray(9 * b, 9 * b + 9));
 * const Y = net.forward(Y0); // four rotations: SO3.defect(Y.subarray(0, 9)) ≈ 1e-15
 * const gY = net.vjp(Y0, Y.map((y, i) => y - Y0[i]!)); // ∂(½‖Y_L − Y_0‖²)/∂Y_0 through the net
 * ```
 */
export function createLieResNet(options: LieResNetOptions): LieResNet {
  if (options === undefined || options === null) invalid('options', 'an options object with n and depth', options);
  const o = checkOptions('options', options, KEYS);
  const n = checkInteger('options.n', o.n, { min: 2 });
  const depth = checkInteger('options.depth', o.depth, { min: 1 });
  const hidden = o.hidden === undefined ? 16 : checkInteger('options.hidden', o.hidden, { min: 1 });
  const finalTime = o.finalTime === undefined ? 1 : checkPositive('options.finalTime', o.finalTime);
  if (!Number.isFinite(finalTime)) invalid('options.finalTime', 'a finite positive time', finalTime, 'NON_FINITE_INPUT');
  const gain = o.gain === undefined ? 1 : checkPositive('options.gain', o.gain);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const tolerance = o.tolerance === undefined ? GROUP_TOLERANCE : checkPositive('options.tolerance', o.tolerance);
  if (o.sharedWeights !== undefined && typeof o.sharedWeights !== 'boolean') invalid('options.sharedWeights', 'a boolean', o.sharedWeights);
  const shared = o.sharedWeights ?? false;

  let integrator: RkmkIntegrator | undefined;
  let method: string;
  if (o.method === undefined || typeof o.method === 'string') {
    method = o.method === undefined ? 'lie-euler' : checkOneOf<LieResNetMethod>('options.method', o.method, LIE_RESNET_METHODS);
    if (method !== 'euclidean') integrator = NAMED[method as Exclude<LieResNetMethod, 'euclidean'>]();
  } else {
    const m = o.method as Partial<RkmkIntegrator> | null;
    if (m === null || typeof m !== 'object' || m.family !== 'runge-kutta-munthe-kaas' || typeof m.tableau !== 'object' || typeof m.truncation !== 'number') {
      invalid('options.method', `one of ${LIE_RESNET_METHODS.map((x) => JSON.stringify(x)).join(', ')} or an RKMK integrator (createRkmk)`, o.method);
    }
    integrator = m as RkmkIntegrator;
    method = integrator.name;
  }
  const euclidean = integrator === undefined;
  const order = euclidean ? 1 : integrator!.order;
  // The tableau without trailing zero-weight stages (an FSAL stage serves only error estimates).
  let A: readonly (readonly number[])[] = [[]];
  let B: readonly number[] = [1];
  let q = 0;
  if (integrator) {
    const t = integrator.tableau;
    let s = t.b.length;
    while (s > 1 && t.b[s - 1] === 0) s--;
    A = t.a.slice(0, s);
    B = t.b.slice(0, s);
    q = integrator.truncation;
  }
  const S = B.length;
  const coef = DEXPINV_COEFFICIENTS;

  const group: MatrixLieGroup = n === 2 ? SO2 : n === 3 ? SO3 : createSO(n);
  const nn = n * n;
  const d = group.dim;
  const h = finalTime / depth;
  const layerSize = hidden * nn + hidden + d * hidden + d;
  const size = (shared ? 1 : depth) * layerSize;
  const oB1 = hidden * nn,
    oK2 = oB1 + hidden,
    oB2 = oK2 + d * hidden;
  const theta = new Float64Array(size);
  {
    const rng = createRandom(seed);
    const s1 = 1 / Math.sqrt(n),
      s2 = gain / Math.sqrt(hidden);
    for (let l = 0; l < size / layerSize; l++) {
      const base = l * layerSize;
      for (let i = 0; i < hidden * nn; i++) theta[base + i] = s1 * rng.normal();
      for (let i = 0; i < d * hidden; i++) theta[base + oK2 + i] = s2 * rng.normal();
    }
  }
  const offset = (l: number) => (shared ? 0 : l * layerSize);

  // The algebra basis as matrices: skew(M)_k = ⟨M, hat(e_k)⟩_F.
  const basis = new Float64Array(d * nn);
  {
    const e = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      e.fill(0);
      e[k] = 1;
      group.hat(e, basis.subarray(k * nn, (k + 1) * nn));
    }
  }
  const skew = (M: F, mo: number, out: F, oo: number) => {
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < nn; i++) {
        const b = basis[k * nn + i]!;
        if (b !== 0) s += b * M[mo + i]!;
      }
      out[oo + k] = s;
    }
  };

  // ∂L/∂u of E = exp(u) from Ē: J_r(u)ᵀ·skew(Eᵀ·Ē) (n ≤ 3), or the adjoint Fréchet derivative.
  const param = n >= 4 ? createExponentialParametrization({ n }) : undefined;
  const jr = new Float64Array(d * d),
    sk = new Float64Array(d),
    tmpM = new Float64Array(nn);
  const expVjp = (u: F, E: F, eo: number, gE: F, go: number, out: F) => {
    if (param) {
      param.backward(u, gE.subarray(go, go + nn), sk);
      for (let k = 0; k < d; k++) out[k] += sk[k]!;
      return;
    }
    mulTN(E, eo, gE, go, n, tmpM, 0);
    skew(tmpM, 0, sk, 0);
    group.rightJacobian(u, jr);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += jr[i * d + j]! * sk[i]!;
      out[j] += s;
    }
  };

  /** f ← A_θ_l(y) for y at `yo`, the hidden activations into `act` at `ao`. */
  const field = (l: number, y: F, yo: number, act: F, ao: number, f: F, fo: number) => {
    const p = offset(l);
    for (let j = 0; j < hidden; j++) {
      let z = theta[p + oB1 + j]!;
      const r = p + j * nn;
      for (let i = 0; i < nn; i++) z += theta[r + i]! * y[yo + i]!;
      act[ao + j] = Math.tanh(z);
    }
    for (let k = 0; k < d; k++) {
      let s = theta[p + oB2 + k]!;
      const r = p + oK2 + k * hidden;
      for (let j = 0; j < hidden; j++) s += theta[r + j]! * act[ao + j]!;
      f[fo + k] = s;
    }
  };
  /** ḡy += (∂f/∂y)ᵀ·ḡf, and ḡθ += (∂f/∂θ)ᵀ·ḡf when given. */
  const fieldVjp = (l: number, y: F, yo: number, act: F, ao: number, gf: F, gy: F, gyo: number, gTheta: F | undefined) => {
    const p = offset(l);
    for (let j = 0; j < hidden; j++) {
      const a = act[ao + j]!;
      let ga = 0;
      for (let k = 0; k < d; k++) ga += theta[p + oK2 + k * hidden + j]! * gf[k]!;
      const gz = ga * (1 - a * a);
      const r = p + j * nn;
      for (let i = 0; i < nn; i++) gy[gyo + i] += theta[r + i]! * gz;
      if (gTheta) {
        gTheta[p + oB1 + j] += gz;
        for (let i = 0; i < nn; i++) gTheta[r + i] += gz * y[yo + i]!;
      }
    }
    if (gTheta) {
      for (let k = 0; k < d; k++) {
        const g = gf[k]!;
        gTheta[p + oB2 + k] += g;
        const r = p + oK2 + k * hidden;
        for (let j = 0; j < hidden; j++) gTheta[r + j] += g * act[ao + j]!;
      }
    }
  };

  // The tape of one element through every layer: stage points, exponentials, activations,
  // stage fields, stage vectors u, the dexp⁻¹ terms w_m, k, and per layer v and exp(v).
  const W = q + 1;
  const tape = {
    Y: new Float64Array((depth + 1) * nn),
    Ys: new Float64Array(depth * S * nn),
    Es: new Float64Array(depth * S * nn),
    act: new Float64Array(depth * S * hidden),
    u: new Float64Array(depth * S * d),
    w: new Float64Array(depth * S * W * d),
    k: new Float64Array(depth * S * d),
    v: new Float64Array(depth * d),
    Ev: new Float64Array(depth * nn),
  };
  const uu = new Float64Array(d),
    vv = new Float64Array(d),
    term = new Float64Array(d),
    scratch = new Float64Array(d),
    yTmp = new Float64Array(nn);
  const expInto = (u: F, E: F, eo: number) => group.exp(u, E.subarray(eo, eo + nn));
  /** out ← exp(u)·y (rounded once per entry where the group offers expCompose). */
  const expLeft = (u: F, y: F, yo: number, out: F, oo: number, E: F, eo: number) => {
    if (group.expCompose) {
      yTmp.set(y.subarray(yo, yo + nn));
      group.expCompose(u, yTmp, out.subarray(oo, oo + nn));
    } else {
      mul(E, eo, y, yo, n, out, oo);
    }
  };

  /** Run one element through every layer into the tape (`record`: everything the reverse pass reads); returns the offset of Y_L in tape.Y. */
  const run = (input: F, io: number, record: boolean) => {
    const T = tape;
    // Without a reverse pass to come, exp(u) is needed only where expCompose is missing.
    const keepE = record || !group.expCompose;
    T.Y.set(input.subarray(io, io + nn), 0);
    for (let l = 0; l < depth; l++) {
      const yo = l * nn;
      if (euclidean) {
        const so = l * S;
        T.Ys.set(T.Y.subarray(yo, yo + nn), so * nn);
        field(l, T.Y, yo, T.act, so * hidden, T.k, so * d);
        group.hat(T.k.subarray(so * d, so * d + d), tmpM);
        mul(tmpM, 0, T.Y, yo, n, T.Y, yo + nn);
        for (let i = 0; i < nn; i++) T.Y[yo + nn + i] = T.Y[yo + i]! + h * T.Y[yo + nn + i]!;
        continue;
      }
      for (let i = 0; i < S; i++) {
        const so = l * S + i;
        const row = A[i]!;
        uu.fill(0);
        for (let j = 0; j < i; j++) {
          const c = row[j] ?? 0;
          if (c === 0) continue;
          for (let k = 0; k < d; k++) uu[k] += h * c * T.k[(l * S + j) * d + k]!;
        }
        T.u.set(uu, so * d);
        if (i === 0) {
          T.Ys.set(T.Y.subarray(yo, yo + nn), so * nn);
        } else {
          if (keepE) expInto(uu, T.Es, so * nn);
          expLeft(uu, T.Y, yo, T.Ys, so * nn, T.Es, so * nn);
        }
        const wo = so * W * d;
        field(l, T.Ys, so * nn, T.act, so * hidden, T.w, wo);
        // k = Σ_m c_m ad_u^m f, the terms w_m = ad_u^m f kept for the reverse pass.
        for (let m = 1; m <= q; m++) {
          group.bracket(uu, T.w.subarray(wo + (m - 1) * d, wo + m * d), term);
          T.w.set(term, wo + m * d);
        }
        for (let k = 0; k < d; k++) {
          let s = 0;
          for (let m = 0; m <= q; m++) s += coef[m]! * T.w[wo + m * d + k]!;
          T.k[so * d + k] = s;
        }
      }
      vv.fill(0);
      for (let i = 0; i < S; i++) {
        const c = B[i]!;
        if (c === 0) continue;
        for (let k = 0; k < d; k++) vv[k] += h * c * T.k[(l * S + i) * d + k]!;
      }
      T.v.set(vv, l * d);
      if (keepE) expInto(vv, T.Ev, l * nn);
      expLeft(vv, T.Y, yo, T.Y, yo + nn, T.Ev, l * nn);
    }
    return depth * nn;
  };

  const gU = Array.from({ length: S }, () => new Float64Array(d));
  const gK = Array.from({ length: S }, () => new Float64Array(d));
  const gW = new Float64Array(W * d);
  const gYs = new Float64Array(nn),
    gE = new Float64Array(nn);
  /** The reverse pass over the tape: gY (nn, ∂L/∂Y_L in, ∂L/∂Y_0 out). */
  const reverse = (gY: F, gTheta: F | undefined) => {
    const T = tape;
    const gNext = new Float64Array(nn);
    for (let l = depth - 1; l >= 0; l--) {
      const yo = l * nn;
      gNext.set(gY);
      if (euclidean) {
        // Y⁺ = Y + h·Â·Y: ḡY = ḡ⁺ + h·Âᵀḡ⁺, ∂L/∂Â = h·ḡ⁺·Yᵀ.
        const so = l * S;
        group.hat(T.k.subarray(so * d, so * d + d), tmpM);
        mulTN(tmpM, 0, gNext, 0, n, gE, 0);
        for (let i = 0; i < nn; i++) gY[i] = gNext[i]! + h * gE[i]!;
        mulNT(gNext, 0, T.Y, yo, n, gE, 0);
        skew(gE, 0, scratch, 0);
        for (let k = 0; k < d; k++) scratch[k] *= h;
        fieldVjp(l, T.Y, yo, T.act, so * hidden, scratch, gY, 0, gTheta);
        continue;
      }
      // Y⁺ = E_v·Y: ḡY = E_vᵀ·ḡ⁺, Ē_v = ḡ⁺·Yᵀ.
      mulTN(T.Ev, l * nn, gNext, 0, n, gY, 0);
      mulNT(gNext, 0, T.Y, yo, n, gE, 0);
      const gv = scratch;
      gv.fill(0);
      expVjp(T.v.subarray(l * d, l * d + d), T.Ev, l * nn, gE, 0, gv);
      for (let i = 0; i < S; i++) {
        gU[i]!.fill(0);
        const c = h * B[i]!;
        for (let k = 0; k < d; k++) gK[i]![k] = c * gv[k]!;
      }
      for (let i = S - 1; i >= 0; i--) {
        const so = l * S + i;
        const wo = so * W * d;
        const u = T.u.subarray(so * d, so * d + d);
        const gk = gK[i]!,
          gu = gU[i]!;
        // k = Σ c_m w_m, w_m = [u, w_{m−1}]: w̄_{m−1} = c_{m−1}k̄ + [w̄_m, u], ū += [w_{m−1}, w̄_m].
        for (let k = 0; k < d; k++) gW[q * d + k] = coef[q]! * gk[k]!;
        for (let m = q; m >= 1; m--) {
          const gwm = gW.subarray(m * d, m * d + d);
          group.bracket(T.w.subarray(wo + (m - 1) * d, wo + m * d), gwm, term);
          for (let k = 0; k < d; k++) gu[k] += term[k]!;
          group.bracket(gwm, u, term);
          for (let k = 0; k < d; k++) gW[(m - 1) * d + k] = coef[m - 1]! * gk[k]! + term[k]!;
        }
        gYs.fill(0);
        fieldVjp(l, T.Ys, so * nn, T.act, so * hidden, gW.subarray(0, d), gYs, 0, gTheta);
        if (i === 0) {
          for (let k = 0; k < nn; k++) gY[k] += gYs[k]!;
          continue;
        }
        // Yᵢ = E_u·Y: ḡY += E_uᵀ·ḡYᵢ, Ē_u = ḡYᵢ·Yᵀ; then u = hΣⱼaᵢⱼkⱼ.
        mulTN(T.Es, so * nn, gYs, 0, n, gE, 0);
        for (let k = 0; k < nn; k++) gY[k] += gE[k]!;
        mulNT(gYs, 0, T.Y, yo, n, gE, 0);
        expVjp(u, T.Es, so * nn, gE, 0, gu);
        const row = A[i]!;
        for (let j = 0; j < i; j++) {
          const c = row[j] ?? 0;
          if (c === 0) continue;
          for (let k = 0; k < d; k++) gK[j]![k] += h * c * gu[k]!;
        }
      }
    }
    return gY;
  };

  const checkInput = (input: unknown): number => {
    if (!(input instanceof Float64Array)) invalid('input', `a Float64Array of B·${nn} numbers (B elements of ${group.name})`, input);
    if (input.length === 0 || input.length % nn !== 0) {
      throw new PhaseflowError('SHAPE_MISMATCH', `input: expected B·${nn} numbers (B ≥ 1 elements of ${group.name}), received length ${input.length}`, {
        argument: 'input',
        expected: `a positive multiple of ${nn} numbers`,
        received: `length ${input.length}`,
      });
    }
    for (let i = 0; i < input.length; i++) if (!Number.isFinite(input[i])) invalid(`input[${i}]`, 'a finite number', input[i], 'NON_FINITE_INPUT');
    const batch = input.length / nn;
    for (let b = 0; b < batch; b++) {
      const dist = group.defect(input.subarray(b * nn, (b + 1) * nn));
      if (!(dist <= tolerance)) notOnManifold(`input[${b}]`, group.name, dist, tolerance, group.defectMeasure);
    }
    return batch;
  };

  const name = `lie-resnet-so${n}-${method}-${depth}`;
  const net: LieResNet = {
    name,
    group,
    n,
    depth,
    hidden,
    finalTime,
    h,
    method,
    order,
    sharedWeights: shared,
    layerSize,
    theta,
    forward(input) {
      const batch = checkInput(input);
      const out = new Float64Array(input.length);
      for (let b = 0; b < batch; b++) out.set(tape.Y.subarray(run(input, b * nn, false), (depth + 1) * nn), b * nn);
      return out;
    },
    trajectory(input) {
      const batch = checkInput(input);
      const layers = Array.from({ length: depth + 1 }, () => new Float64Array(input.length));
      for (let b = 0; b < batch; b++) {
        run(input, b * nn, false);
        for (let l = 0; l <= depth; l++) layers[l]!.set(tape.Y.subarray(l * nn, (l + 1) * nn), b * nn);
      }
      return layers;
    },
    generator(layer, y, out) {
      checkInteger('layer', layer, { min: 0, max: depth - 1 });
      if (!(y instanceof Float64Array) || y.length !== nn) wrongLength('y', `an ${n}×${n} matrix`, nn, y);
      const o = outOf(d, out);
      field(layer, y, 0, new Float64Array(hidden), 0, o, 0);
      return o;
    },
    vjp(input, gradient, gTheta) {
      const batch = checkInput(input);
      if (!(gradient instanceof Float64Array) || gradient.length !== input.length)
        wrongLength('gradient', '∂L/∂Y_L, one number per output', input.length, gradient);
      for (let i = 0; i < gradient.length; i++)
        if (!Number.isFinite(gradient[i])) invalid(`gradient[${i}]`, 'a finite number', gradient[i], 'NON_FINITE_INPUT');
      if (gTheta !== undefined && (!(gTheta instanceof Float64Array) || gTheta.length !== size)) wrongLength('gTheta', 'the parameter gradient', size, gTheta);
      const gIn = new Float64Array(input.length);
      const g = new Float64Array(nn);
      for (let b = 0; b < batch; b++) {
        run(input, b * nn, true);
        g.set(gradient.subarray(b * nn, (b + 1) * nn));
        gIn.set(reverse(g, gTheta), b * nn);
      }
      return gIn;
    },
    parameters: {
      size,
      get(out) {
        if (out === undefined) return theta.slice();
        if (!(out instanceof Float64Array) || out.length !== size) wrongLength('out', 'the parameters', size, out);
        out.set(theta);
        return out;
      },
      set(values) {
        if (values === null || typeof values !== 'object' || values.length !== size) wrongLength('theta', 'the parameters', size, values);
        for (let i = 0; i < size; i++) if (!Number.isFinite(values[i])) invalid(`theta[${i}]`, 'a finite number', values[i], 'NON_FINITE_INPUT');
        for (let i = 0; i < size; i++) theta[i] = values[i]!;
      },
    },
  };
  return net;
}
