/**
 * One Float64 MLP pass that keeps its trace, and the pullback that reads it: f and its
 * vector–Jacobian products from ONE forward pass. @phaseflow/nn64's `vjp` runs a forward pass
 * of its own and does not return f, so the continuous adjoint, which needs both at every stage,
 * would evaluate the field twice; back-propagation on the Float64 tape would run every forward
 * pass again in the backward pass. Same θ layout (per layer the kernel W_l, in × out row-major,
 * then the bias b_l) and the same activation table as nn64 (its `activations`), a linear output;
 * the tests check it against nn64's `forward` and `vjp`.
 */
import { activations, type Activation } from '@phaseflow/nn64';

/** @internal What the pullback of one pass needs: the layer inputs h_l (h_0 = x) and, for activations whose σ′ reads z, the pre-activations. */
interface MlpTrace {
  readonly rows: number;
  readonly hs: readonly Float64Array[];
  readonly zs: readonly (Float64Array | undefined)[];
}

/** @internal A traced Float64 MLP over θ (read in place at every call). */
export interface TracedMlp {
  /** Parameters of the network (its slice of θ). */
  readonly size: number;
  /** y = MLP(x) for `rows` rows, with the trace for {@link TracedMlp.pullback}. */
  forward(x: Float64Array, rows: number): { y: Float64Array; trace: MlpTrace };
  /** ∂L/∂x from ∂L/∂y = gy at a traced pass, adding ∂L/∂θ into gTheta (this network's slice). */
  pullback(trace: MlpTrace, gy: Float64Array, gTheta: Float64Array): Float64Array;
  /** Bytes a kept trace of `rows` rows holds (the memory model of back-propagation). */
  traceBytes(rows: number): number;
}

/** @internal The traced MLP of widths `sizes` with hidden activation `activation` over θ. */
export function createTracedMlp(sizes: readonly number[], activation: Activation, theta: Float64Array): TracedMlp {
  const layers = sizes.length - 1;
  const offsets: number[] = [];
  let size = 0;
  for (let l = 0; l < layers; l++) {
    offsets.push(size);
    size += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  }
  const act = activations[activation];
  // σ′ of tanh and sigmoid reads y = σ(z) only: z need not be kept.
  const keepZ = activation !== 'tanh' && activation !== 'sigmoid' && activation !== 'linear';
  return {
    size,
    forward(x, rows) {
      const hs: Float64Array[] = [x];
      const zs: (Float64Array | undefined)[] = [];
      let h = x;
      for (let l = 0; l < layers; l++) {
        const nin = sizes[l]!;
        const nout = sizes[l + 1]!;
        const w = offsets[l]!;
        const b = w + nin * nout;
        const z = new Float64Array(rows * nout);
        for (let r = 0; r < rows; r++) {
          const zo = r * nout;
          const ho = r * nin;
          for (let j = 0; j < nout; j++) z[zo + j] = theta[b + j]!;
          for (let i = 0; i < nin; i++) {
            const v = h[ho + i]!;
            if (v === 0) continue;
            const wo = w + i * nout;
            for (let j = 0; j < nout; j++) z[zo + j] += v * theta[wo + j]!;
          }
        }
        if (l + 1 === layers) {
          h = z;
          break;
        }
        const hn = new Float64Array(z.length);
        for (let k = 0; k < z.length; k++) hn[k] = act.f(z[k]!);
        zs.push(keepZ ? z : undefined);
        hs.push(hn);
        h = hn;
      }
      return { y: h, trace: { rows, hs, zs } };
    },
    pullback(trace, gy, gTheta) {
      const { rows, hs, zs } = trace;
      let g = gy;
      for (let l = layers - 1; l >= 0; l--) {
        const nin = sizes[l]!;
        const nout = sizes[l + 1]!;
        const w = offsets[l]!;
        const b = w + nin * nout;
        const hin = hs[l]!;
        for (let r = 0; r < rows; r++) {
          const go = r * nout;
          for (let j = 0; j < nout; j++) gTheta[b + j] += g[go + j]!;
          for (let i = 0; i < nin; i++) {
            const v = hin[r * nin + i]!;
            if (v === 0) continue;
            const wo = w + i * nout;
            for (let j = 0; j < nout; j++) gTheta[wo + j] += v * g[go + j]!;
          }
        }
        const gin = new Float64Array(rows * nin);
        for (let r = 0; r < rows; r++) {
          const go = r * nout;
          for (let i = 0; i < nin; i++) {
            const wo = w + i * nout;
            let s = 0;
            for (let j = 0; j < nout; j++) s += theta[wo + j]! * g[go + j]!;
            gin[r * nin + i] = s;
          }
        }
        if (l > 0) {
          // through σ of layer l − 1: h_l = σ(z_{l−1})
          const z = zs[l - 1];
          for (let k = 0; k < gin.length; k++) gin[k] *= act.df(z ? z[k]! : 0, hin[k]!);
        }
        g = gin;
      }
      return g;
    },
    traceBytes(rows) {
      let n = 0;
      for (let l = 1; l < layers; l++) n += rows * sizes[l]! * (keepZ ? 2 : 1);
      return 8 * n;
    },
  };
}
