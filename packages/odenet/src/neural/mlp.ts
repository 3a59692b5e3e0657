/**
 * The small tanh multilayer perceptrons inside neural vector fields, Hamiltonians and
 * SympNets, in two twins: tensors (float32, differentiated by tfjs) and Float64 (plain loops,
 * with hand-written reverse mode) so every float32 path has a Float64 reference.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, createRandom, invalid } from '@phaseflow/core';

/** Layer widths [in, h₁, …, out] of an MLP. */
export type MlpShape = readonly number[];

/** Hidden activations an MLP may use. */
export type MlpActivation = 'tanh' | 'softplus' | 'sigmoid';

/** @internal Validate widths. */
export function checkWidths(argument: string, widths: unknown): number[] {
  if (!Array.isArray(widths) || widths.length < 2) invalid(argument, 'an array of at least two layer widths', widths);
  return widths.map((w, i) => checkInteger(`${argument}[${i}]`, w, { min: 1 }));
}

/** @internal Shapes of the weights [W₁, b₁, W₂, b₂, …] of an MLP. */
export function mlpWeightShapes(widths: MlpShape): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < widths.length; i++) out.push([widths[i]!, widths[i + 1]!], [widths[i + 1]!]);
  return out;
}

/** @internal Glorot-uniform kernels from `createRandom(seed)`, zero biases (`scale` multiplies the last kernel). */
export function mlpInitialValues(widths: MlpShape, seed: number, lastScale = 1): Float64Array[] {
  const rng = createRandom(seed);
  const out: Float64Array[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const a = widths[i]!, b = widths[i + 1]!;
    const limit = Math.sqrt(6 / (a + b)) * (i + 2 === widths.length ? lastScale : 1);
    out.push(rng.fillUniform(new Float64Array(a * b), -limit, limit), new Float64Array(b));
  }
  return out;
}

const act64: Record<MlpActivation, { f: (x: number) => number; df: (x: number, y: number) => number; d2f: (x: number, y: number) => number }> = {
  tanh: { f: Math.tanh, df: (_x, y) => 1 - y * y, d2f: (_x, y) => -2 * y * (1 - y * y) },
  softplus: {
    f: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))),
    df: (x) => 1 / (1 + Math.exp(-x)),
    d2f: (x) => {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 - s);
    },
  },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), df: (_x, y) => y * (1 - y), d2f: (_x, y) => y * (1 - y) * (1 - 2 * y) },
};

/** @internal The tfjs activation. */
export function actTensor(name: MlpActivation, x: tf.Tensor): tf.Tensor {
  return name === 'tanh' ? tf.tanh(x) : name === 'softplus' ? tf.softplus(x) : tf.sigmoid(x);
}

/** @internal y = MLP(x) for x [B, in] with weights [W₁, b₁, …] (tanh-like hidden, linear output). */
export function mlpTensor(x: tf.Tensor, ws: readonly tf.Tensor[], act: MlpActivation): tf.Tensor {
  let h = x;
  const layers = ws.length / 2;
  for (let i = 0; i < layers; i++) {
    h = tf.add(tf.matMul(h, ws[2 * i] as tf.Tensor2D), ws[2 * i + 1]!);
    if (i + 1 < layers) h = actTensor(act, h);
  }
  return h;
}

/**
 * @internal ∇ₓ of the scalar MLP s(x) (out width 1) for every row of x, written with ops only
 * (so tfjs differentiates it once more with respect to the weights):
 * ∇ₓs = W₁ (σ'(z₁) ⊙ W₂ (σ'(z₂) ⊙ … w_L)).
 */
export function mlpInputGradientTensor(x: tf.Tensor, ws: readonly tf.Tensor[], act: MlpActivation): { value: tf.Tensor; grad: tf.Tensor } {
  const layers = ws.length / 2;
  let h = x;
  const dact: tf.Tensor[] = [];
  for (let i = 0; i < layers; i++) {
    const z = tf.add(tf.matMul(h, ws[2 * i] as tf.Tensor2D), ws[2 * i + 1]!);
    if (i + 1 < layers) {
      h = actTensor(act, z);
      dact.push(act === 'tanh' ? tf.sub(1, tf.square(h)) : act === 'sigmoid' ? tf.mul(h, tf.sub(1, h)) : tf.sigmoid(z));
    } else h = z;
  }
  // g has shape [B, width]; start from the output layer's kernel column.
  let g: tf.Tensor = tf.tile(tf.transpose(ws[2 * (layers - 1)]!), [x.shape[0]!, 1]);
  for (let i = layers - 2; i >= 0; i--) {
    g = tf.mul(g, dact[i]!);
    g = tf.matMul(g, ws[2 * i] as tf.Tensor2D, false, true);
  }
  return { value: h, grad: g };
}

/** A Float64 MLP: forward and reverse mode by hand. */
export interface Mlp64 {
  readonly widths: readonly number[];
  readonly activation: MlpActivation;
  /** Weights [W₁, b₁, …] (row-major W: in × out). */
  readonly weights: Float64Array[];
  /** Number of parameters. */
  readonly size: number;
  /** y = MLP(x) for `rows` rows. */
  forward(x: Float64Array, rows: number): Float64Array;
  /** Reverse mode: given ḡ = ∂L/∂y, returns ∂L/∂x and adds ∂L/∂θ into `gTheta` (flat, in weight order). */
  vjp(x: Float64Array, rows: number, gy: Float64Array, gTheta?: Float64Array): Float64Array;
  /** For a scalar MLP (out 1): ∇ₓs per row. */
  inputGradient(x: Float64Array, rows: number): Float64Array;
}

/** @internal Build a Float64 MLP over given weight arrays (not copied). */
export function createMlp64(widths: MlpShape, weights: Float64Array[], activation: MlpActivation): Mlp64 {
  const L = widths.length - 1;
  const a = act64[activation];
  const size = weights.reduce((n, w) => n + w.length, 0);
  const offsets: number[] = [];
  let o = 0;
  for (const w of weights) {
    offsets.push(o);
    o += w.length;
  }
  const run = (x: Float64Array, rows: number) => {
    const zs: Float64Array[] = [];
    const hs: Float64Array[] = [x];
    let h = x;
    for (let l = 0; l < L; l++) {
      const nin = widths[l]!, nout = widths[l + 1]!;
      const W = weights[2 * l]!, b = weights[2 * l + 1]!;
      const z = new Float64Array(rows * nout);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < nout; j++) {
          let s = b[j]!;
          for (let i = 0; i < nin; i++) s += h[r * nin + i]! * W[i * nout + j]!;
          z[r * nout + j] = s;
        }
      }
      zs.push(z);
      h = l + 1 < L ? z.map(a.f) : z;
      hs.push(h);
    }
    return { zs, hs };
  };
  return {
    widths,
    activation,
    weights,
    size,
    forward: (x, rows) => run(x, rows).hs[L]!,
    vjp(x, rows, gy, gTheta) {
      const { zs, hs } = run(x, rows);
      let g = gy;
      for (let l = L - 1; l >= 0; l--) {
        const nin = widths[l]!, nout = widths[l + 1]!;
        if (l + 1 < L) {
          const z = zs[l]!, h = hs[l + 1]!;
          g = g.map((v, k) => v * a.df(z[k]!, h[k]!));
        }
        const W = weights[2 * l]!;
        const hin = hs[l]!;
        if (gTheta) {
          const oW = offsets[2 * l]!, ob = offsets[2 * l + 1]!;
          for (let r = 0; r < rows; r++) {
            for (let j = 0; j < nout; j++) {
              const gj = g[r * nout + j]!;
              gTheta[ob + j] += gj;
              for (let i = 0; i < nin; i++) gTheta[oW + i * nout + j] += hin[r * nin + i]! * gj;
            }
          }
        }
        const gin = new Float64Array(rows * nin);
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < nin; i++) {
            let s = 0;
            for (let j = 0; j < nout; j++) s += W[i * nout + j]! * g[r * nout + j]!;
            gin[r * nin + i] = s;
          }
        }
        g = gin;
      }
      return g;
    },
    inputGradient(x, rows) {
      if (widths[L] !== 1) invalid('mlp', 'a scalar MLP (output width 1)', widths[L]);
      return this.vjp(x, rows, new Float64Array(rows).fill(1));
    },
  };
}

/** @internal Read tfjs weights into Float64 arrays. */
export function readTensors(ws: readonly tf.Tensor[]): Float64Array[] {
  return ws.map((w) => Float64Array.from(w.dataSync()));
}
