/**
 * A SympNet on the float32 engine of @phaseflow/nn64: the same composition of shears as the
 * tf layer, with its reverse pass written out, as a Trainable32. The states are small (2d
 * numbers, modules of width w), so it runs as plain typed-array loops. Internal to the
 * package: reached through `SympNet.toTrainable32()`.
 */
import { activations, type Trainable32 } from '@phaseflow/nn64';
import { checkInteger, invalid } from '@phaseflow/core';
import type { SmoothActivation } from '@phaseflow/tfjs';

/** One elementary shear: `to` += f(`from`), the other half of the state untouched. */
type Shear =
  | { readonly type: 'sym'; readonly up: boolean; readonly A: number } // to += from (A + Aᵀ)
  | { readonly type: 'bias'; readonly b: number } // q += b[0:d], p += b[d:2d]
  | { readonly type: 'act'; readonly up: boolean; readonly a: number } // to += a ⊙ σ(from)
  | { readonly type: 'grad'; readonly up: boolean; readonly K: number; readonly a: number; readonly b: number }; // to += (σ(from K + b) ⊙ a) Kᵀ

/** The SympNet's configuration and weight offsets, in the order of the layer's weights. */
export interface SympNet32Spec {
  readonly kind: 'LA' | 'G';
  readonly layers: number;
  readonly sublayers: number;
  readonly width: number;
  readonly activation: SmoothActivation;
  /** Degrees of freedom d (states of 2d numbers). */
  readonly d: number;
  /** θ: the layer's weights end to end (copied by the caller). */
  readonly theta: Float32Array;
}

/** The shears of a SympNet, `up` meaning "p changes, from q". */
function sympnetShears(kind: 'LA' | 'G', layers: number, sublayers: number, width: number, d: number): { shears: Shear[]; size: number } {
  const shears: Shear[] = [];
  let off = 0;
  const linear = (): void => {
    for (let s = 0; s < sublayers; s++) {
      shears.push({ type: 'sym', up: s % 2 === 0, A: off });
      off += d * d;
    }
    shears.push({ type: 'bias', b: off });
    off += 2 * d;
  };
  let up = true;
  for (let i = 0; i < layers; i++) {
    if (kind === 'LA') {
      linear();
      shears.push({ type: 'act', up, a: off });
      off += d;
    } else {
      shears.push({ type: 'grad', up, K: off, a: off + d * width, b: off + d * width + width });
      off += d * width + 2 * width;
    }
    up = !up;
  }
  if (kind === 'LA') linear();
  return { shears, size: off };
}

/**
 * @internal The SympNet map (q, p) ↦ (q', p') on rows of 2d numbers as a Trainable32: the
 * forward pass keeps the state before every shear; the reverse pass runs the shears backwards
 * (sym: S̄ = fromᵀ·t̄o, Ā = S̄ + S̄ᵀ, f̄rom += t̄o·S; act: ā += Σ t̄o ⊙ σ(from), f̄rom += t̄o ⊙ a ⊙ σ′;
 * grad: z̄ = t̄o·K, K̄ += t̄oᵀ·z + fromᵀ·ū, ā += Σ z̄ ⊙ σ(u), ū = z̄ ⊙ a ⊙ σ′(u), b̄ += Σ ū,
 * f̄rom += ū·Kᵀ).
 */
export function createSympNet32(spec: SympNet32Spec): Trainable32 {
  const { kind, layers, sublayers, width: w, d, theta } = spec;
  const { shears, size } = sympnetShears(kind, layers, sublayers, w, d);
  if (theta.length !== size) invalid('theta', `${size} SympNet parameters`, theta.length, 'SHAPE_MISMATCH');
  const { f: sigma, df } = activations[spec.activation];
  const n = 2 * d;
  let capacity = 0;
  let states: Float32Array[] = []; // the state before shear k, rows × 2d
  let out = new Float32Array(0);
  const scratch = new Float64Array(d);
  let bar = new Float64Array(0);
  let u = new Float64Array(0);
  let zbar = new Float64Array(0);
  let recorded = 0;
  const ensure = (rows: number): void => {
    if (rows <= capacity) return;
    capacity = rows;
    states = shears.map(() => new Float32Array(rows * n));
    out = new Float32Array(rows * n);
    bar = new Float64Array(rows * n);
    u = new Float64Array(rows * w);
    zbar = new Float64Array(rows * w);
  };

  /** Apply shear `s` to `y` (rows × 2d) in place. */
  const apply = (s: Shear, y: Float32Array, rows: number): void => {
    if (s.type === 'bias') {
      for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) y[r * n + i] += theta[s.b + i]!;
      return;
    }
    const from = s.up ? 0 : d,
      to = s.up ? d : 0;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      if (s.type === 'sym') {
        for (let j = 0; j < d; j++) {
          let acc = 0;
          for (let i = 0; i < d; i++) acc += y[o + from + i]! * (theta[s.A + i * d + j]! + theta[s.A + j * d + i]!);
          scratch[j] = acc;
        }
        for (let j = 0; j < d; j++) y[o + to + j] += scratch[j]!;
      } else if (s.type === 'act') {
        for (let j = 0; j < d; j++) y[o + to + j] += theta[s.a + j]! * sigma(y[o + from + j]!);
      } else {
        // z = σ(from K + b) ⊙ a in u's first row (scratch).
        for (let m = 0; m < w; m++) {
          let acc = theta[s.b + m]!;
          for (let j = 0; j < d; j++) acc += y[o + from + j]! * theta[s.K + j * w + m]!;
          u[m] = theta[s.a + m]! * sigma(acc);
        }
        for (let j = 0; j < d; j++) {
          let acc = 0;
          for (let m = 0; m < w; m++) acc += theta[s.K + j * w + m]! * u[m]!;
          y[o + to + j] += acc;
        }
      }
    }
  };

  return {
    name: `sympnet32(${kind}, ${layers} modules, ${spec.activation})`,
    inputs: n,
    outputs: n,
    theta,
    kernel: 'js',
    forwardTape(x, rowsArg) {
      const rows = checkInteger('rows', rowsArg, { min: 1 });
      if (!(x instanceof Float32Array) || x.length < rows * n) invalid('x', `a Float32Array of at least ${rows * n} numbers`, x, 'SHAPE_MISMATCH');
      ensure(rows);
      out.set(x.subarray(0, rows * n));
      for (let k = 0; k < shears.length; k++) {
        states[k]!.set(out.subarray(0, rows * n));
        apply(shears[k]!, out, rows);
      }
      recorded = rows;
      return out.subarray(0, rows * n);
    },
    backwardTape(gy, gTheta, gx) {
      if (recorded === 0) invalid('backwardTape', 'a forwardTape call first', 'no recorded forward pass', 'INVALID_STATE');
      const rows = recorded;
      if (!(gy instanceof Float32Array) || gy.length < rows * n) invalid('gy', `a Float32Array of at least ${rows * n} numbers`, gy, 'SHAPE_MISMATCH');
      if (!(gTheta instanceof Float32Array) || gTheta.length < size) invalid('gTheta', `a Float32Array of at least ${size} numbers`, gTheta, 'SHAPE_MISMATCH');
      for (let i = 0; i < rows * n; i++) bar[i] = gy[i]!;
      for (let k = shears.length - 1; k >= 0; k--) {
        const s = shears[k]!;
        const y = states[k]!;
        if (s.type === 'bias') {
          for (let i = 0; i < n; i++) {
            let acc = 0;
            for (let r = 0; r < rows; r++) acc += bar[r * n + i]!;
            gTheta[s.b + i] += acc;
          }
          continue;
        }
        const from = s.up ? 0 : d,
          to = s.up ? d : 0;
        if (s.type === 'sym') {
          // S̄_ij = Σ_r from_ri t̄o_rj; Ā = S̄ + S̄ᵀ; f̄rom += t̄o (A + Aᵀ).
          for (let i = 0; i < d; i++)
            for (let j = 0; j < d; j++) {
              let acc = 0;
              for (let r = 0; r < rows; r++) acc += y[r * n + from + i]! * bar[r * n + to + j]! + y[r * n + from + j]! * bar[r * n + to + i]!;
              gTheta[s.A + i * d + j] += acc;
            }
          for (let r = 0; r < rows; r++) {
            const o = r * n;
            for (let i = 0; i < d; i++) {
              let acc = 0;
              for (let j = 0; j < d; j++) acc += bar[o + to + j]! * (theta[s.A + i * d + j]! + theta[s.A + j * d + i]!);
              bar[o + from + i] += acc;
            }
          }
        } else if (s.type === 'act') {
          for (let j = 0; j < d; j++) {
            let acc = 0;
            for (let r = 0; r < rows; r++) {
              const v = y[r * n + from + j]!;
              const sv = sigma(v);
              acc += bar[r * n + to + j]! * sv;
              bar[r * n + from + j] += bar[r * n + to + j]! * theta[s.a + j]! * df(v, sv);
            }
            gTheta[s.a + j] += acc;
          }
        } else {
          for (let r = 0; r < rows; r++) {
            const o = r * n;
            for (let m = 0; m < w; m++) {
              let acc = theta[s.b + m]!;
              for (let j = 0; j < d; j++) acc += y[o + from + j]! * theta[s.K + j * w + m]!;
              u[r * w + m] = acc;
              let zb = 0;
              for (let j = 0; j < d; j++) zb += bar[o + to + j]! * theta[s.K + j * w + m]!;
              zbar[r * w + m] = zb;
            }
          }
          for (let m = 0; m < w; m++) {
            const am = theta[s.a + m]!;
            let ga = 0,
              gb = 0;
            for (let r = 0; r < rows; r++) {
              const um = u[r * w + m]!;
              const sv = sigma(um);
              const zb = zbar[r * w + m]!;
              ga += zb * sv;
              const ub = zb * am * df(um, sv);
              gb += ub;
              const o = r * n;
              // K̄_jm += t̄o_rj z_rm + from_rj ū_rm; f̄rom_rj += ū_rm K_jm.
              for (let j = 0; j < d; j++) {
                gTheta[s.K + j * w + m] += bar[o + to + j]! * sv * am + y[o + from + j]! * ub;
                bar[o + from + j] += ub * theta[s.K + j * w + m]!;
              }
            }
            gTheta[s.a + m] += ga;
            gTheta[s.b + m] += gb;
          }
        }
      }
      if (gx !== undefined) {
        if (!(gx instanceof Float32Array) || gx.length < rows * n) invalid('gx', `a Float32Array of at least ${rows * n} numbers`, gx, 'SHAPE_MISMATCH');
        for (let i = 0; i < rows * n; i++) gx[i] = bar[i]!;
      }
    },
  };
}
