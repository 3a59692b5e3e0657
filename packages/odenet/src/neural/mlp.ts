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

/**
 * @internal a·b for 2-D tensors, differentiated with explicit transposes: dA = dy·transpose(b),
 * dB = transpose(a)·dy. tfjs' own gradient calls matMul with its transpose flags, and the wasm
 * backend's transposed kernels run about ten times slower than a transpose followed by a plain
 * matMul (measured on [750, 200] × [200, 200]), which dominated HNN training.
 */
export const matMul2d = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1]!) as tf.Tensor2D),
      tf.matMul(tf.transpose(saved[0]!) as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** @internal y = MLP(x) for x [B, in] with weights [W₁, b₁, …] (tanh-like hidden, linear output). */
export function mlpTensor(x: tf.Tensor, ws: readonly tf.Tensor[], act: MlpActivation): tf.Tensor {
  let h = x;
  const layers = ws.length / 2;
  for (let i = 0; i < layers; i++) {
    h = tf.add(matMul2d(h, ws[2 * i]!), ws[2 * i + 1]!);
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
    const z = tf.add(matMul2d(h, ws[2 * i]!), ws[2 * i + 1]!);
    if (i + 1 < layers) {
      h = actTensor(act, z);
      dact.push(act === 'tanh' ? tf.sub(1, tf.square(h)) : act === 'sigmoid' ? tf.mul(h, tf.sub(1, h)) : tf.sigmoid(z));
    } else h = z;
  }
  // Start from the output layer's kernel column as a [1, width] row that broadcasts over the
  // batch (tf.tile's gradient is one slice per row, which dominated HNN training).
  let g: tf.Tensor = tf.reshape(ws[2 * (layers - 1)]!, [1, -1]);
  for (let i = layers - 2; i >= 0; i--) {
    g = tf.mul(g, dact[i]!);
    g = matMul2d(g, tf.transpose(ws[2 * i]!));
  }
  if (layers === 1) g = tf.mul(tf.ones([x.shape[0]!, 1]), g);
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
  // Row-major loops over contiguous kernel rows (W is in × out): z_r += h_ri · W_i,:.
  const run = (x: Float64Array, rows: number) => {
    const zs: Float64Array[] = [];
    const hs: Float64Array[] = [x];
    let h = x;
    for (let l = 0; l < L; l++) {
      const nin = widths[l]!, nout = widths[l + 1]!;
      const W = weights[2 * l]!, b = weights[2 * l + 1]!;
      const z = new Float64Array(rows * nout);
      for (let r = 0; r < rows; r++) {
        const zo = r * nout;
        for (let j = 0; j < nout; j++) z[zo + j] = b[j]!;
        for (let i = 0; i < nin; i++) {
          const v = h[r * nin + i]!;
          if (v === 0) continue;
          const wo = i * nout;
          for (let j = 0; j < nout; j++) z[zo + j] += v * W[wo + j]!;
        }
      }
      zs.push(z);
      if (l + 1 < L) {
        const hn = new Float64Array(z.length);
        for (let k = 0; k < z.length; k++) hn[k] = a.f(z[k]!);
        h = hn;
      } else h = z;
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
          const gd = new Float64Array(g.length);
          for (let k = 0; k < g.length; k++) gd[k] = g[k]! * a.df(z[k]!, h[k]!);
          g = gd;
        }
        const W = weights[2 * l]!;
        const hin = hs[l]!;
        if (gTheta) {
          const oW = offsets[2 * l]!, ob = offsets[2 * l + 1]!;
          for (let r = 0; r < rows; r++) {
            const go = r * nout;
            for (let j = 0; j < nout; j++) gTheta[ob + j] += g[go + j]!;
            for (let i = 0; i < nin; i++) {
              const v = hin[r * nin + i]!;
              if (v === 0) continue;
              const wo = oW + i * nout;
              for (let j = 0; j < nout; j++) gTheta[wo + j] += v * g[go + j]!;
            }
          }
        }
        const gin = new Float64Array(rows * nin);
        for (let r = 0; r < rows; r++) {
          const go = r * nout;
          for (let i = 0; i < nin; i++) {
            const wo = i * nout;
            let s = 0;
            for (let j = 0; j < nout; j++) s += W[wo + j]! * g[go + j]!;
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
