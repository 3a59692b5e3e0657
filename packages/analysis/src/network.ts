/**
 * Deep networks as maps: the layers x_{l+1} = F_l(x_l) of a ResNet, a stable block or any
 * stack of Float64 functions or nn64 layers, as a core `map` problem whose time is the layer
 * index, so the forward pass runs through `integrate` with {@link mapIterator} and observers
 * watch it layer by layer. Each layer's Jacobian comes from its `jvp`, a dense `jacobian`,
 * one batched reverse pass (nn64's `vjp`), or central differences.
 */
import { PhaseflowError, checkFinite, checkFiniteArray, checkInteger, checkOneOf, checkOptions, checkPositive, describeValue, invalid } from '@phaseflow/core';
import { checkName, checkVector, checkedJvp, checkedMap } from './args.js';
import { mapProblem, type JacobianVectorProduct, type MapProblem } from './map.js';
import { tangentProblem } from './tangent.js';

type F = Float64Array;

/** A layer as a plain Float64 function x ↦ F(x) (writes `out` when given); its Jacobian by central differences. */
export type LayerFunction = (x: F, out?: F) => F;

/** A Float64 layer with its own derivative: a Jacobian–vector product, a dense Jacobian, or k products at once. */
export interface DifferentiableLayer {
  readonly name?: string;
  /** F(x), into `out` when given; returns the result. */
  forward(x: F, out?: F): F;
  /** out ← J(x)·v; returns `out`. */
  jvp?(x: F, v: F, out: F): F;
  /** out ← J(x), n × n row-major (entry (i, j) = ∂Fᵢ/∂xⱼ); returns `out`. */
  jacobian?(x: F, out: F): F;
  /** out ← J(x)·Q for an n × k frame Q (both row-major): one call for k tangent vectors. */
  tangent?(x: F, frame: F, k: number, out: F): F;
}

/** A batch of `rows` inputs of `cols` numbers, row-major (nn64's `InputBatch`). */
export interface LayerBatch {
  readonly x: F;
  readonly rows: number;
  readonly cols: number;
}

/**
 * A layer in nn64's batch convention (an `Mlp64` with sizes [n, …, n]): forward on a batch and
 * reverse mode; its Jacobian at x is one `vjp` over n copies of x with the rows of I as ∂L/∂y.
 */
export interface BatchLayer {
  readonly name?: string;
  forward(batch: LayerBatch): F;
  vjp(batch: LayerBatch, gy: F): F;
}

/** What {@link networkMap} accepts as a layer. An object with `vjp` is read in nn64's batch convention. */
export type NetworkLayer = LayerFunction | DifferentiableLayer | BatchLayer;

/** Where a layer's Jacobian comes from. */
export type LayerDerivativeSource = 'tangent' | 'jvp' | 'jacobian' | 'vjp' | 'central-differences';

/** A stack of layers as a `map` problem, from {@link networkMap}. */
export interface NetworkMap extends MapProblem {
  /** Number of layers L: a forward pass is L iterations with h = 1 from t = 0. */
  readonly depth: number;
  /** J_l(x)·v of layer l = t (a layer index). */
  readonly jvp: JacobianVectorProduct;
  /** Where each layer's Jacobian comes from. */
  readonly sources: readonly LayerDerivativeSource[];
  /** x_{l+1} = F_l(x_l) for layer `layer` (0-based), into `out` when given. */
  layer(layer: number, x: F, out?: F): F;
  /** out ← J_l(x)·Q for an n × k frame Q (row-major): one dense Jacobian or k products. */
  tangent(layer: number, x: F, frame: F, k: number, out: F): F;
  /** The output x_L of the whole stack (a plain loop, no observers). */
  output(x0: F): F;
}

/** A layer reduced to what the tools need. */
interface Normalised {
  readonly name: string;
  readonly source: LayerDerivativeSource;
  apply(x: F, out: F): void;
  tangent(x: F, frame: F, k: number, out: F): void;
}

const isBatchLayer = (l: unknown): l is BatchLayer =>
  l !== null && typeof l === 'object' && typeof (l as BatchLayer).forward === 'function' && typeof (l as BatchLayer).vjp === 'function';

/** Copy a layer's result into `out` when it returned another array, checking its width. */
function land(argument: string, r: unknown, out: F): void {
  if (r === out) return;
  if (!(r instanceof Float64Array) && !Array.isArray(r)) invalid(argument, `a Float64Array of ${out.length} numbers`, r);
  const a = r as ArrayLike<number>;
  if (a.length !== out.length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: a layer of this map keeps the width n = ${out.length}, received ${a.length} numbers`, {
      argument,
      expected: `${out.length} numbers`,
      received: `${a.length} numbers`,
    });
  }
  out.set(a);
}

/** out (n × k) ← J·Q for a dense n × n J. */
function denseTimesFrame(J: F, n: number, frame: F, k: number, out: F): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let m = 0; m < n; m++) {
      const a = J[i * n + m]!;
      if (a === 0) continue;
      const q = m * k;
      for (let j = 0; j < k; j++) out[o + j] += a * frame[q + j]!;
    }
  }
}

/** k Jacobian–vector products column by column, with scratch per width. */
function byColumns(jvp: (x: F, v: F, out: F) => void): (x: F, frame: F, k: number, out: F) => void {
  let v = new Float64Array(0);
  let w = new Float64Array(0);
  return (x, frame, k, out) => {
    const n = x.length;
    if (v.length !== n) {
      v = new Float64Array(n);
      w = new Float64Array(n);
    }
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < n; i++) v[i] = frame[i * k + j]!;
      jvp(x, v, w);
      for (let i = 0; i < n; i++) out[i * k + j] = w[i]!;
    }
  };
}

function normalise(layer: NetworkLayer, index: number): Normalised {
  const arg = `layers[${index}]`;
  if (typeof layer === 'function') {
    const fn = layer;
    const apply = (x: F, out: F): void => land(arg, fn(x, out), out);
    // Central differences through the tangent tools' own difference quotient (one per width).
    let fd: ((t: number, y: F, v: F, out: F) => F) | undefined;
    let fdWidth = -1;
    const cols = byColumns((x, v, out) => {
      if (fd === undefined || fdWidth !== x.length) {
        const field = mapProblem((_t, y, out2 = new Float64Array(y.length)) => {
          apply(y, out2);
          return out2;
        });
        fd = tangentProblem(field, new Float64Array(x.length), { vectors: 1 }).jvp;
        fdWidth = x.length;
      }
      fd(0, x, v, out);
    });
    return { name: fn.name || `layer ${index}`, source: 'central-differences', apply, tangent: cols };
  }
  const own = layer as { jvp?: unknown; jacobian?: unknown; tangent?: unknown };
  if (isBatchLayer(layer) && typeof own.jvp !== 'function' && typeof own.jacobian !== 'function' && typeof own.tangent !== 'function') {
    const net = layer;
    let xs = new Float64Array(0);
    let eye = new Float64Array(0);
    const batchOf = (x: F): LayerBatch => {
      const n = x.length;
      if (xs.length !== n * n) {
        xs = new Float64Array(n * n);
        eye = new Float64Array(n * n);
        for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      }
      for (let r = 0; r < n; r++) xs.set(x, r * n);
      return { x: xs, rows: n, cols: n };
    };
    return {
      name: net.name ?? `layer ${index}`,
      source: 'vjp',
      apply: (x, out) => land(arg, net.forward({ x, rows: 1, cols: x.length }), out),
      tangent(x, frame, k, out) {
        const n = x.length;
        const batch = batchOf(x);
        // Row r of ∂L/∂x for ∂L/∂y = e_r is row r of J.
        const J = net.vjp(batch, eye);
        if (J === null || typeof J !== 'object' || J.length !== n * n) {
          invalid(`${arg}.vjp`, `${n * n} numbers (n rows of ∂L/∂x; the layer must keep the width n = ${n})`, J, 'SHAPE_MISMATCH');
        }
        denseTimesFrame(J, n, frame, k, out);
      },
    };
  }
  if (layer !== null && typeof layer === 'object' && typeof (layer as DifferentiableLayer).forward === 'function') {
    const l = layer as DifferentiableLayer;
    const apply = (x: F, out: F): void => land(arg, l.forward(x, out), out);
    const name = l.name ?? `layer ${index}`;
    if (typeof l.tangent === 'function') {
      const t = l.tangent.bind(l);
      return { name, source: 'tangent', apply, tangent: (x, frame, k, out) => land(`${arg}.tangent`, t(x, frame, k, out), out) };
    }
    if (typeof l.jvp === 'function') {
      const j = l.jvp.bind(l);
      return { name, source: 'jvp', apply, tangent: byColumns((x, v, out) => land(`${arg}.jvp`, j(x, v, out), out)) };
    }
    if (typeof l.jacobian === 'function') {
      const jac = l.jacobian.bind(l);
      let J = new Float64Array(0);
      return {
        name,
        source: 'jacobian',
        apply,
        tangent(x, frame, k, out) {
          const n = x.length;
          if (J.length !== n * n) J = new Float64Array(n * n);
          land(`${arg}.jacobian`, jac(x, J), J);
          denseTimesFrame(J, n, frame, k, out);
        },
      };
    }
    return {
      ...normalise((x: F, out?: F) => l.forward(x, out), index),
      name,
    };
  }
  return invalid(arg, 'a function x ↦ F(x), a layer { forward, jvp?/jacobian?/tangent? } or an nn64 layer { forward(batch), vjp }', layer);
}

/** Options of {@link networkMap}. */
export interface NetworkMapOptions {
  readonly name?: string;
}

/** The arguments of a `tangent(x, frame, k, out)`: x a non-empty state, frame and out n × k (row-major), k ≥ 1. */
function checkTangentArgs(x: unknown, frame: unknown, k: unknown, out: unknown): void {
  const n = checkVector('x', x).length;
  if (n === 0) invalid('x', 'a non-empty state', x, 'SHAPE_MISMATCH');
  const kk = checkInteger('k', k, { min: 1 });
  checkVector('frame', frame, n * kk);
  checkVector('out', out, n * kk);
}

/**
 * A deep network x_{l+1} = F_l(x_l), l = 0 … L − 1, as a core `map` problem whose time is the
 * layer index: `integrate(mapIterator(), net, x0, { tEnd: net.depth, h: 1 })` is the forward
 * pass, and observers (the Jacobian growth, the energy per layer) watch it layer by layer.
 * Every layer keeps the width n. Layers may be Float64 functions (Jacobian by central
 * differences), layers with a `jvp`, `jacobian` or `tangent`, or nn64 layers with `forward`
 * on a batch and `vjp` (the Jacobian from one batched reverse pass: n copies of x, the rows of
 * I as ∂L/∂y). The problem's `jvp` makes it a valid input of {@link lyapunovSpectrum} too.
 *
 * Source: E. Haber, L. Ruthotto, Stable architectures for deep neural networks, Inverse
 * Problems 34 (2018) 014004 (the network as the discretisation of a flow, layer = step).
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * const net = networkMap([(x) => x.map((v) => 2 * v), (x) => x.map(Math.tanh)]);
 * integrate(mapIterator(), net, Float64Array.of(0.1, 0.2), { tEnd: net.depth, h: 1 }).yFinal; // tanh(2x)
 * ```
 */
export function networkMap(layers: readonly NetworkLayer[], options: NetworkMapOptions = {}): NetworkMap {
  if (!Array.isArray(layers) || layers.length === 0) invalid('layers', 'a non-empty array of layers', layers);
  const o = checkOptions('options', options, ['name']);
  const norm = layers.map((l, i) => normalise(l, i));
  const depth = norm.length;
  const at = (t: number): Normalised => {
    const l = Math.round(t);
    if (!Number.isFinite(t) || Math.abs(t - l) > 1e-9 * Math.max(1, Math.abs(t)) || l < 0 || l >= depth) {
      invalid('t', `a layer index in 0 … ${depth - 1} (run the forward pass from t = 0 with h = 1)`, t);
    }
    return norm[l]!;
  };
  const layer = (index: number, x: F, out?: F): F => {
    const l = at(index);
    checkVector('x', x);
    if (out !== undefined) checkVector('out', out, x.length);
    const res = out ?? new Float64Array(x.length);
    l.apply(x, res);
    return res;
  };
  const tangent = (index: number, x: F, frame: F, k: number, out: F): F => {
    const l = at(index);
    checkTangentArgs(x, frame, k, out);
    l.tangent(x, frame, k, out);
    return out;
  };
  const base = mapProblem(
    checkedMap(undefined, (t, y, out = new Float64Array(y.length)) => layer(t, y, out)),
    {
      name: o.name === undefined ? `network(${depth} layers)` : checkName('options.name', o.name),
      jvp: checkedJvp(undefined, (t, y, v, out) => tangent(t, y, v, 1, out)),
    },
  );
  return {
    ...base,
    jvp: base.jvp!,
    depth,
    sources: norm.map((l) => l.source),
    layer,
    tangent,
    output(x0) {
      checkFiniteArray('x0', x0);
      let a = Float64Array.from(x0);
      let b = new Float64Array(a.length);
      for (let l = 0; l < depth; l++) {
        norm[l]!.apply(a, b);
        [a, b] = [b, a];
      }
      return a;
    },
  };
}

/** Options of {@link resNetLayer}. */
export interface ResNetLayerOptions {
  /** K, n × n row-major ((K x)ᵢ = Σⱼ K_ij xⱼ). */
  readonly kernel: ArrayLike<number>;
  /** b (default 0). */
  readonly bias?: ArrayLike<number>;
  /** Step h of the forward Euler step (default 1). */
  readonly step?: number;
  /** σ (default `tanh`). */
  readonly activation?: 'tanh' | 'identity';
  /** Use ½(K − Kᵀ) − γI instead of K (Haber–Ruthotto's antisymmetric block; default false). */
  readonly antisymmetric?: boolean;
  /** Damping γ ≥ 0 of the antisymmetric kernel (default 0). */
  readonly damping?: number;
}

/**
 * One residual layer x ↦ x + h·σ(K x + b) (forward Euler on x′ = σ(K x + b)), optionally with
 * Haber–Ruthotto's antisymmetric kernel ½(K − Kᵀ) − γI, whose Jacobian has eigenvalues of real
 * part ≤ 0 (−γ when σ is the identity), so the continuous flow neither explodes nor decays; the
 * Euler step adds a growth O(h²) per layer that γ offsets. Carries its exact Jacobian,
 * J·v = v + h·σ′(Kx + b) ⊙ (K v), for {@link networkMap}.
 *
 * Source: E. Haber, L. Ruthotto, Stable architectures for deep neural networks, Inverse
 * Problems 34 (2018) 014004, §3.
 *
 * @example
 * ```ts
 * const layer = resNetLayer({ kernel: K, step: 0.1, antisymmetric: true, damping: 0.01 });
 * layer.forward(x);
 * ```
 */
export function resNetLayer(options: ResNetLayerOptions): DifferentiableLayer & { readonly name: string; readonly width: number } {
  const o = checkOptions('options', options, ['kernel', 'bias', 'step', 'activation', 'antisymmetric', 'damping']);
  if (o === undefined) invalid('options', 'an options object with a kernel', o);
  checkFiniteArray('options.kernel', o.kernel);
  const n = Math.round(Math.sqrt(o.kernel.length));
  if (n === 0 || n * n !== o.kernel.length) invalid('options.kernel', 'an n × n matrix (n² numbers, row-major)', o.kernel, 'SHAPE_MISMATCH');
  const h = o.step === undefined ? 1 : checkPositive('options.step', o.step);
  const act = o.activation === undefined ? 'tanh' : checkOneOf<'tanh' | 'identity'>('options.activation', o.activation, ['tanh', 'identity']);
  const anti = o.antisymmetric ?? false;
  if (typeof anti !== 'boolean') invalid('options.antisymmetric', 'a boolean', anti);
  const gamma = o.damping === undefined ? 0 : checkFinite('options.damping', o.damping);
  if (gamma < 0) invalid('options.damping', 'a damping γ ≥ 0', gamma);
  if (gamma !== 0 && !anti) invalid('options.damping', 'a damping only with antisymmetric: true', gamma);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) K[i * n + j] = anti ? 0.5 * (o.kernel[i * n + j]! - o.kernel[j * n + i]!) - (i === j ? gamma : 0) : o.kernel[i * n + j]!;
  }
  const b = new Float64Array(n);
  if (o.bias !== undefined) {
    checkFiniteArray('options.bias', o.bias);
    if (o.bias.length !== n) invalid('options.bias', `${n} numbers`, o.bias, 'SHAPE_MISMATCH');
    b.set(o.bias);
  }
  const z = new Float64Array(n);
  const d = new Float64Array(n);
  const checkX = (x: F): void => {
    if (!(x instanceof Float64Array) || x.length !== n)
      invalid('x', `a Float64Array of ${n} numbers`, x, x instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
  };
  /** z ← Kx + b; d ← σ′(z); returns σ(z) in z. */
  const pre = (x: F): void => {
    for (let i = 0; i < n; i++) {
      let s = b[i]!;
      for (let j = 0; j < n; j++) s += K[i * n + j]! * x[j]!;
      if (act === 'tanh') {
        const t = Math.tanh(s);
        z[i] = t;
        d[i] = 1 - t * t;
      } else {
        z[i] = s;
        d[i] = 1;
      }
    }
  };
  return {
    name: anti ? 'antisymmetric-resnet' : 'resnet',
    width: n,
    forward(x, out) {
      checkX(x);
      pre(x);
      const res = out ?? new Float64Array(n);
      for (let i = 0; i < n; i++) res[i] = x[i]! + h * z[i]!;
      return res;
    },
    tangent(x, frame, k, out) {
      checkX(x);
      checkTangentArgs(x, frame, k, out);
      pre(x);
      for (let i = 0; i < n; i++) {
        const s = h * d[i]!;
        for (let j = 0; j < k; j++) {
          let kv = 0;
          for (let m = 0; m < n; m++) kv += K[i * n + m]! * frame[m * k + j]!;
          out[i * k + j] = frame[i * k + j]! + s * kv;
        }
      }
      return out;
    },
  };
}

/** Options of {@link residualLayer}. */
export interface ResidualLayerOptions {
  /** Step h (default 1). */
  readonly step?: number;
}

/**
 * A residual layer around any branch: x ↦ x + h·G(x), with J = I + h·J_G (the branch's Jacobian
 * from wherever {@link networkMap} would take it: an nn64 `Mlp64` with sizes [n, …, n], a
 * function, a layer with a jvp).
 *
 * Source: K. He, X. Zhang, S. Ren, J. Sun, Deep residual learning for image recognition, CVPR
 * 2016; Haber & Ruthotto (2018) for the step h.
 *
 * @example
 * ```ts
 * import { createMlp64 } from '@phaseflow/nn64';
 * const block = residualLayer(createMlp64({ sizes: [8, 16, 8], seed: 1 }), { step: 0.1 });
 * ```
 */
export function residualLayer(branch: NetworkLayer, options: ResidualLayerOptions = {}): DifferentiableLayer & { readonly name: string } {
  const o = checkOptions('options', options, ['step']);
  const h = o.step === undefined ? 1 : checkPositive('options.step', o.step);
  if (branch === null || (typeof branch !== 'function' && typeof branch !== 'object')) {
    invalid('branch', 'a layer (function, { forward, … } or an nn64 layer)', branch);
  }
  if (typeof branch === 'object' && typeof (branch as { forward?: unknown }).forward !== 'function') {
    invalid('branch', `a layer with forward(), received ${describeValue(branch)}`, branch);
  }
  const g = normalise(branch, 0);
  let gx = new Float64Array(0);
  return {
    name: `residual(${g.name})`,
    forward(x, out) {
      checkFiniteArray('x', x);
      if (x.length === 0) invalid('x', 'a non-empty state', x, 'SHAPE_MISMATCH');
      if (out !== undefined) checkVector('out', out, x.length);
      if (gx.length !== x.length) gx = new Float64Array(x.length);
      g.apply(x, gx);
      const res = out ?? new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) res[i] = x[i]! + h * gx[i]!;
      return res;
    },
    tangent(x, frame, k, out) {
      checkTangentArgs(x, frame, k, out);
      g.tangent(x, frame, k, out);
      for (let i = 0; i < out.length; i++) out[i] = frame[i]! + h * out[i]!;
      return out;
    },
  };
}
