/**
 * The linear readout y = Wout·x + b and the streaming normal equations of ridge regression
 * with an unpenalised bias (centred form, as ReservoirPy 0.4):
 *
 *   Wout = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀỸ,  b = ȳ − Wout·x̄,  with X̃ = X − x̄, Ỹ = Y − ȳ,
 *
 * solved by Cholesky. The raw sums XᵀX, Σx, XᵀY, Σy are accumulated in blocks of samples
 * (no state history is stored) and centred at the end, X̃ᵀX̃ = XᵀX − T·x̄x̄ᵀ — exactly
 * ReservoirPy 0.4.2's arithmetic, which matters: the system is ill-conditioned (κ ≈ 1e10 on
 * Mackey–Glass), and a differently-rounded but equally valid centring moves the predictions
 * by ~3e-8, while this one reproduces ReservoirPy's to ~1e-10.
 */
import { PhaseflowError, checkFiniteArray, checkInteger, checkLength, checkNonNegative, type Layer, type ParametricView } from '@phaseflow/core';

/** A linear readout: a core Layer from a feature vector (length N) to an output (length m). */
export interface Readout extends Layer<ArrayLike<number>, Float64Array> {
  readonly name: 'readout';
  readonly inputDim: number;
  readonly outputDim: number;
  /** Wout, m × N row-major. */
  readonly weights: Float64Array;
  /** b, length m. */
  readonly bias: Float64Array;
  /** True once a trainer has set the weights. */
  fitted: boolean;
  /** θ = [Wout (row-major), b]. */
  readonly parameters: ParametricView<ArrayLike<number>, Float64Array>;
  /** Unchecked: out[outOff + k] = Σ_i Wout[k,i]·x[xOff + i] + b[k]. */
  apply(x: Float64Array, xOff: number, out: Float64Array, outOff: number): void;
}

/**
 * Create an (unfitted, zero) readout.
 *
 * @example
 * ```ts
 * const r = createReadout(500, 1);
 * const y = r.forward(state); // Float64Array(1)
 * ```
 */
export function createReadout(inputDim: number, outputDim: number): Readout {
  checkInteger('inputDim', inputDim, { min: 1 });
  checkInteger('outputDim', outputDim, { min: 1 });
  const weights = new Float64Array(inputDim * outputDim);
  const bias = new Float64Array(outputDim);
  const apply = (x: Float64Array, xOff: number, out: Float64Array, outOff: number): void => {
    for (let k = 0; k < outputDim; k++) {
      let s = 0;
      const off = k * inputDim;
      for (let i = 0; i < inputDim; i++) s += weights[off + i]! * x[xOff + i]!;
      out[outOff + k] = s + bias[k]!;
    }
  };
  const size = weights.length + outputDim;
  const readout: Readout = {
    name: 'readout',
    inputDim,
    outputDim,
    weights,
    bias,
    fitted: false,
    apply,
    forward(x) {
      checkFiniteArray('x', x);
      checkLength('x', x, inputDim);
      const out = new Float64Array(outputDim);
      apply(x instanceof Float64Array ? x : Float64Array.from(x), 0, out, 0);
      return out;
    },
    parameters: {
      size,
      get(out) {
        const o = out ?? new Float64Array(size);
        checkLength('out', o, size);
        o.set(weights);
        o.set(bias, weights.length);
        return o;
      },
      set(theta) {
        checkFiniteArray('theta', theta);
        checkLength('theta', theta, size);
        for (let i = 0; i < weights.length; i++) weights[i] = theta[i]!;
        for (let k = 0; k < outputDim; k++) bias[k] = theta[weights.length + k]!;
        readout.fitted = true;
      },
    },
  };
  return readout;
}

/** Streaming sufficient statistics of a least-squares problem (features N, outputs m). */
export interface RidgeAccumulator {
  readonly inputDim: number;
  readonly outputDim: number;
  /** Samples added so far. */
  readonly count: number;
  /** Add one sample (x[xOff…xOff+N), y[yOff…yOff+m)). */
  add(x: Float64Array, xOff: number, y: Float64Array, yOff: number): void;
  /**
   * Solve for ridge λ ≥ 0, writing Wout (m × N) and b into `readout`; returns the training
   * mean squared error (averaged over outputs) computed from the statistics.
   */
  solve(ridge: number, readout: Readout): number;
}


/**
 * The streaming normal equations behind {@link createRidge} (exposed for custom trainers and
 * for sweeps that solve several λ from one pass over the data).
 *
 * @example
 * ```ts
 * const acc = createRidgeAccumulator(3, 1);
 * acc.add(Float64Array.of(1, 2, 3), 0, Float64Array.of(4), 0);
 * ```
 */
export function createRidgeAccumulator(inputDim: number, outputDim: number): RidgeAccumulator {
  const n = checkInteger('inputDim', inputDim, { min: 1 });
  const m = checkInteger('outputDim', outputDim, { min: 1 });
  const Sxx = new Float64Array(n * n); // upper triangle used
  const Cxx = new Float64Array(n * n); // Kahan compensation of Sxx
  const Gb = new Float64Array(n * n); // one block's Gram
  const Sx = new Float64Array(n);
  const Sxy = new Float64Array(n * m);
  const Sy = new Float64Array(m);
  const Syy = new Float64Array(m);
  // Shifts are kept at zero (ReservoirPy's raw-sum centring); see the file comment.
  const kx = new Float64Array(n);
  const ky = new Float64Array(m);
  // Samples per block: larger blocks amortise the Kahan sweep over the n × n sums.
  const BLOCK = n > 1000 ? 128 : 64;
  const bx = new Float64Array(BLOCK * n);
  const by = new Float64Array(BLOCK * m);
  let inBlock = 0;
  let count = 0;

  const flush = (): void => {
    const B = inBlock;
    if (B === 0) return;
    // Gb = XbᵀXb (upper triangle), four samples × four rows per pass, then Sxx += Gb with
    // Kahan compensation: the Gram is then summed almost exactly, whatever the length.
    Gb.fill(0);
    const full = B - (B % 4);
    // Row pairs outermost: the two rows of Gb stay in cache while every sample of the block
    // streams past (for N = 2000, Gb is 32 MB and a sample-outer loop is memory-bound).
    let i = 0;
    // Four rows at a time: 16 register-held entries against each 4-sample column of j.
    for (; i + 3 < n; i += 4) {
      const g0 = i * n, g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
      for (let s = 0; s < full; s += 4) {
        const o0 = s * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        const a0 = bx[o0 + i]!, a1 = bx[o1 + i]!, a2 = bx[o2 + i]!, a3 = bx[o3 + i]!;
        const b0 = bx[o0 + i + 1]!, b1 = bx[o1 + i + 1]!, b2 = bx[o2 + i + 1]!, b3 = bx[o3 + i + 1]!;
        const c0 = bx[o0 + i + 2]!, c1 = bx[o1 + i + 2]!, c2 = bx[o2 + i + 2]!, c3 = bx[o3 + i + 2]!;
        const d0 = bx[o0 + i + 3]!, d1 = bx[o1 + i + 3]!, d2 = bx[o2 + i + 3]!, d3 = bx[o3 + i + 3]!;
        // The upper triangle of the 4 × 4 diagonal block left of column i+3.
        Gb[g0 + i]! += a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3;
        Gb[g0 + i + 1]! += a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3;
        Gb[g0 + i + 2]! += a0 * c0 + a1 * c1 + a2 * c2 + a3 * c3;
        Gb[g1 + i + 1]! += b0 * b0 + b1 * b1 + b2 * b2 + b3 * b3;
        Gb[g1 + i + 2]! += b0 * c0 + b1 * c1 + b2 * c2 + b3 * c3;
        Gb[g2 + i + 2]! += c0 * c0 + c1 * c1 + c2 * c2 + c3 * c3;
        for (let j = i + 3; j < n; j++) {
          const x0 = bx[o0 + j]!, x1 = bx[o1 + j]!, x2 = bx[o2 + j]!, x3 = bx[o3 + j]!;
          Gb[g0 + j]! += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
          Gb[g1 + j]! += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3;
          Gb[g2 + j]! += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
          Gb[g3 + j]! += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3;
        }
      }
    }
    for (; i + 1 < n; i += 2) {
      const gi = i * n, gk = gi + n;
      for (let s = 0; s < full; s += 4) {
        const o0 = s * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        const a0 = bx[o0 + i]!, a1 = bx[o1 + i]!, a2 = bx[o2 + i]!, a3 = bx[o3 + i]!;
        const b0 = bx[o0 + i + 1]!, b1 = bx[o1 + i + 1]!, b2 = bx[o2 + i + 1]!, b3 = bx[o3 + i + 1]!;
        Gb[gi + i]! += a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3;
        for (let j = i + 1; j < n; j++) {
          const x0 = bx[o0 + j]!, x1 = bx[o1 + j]!, x2 = bx[o2 + j]!, x3 = bx[o3 + j]!;
          Gb[gi + j]! += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
          Gb[gk + j]! += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3;
        }
      }
    }
    if (i < n) {
      for (let s = 0; s < full; s += 4) {
        const o0 = s * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        const a0 = bx[o0 + i]!, a1 = bx[o1 + i]!, a2 = bx[o2 + i]!, a3 = bx[o3 + i]!;
        Gb[i * n + i]! += a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3;
      }
    }
    for (let s = full; s < B; s++) {
      const o0 = s * n;
      for (let r = 0; r < n; r++) {
        const a0 = bx[o0 + r]!;
        const gr = r * n;
        for (let j = r; j < n; j++) Gb[gr + j]! += a0 * bx[o0 + j]!;
      }
    }
    for (let i = 0; i < n; i++) {
      const gi = i * n;
      for (let j = i; j < n; j++) {
        const y = Gb[gi + j]! - Cxx[gi + j]!;
        const t = Sxx[gi + j]! + y;
        Cxx[gi + j] = t - Sxx[gi + j]! - y;
        Sxx[gi + j] = t;
      }
    }
    for (let s2 = 0; s2 < B; s2++) {
      const ox = s2 * n, oy = s2 * m;
      for (let i = 0; i < n; i++) {
        const a = bx[ox + i]!;
        Sx[i]! += a;
        for (let k = 0; k < m; k++) Sxy[i * m + k]! += a * by[oy + k]!;
      }
      for (let k = 0; k < m; k++) {
        Sy[k]! += by[oy + k]!;
        Syy[k]! += by[oy + k]! * by[oy + k]!;
      }
    }
    inBlock = 0;
  };

  return {
    inputDim: n,
    outputDim: m,
    get count() {
      return count;
    },
    add(x, xOff, y, yOff) {
      const ox = inBlock * n, oy = inBlock * m;
      for (let i = 0; i < n; i++) bx[ox + i] = x[xOff + i]! - kx[i]!;
      for (let k = 0; k < m; k++) by[oy + k] = y[yOff + k]! - ky[k]!;
      inBlock++;
      count++;
      if (inBlock === BLOCK) flush();
    },
    solve(ridge, readout) {
      checkNonNegative('ridge', ridge);
      if (readout.inputDim !== n || readout.outputDim !== m) {
        throw new PhaseflowError('SHAPE_MISMATCH', `readout: expected ${n} → ${m}, received ${readout.inputDim} → ${readout.outputDim}`, {
          argument: 'readout', expected: `${n} → ${m}`, received: `${readout.inputDim} → ${readout.outputDim}`,
        });
      }
      if (count === 0) {
        throw new PhaseflowError('INVALID_STATE', 'ridge: no training samples (empty sequences, or all inside the warm-up)', {
          argument: 'data', expected: 'at least one sample after warm-up', received: '0 samples',
        });
      }
      flush();
      const T = count;
      const mx = new Float64Array(n), my = new Float64Array(m);
      for (let i = 0; i < n; i++) mx[i] = Sx[i]! / T;
      for (let k = 0; k < m; k++) my[k] = Sy[k]! / T;
      // Centred Gram (lower triangle, row-major) + λI, and centred cross products.
      const G = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const v = Sxx[i * n + j]! - T * mx[i]! * mx[j]!;
          G[j * n + i] = v;
          G[i * n + j] = v;
        }
      }
      const C = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) C[i * m + k] = Sxy[i * m + k]! - T * mx[i]! * my[k]!;
      const L = G.slice();
      for (let i = 0; i < n; i++) L[i * n + i]! += ridge;
      cholesky(L, n);
      const Wt = C.slice(); // n × m, solved in place
      choleskySolve(L, n, Wt, m);
      // Training MSE from the statistics: SSE = ỹᵀỹ − 2wᵀc + wᵀG̃w per output.
      let sse = 0;
      for (let k = 0; k < m; k++) {
        let wc = 0, wgw = 0;
        for (let i = 0; i < n; i++) {
          const wi = Wt[i * m + k]!;
          wc += wi * C[i * m + k]!;
          let gw = 0;
          const gi = i * n;
          for (let j = 0; j < n; j++) gw += G[gi + j]! * Wt[j * m + k]!;
          wgw += wi * gw;
        }
        sse += Syy[k]! - T * my[k]! * my[k]! - 2 * wc + wgw;
      }
      for (let k = 0; k < m; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) {
          const w = Wt[i * m + k]!;
          readout.weights[k * n + i] = w;
          dot += w * (kx[i]! + mx[i]!);
        }
        readout.bias[k] = ky[k]! + my[k]! - dot;
      }
      readout.fitted = true;
      return Math.max(0, sse) / (T * m);
    },
  };
}

/** In-place Cholesky A = LLᵀ of a symmetric row-major n × n matrix (lower triangle written). */
function cholesky(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j]!;
    for (let k = 0; k < j; k++) d -= A[rj + k]! * A[rj + k]!;
    if (!(d > 0)) {
      throw new PhaseflowError(
        'NOT_POSITIVE_DEFINITE',
        `ridge: the normal equations are not positive definite (pivot ${j} is ${d}); the features are collinear — use a ridge > 0`,
        { argument: 'ridge', expected: 'a ridge large enough to make XᵀX + λI positive definite', received: `pivot ${d}` },
      );
    }
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    const inv = 1 / ljj;
    let i = j + 1;
    // Two rows per pass share the loads of row j.
    for (; i + 1 < n; i += 2) {
      const ri = i * n, rk = ri + n;
      let s = A[ri + j]!, t = A[rk + j]!;
      for (let k = 0; k < j; k++) {
        const l = A[rj + k]!;
        s -= A[ri + k]! * l;
        t -= A[rk + k]! * l;
      }
      A[ri + j] = s * inv;
      A[rk + j] = t * inv;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= A[ri + k]! * A[rj + k]!;
      A[ri + j] = s * inv;
    }
  }
}

/** Solve (LLᵀ) X = B in place for B (n × m row-major). */
function choleskySolve(L: Float64Array, n: number, B: Float64Array, m: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < m; k++) {
      let s = B[i * m + k]!;
      for (let j = 0; j < i; j++) s -= L[ri + j]! * B[j * m + k]!;
      B[i * m + k] = s / L[ri + i]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = 0; k < m; k++) {
      let s = B[i * m + k]!;
      for (let j = i + 1; j < n; j++) s -= L[j * n + i]! * B[j * m + k]!;
      B[i * m + k] = s / L[i * n + i]!;
    }
  }
}
