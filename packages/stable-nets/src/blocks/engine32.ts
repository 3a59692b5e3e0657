/**
 * The stable blocks on the float32 engine of @phaseflow/nn64: the same steps as the tf layers
 * (the same rescaled states, in the same order), each product one fused kernel of an nn64
 * workspace, with the reverse pass written out. Internal to the package: reached through
 * `StableBlock.toTrainable32()`.
 */
import { invalid } from '@phaseflow/core';
import { createWorkspace32, type KernelActivation, type Matrix32, type Trainable32, type Workspace32 } from '@phaseflow/nn64';

/** The blocks with a float32 twin. */
export type BlockKind32 = 'resnet' | 'antisymmetric' | 'hamiltonian' | 'leapfrog' | 'parabolic';

/** @internal What a block twin needs: the block's configuration and its weights (copied). */
export interface BlockSpec32 {
  readonly kind: BlockKind32;
  readonly depth: number;
  readonly h: number;
  readonly width: number;
  readonly activation: KernelActivation;
  readonly shared: boolean;
  /** γ of the antisymmetric block. */
  readonly gamma: number;
  /** θ = (K [m, w, w], b [m, w]) row-major, m = depth or 1. */
  readonly theta: Float32Array;
  /** Threads of the workspace's large products (createWorkspace32's `threads`). */
  readonly threads: 1 | 2;
}

interface Tape {
  readonly capacity: number;
  readonly ws: Workspace32;
  /** States along the flow (per kind, see forward). */
  readonly S: Matrix32[];
  /** Activation outputs σ(·) per step. */
  readonly A: Matrix32[];
  /** Second stream (hamiltonian: V_j, and its kicks P_j in P). */
  readonly V: Matrix32[];
  readonly P: Matrix32[];
  /** Adjoints (leapfrog: one per state). */
  readonly G: Matrix32[];
  readonly Zbar: Matrix32;
  readonly Sbar: Matrix32;
  readonly K: Matrix32[];
  readonly KT: Matrix32[];
  readonly B: Matrix32[];
  readonly GK: Matrix32;
  readonly out: Float32Array;
}

/** m[0:rows] ← src (compact rows), the padding rows zeroed. */
function rowsIn(m: Matrix32, src: Float32Array, rows: number, scale = 1): void {
  const d = m.data;
  const { cols, stride } = m;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) d[r * stride + j] = scale * src[r * cols + j]!;
  d.fill(0, rows * stride, ((rows + 3) & ~3) * stride);
}

function rowsOut(m: Matrix32, dst: Float32Array, rows: number, scale = 1): void {
  const d = m.data;
  const { cols, stride } = m;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) dst[r * cols + j] = scale * d[r * stride + j]!;
}

/** dst ← src (whole matrices). */
const copy = (dst: Matrix32, src: Matrix32): void => dst.data.set(src.data);

/**
 * @internal A block's map Y_0 ↦ Y_N as a Trainable32 on rows of w features. The kernels the
 * steps use are K̃_j = c·T(K_j) (c = h for the rescaled ResNet, antisymmetric and Hamiltonian
 * blocks, 1 otherwise; T(K) = ½(K − Kᵀ) − γI for the antisymmetric block), so
 * ∂L/∂K_j = c·Tᵀ(∂L/∂K̃_j) with Tᵀ(G) = ½(G − Gᵀ).
 */
export function createBlockEngine32(spec: BlockSpec32): Trainable32 {
  const { kind, depth: N, h, width: w, activation, shared, gamma, theta } = spec;
  const threads = spec.threads;
  const m = shared ? 1 : N;
  const size = m * w * w + m * w;
  if (theta.length !== size) invalid('theta', `${size} block parameters`, theta.length, 'SHAPE_MISMATCH');
  const c = kind === 'leapfrog' || kind === 'parabolic' ? 1 : h;
  const at = (j: number): number => (shared ? 0 : j);
  const kt = new Float32Array(w * w);
  const kbar = new Float64Array(m * w * w);
  const bbar = new Float64Array(m * w);

  let tape: Tape | undefined;
  const tapeFor = (rows: number): Tape => {
    if (tape !== undefined && tape.capacity >= rows) return tape;
    tape?.ws.close();
    const ws = createWorkspace32({ threads });
    const many = (count: number): Matrix32[] => Array.from({ length: count }, () => ws.matrix(rows, w));
    const hamiltonian = kind === 'hamiltonian';
    tape = {
      capacity: rows,
      ws,
      S: many(N + 1),
      A: many(N),
      V: hamiltonian ? many(N) : [],
      P: hamiltonian ? many(N) : [],
      G: kind === 'leapfrog' ? many(N + 1) : many(2),
      Zbar: ws.matrix(rows, w),
      Sbar: ws.matrix(rows, w),
      K: Array.from({ length: m }, () => ws.matrix(w, w)),
      KT: Array.from({ length: m }, () => ws.matrix(w, w)),
      B: Array.from({ length: m }, () => ws.matrix(1, w)),
      GK: ws.matrix(w, w),
      out: new Float32Array(rows * w),
    };
    return tape;
  };
  let recorded = 0;

  /** Pack K̃_i (and its transpose) and b_i from θ. */
  const pack = (t: Tape): void => {
    for (let i = 0; i < m; i++) {
      const o = i * w * w;
      for (let a = 0; a < w; a++)
        for (let b = 0; b < w; b++) {
          const k = theta[o + a * w + b]!;
          kt[a * w + b] = kind === 'antisymmetric' ? c * (0.5 * (k - theta[o + b * w + a]!) - (a === b ? gamma : 0)) : c * k;
        }
      t.ws.load(t.K[i]!, kt);
      t.ws.load(t.KT[i]!, kt, 0, true);
      t.ws.load(t.B[i]!, theta, m * w * w + i * w);
    }
  };

  const forward = (x: Float32Array, rows: number): Tape => {
    const t = tapeFor(rows);
    pack(t);
    const { ws, S, A, V, P, K, KT, B } = t;
    const act = activation;
    if (kind === 'resnet' || kind === 'antisymmetric') {
      // U_0 = Y_0/h; U_{j+1} = U_j + σ(U_j K̃ᵀ + b).
      rowsIn(S[0]!, x, rows, 1 / h);
      for (let j = 0; j < N; j++) {
        ws.gemm(S[j]!, KT[at(j)]!, A[j]!, { rows, bias: B[at(j)]!, activation: act });
        copy(S[j + 1]!, S[j]!);
        ws.axpy(1, A[j]!, S[j + 1]!, rows);
      }
      rowsOut(S[N]!, t.out, rows, h);
    } else if (kind === 'hamiltonian') {
      // P_j = σ(U_j K̃ + b), V_0 = −½P_0, V_j = V_{j−1} − P_j; A_j = σ(V_j K̃ᵀ + b), U_{j+1} = U_j + A_j.
      rowsIn(S[0]!, x, rows, 1 / h);
      for (let j = 0; j < N; j++) {
        ws.gemm(S[j]!, K[at(j)]!, P[j]!, { rows, bias: B[at(j)]!, activation: act });
        if (j === 0) {
          V[0]!.data.fill(0);
          ws.axpy(-0.5, P[0]!, V[0]!, rows);
        } else {
          copy(V[j]!, V[j - 1]!);
          ws.axpy(-1, P[j]!, V[j]!, rows);
        }
        ws.gemm(V[j]!, KT[at(j)]!, A[j]!, { rows, bias: B[at(j)]!, activation: act });
        copy(S[j + 1]!, S[j]!);
        ws.axpy(1, A[j]!, S[j + 1]!, rows);
      }
      rowsOut(S[N]!, t.out, rows, h);
    } else {
      // leapfrog: Y_{j+1} = 2Y_j − Y_{j−1} − h² A_j K, A_j = σ(Y_j Kᵀ + b), Y_{−1} = Y_0;
      // parabolic: Y_{j+1} = Y_j − h A_j K.
      rowsIn(S[0]!, x, rows);
      for (let j = 0; j < N; j++) {
        ws.gemm(S[j]!, KT[at(j)]!, A[j]!, { rows, bias: B[at(j)]!, activation: act });
        const next = S[j + 1]!;
        if (kind === 'leapfrog') {
          next.data.fill(0);
          ws.axpy(2, S[j]!, next, rows);
          ws.axpy(-1, S[Math.max(0, j - 1)]!, next, rows);
          // next −= h² A_j K: through the scratch Sbar = A_j K.
          ws.gemm(A[j]!, K[at(j)]!, t.Sbar, { rows });
          ws.axpy(-h * h, t.Sbar, next, rows);
        } else {
          copy(next, S[j]!);
          ws.gemm(A[j]!, K[at(j)]!, t.Sbar, { rows });
          ws.axpy(-h, t.Sbar, next, rows);
        }
      }
      rowsOut(S[N]!, t.out, rows);
    }
    recorded = rows;
    return t;
  };

  /** K̃̄_i += (Aᵀ·B) through the scratch GK. */
  const addKernelGrad = (t: Tape, a: Matrix32, b: Matrix32, i: number, rows: number): void => {
    t.ws.gemm(a, b, t.GK, { transposeA: true, rows });
    t.ws.addTo(t.GK, kbar, i * w * w);
  };

  const backward = (gy: Float32Array, gTheta: Float32Array, gx?: Float32Array): void => {
    const t = tape!;
    const rows = recorded;
    const { ws, S, A, V, P, G, Zbar, Sbar, K, KT } = t;
    kbar.fill(0);
    bbar.fill(0);
    if (kind === 'resnet' || kind === 'antisymmetric') {
      const ub = G[0]!;
      rowsIn(ub, gy, rows, h);
      for (let j = N - 1; j >= 0; j--) {
        const i = at(j);
        copy(Zbar, ub);
        ws.activationGrad(Zbar, A[j]!, activation, rows);
        addKernelGrad(t, Zbar, S[j]!, i, rows);
        ws.columnSums(Zbar, bbar, i * w, rows);
        ws.gemm(Zbar, K[i]!, ub, { rows, accumulate: true });
      }
      if (gx) rowsOut(ub, gx, rows, 1 / h);
    } else if (kind === 'hamiltonian') {
      const ub = G[0]!,
        vb = G[1]!;
      rowsIn(ub, gy, rows, h);
      vb.data.fill(0);
      for (let j = N - 1; j >= 0; j--) {
        const i = at(j);
        // U_{j+1} = U_j + σ(V_j K̃ᵀ + b)
        copy(Zbar, ub);
        ws.activationGrad(Zbar, A[j]!, activation, rows);
        addKernelGrad(t, Zbar, V[j]!, i, rows);
        ws.columnSums(Zbar, bbar, i * w, rows);
        ws.gemm(Zbar, K[i]!, vb, { rows, accumulate: true });
        // V_j = V_{j−1} − P_j (V_0 = −½P_0): P̄ = −v̄ (−½v̄).
        Zbar.data.fill(0);
        ws.axpy(j === 0 ? -0.5 : -1, vb, Zbar, rows);
        // P_j = σ(U_j K̃ + b)
        ws.activationGrad(Zbar, P[j]!, activation, rows);
        addKernelGrad(t, S[j]!, Zbar, i, rows);
        ws.columnSums(Zbar, bbar, i * w, rows);
        ws.gemm(Zbar, KT[i]!, ub, { rows, accumulate: true });
      }
      if (gx) rowsOut(ub, gx, rows, 1 / h);
    } else if (kind === 'leapfrog') {
      for (const g of G) g.data.fill(0);
      rowsIn(G[N]!, gy, rows);
      for (let j = N - 1; j >= 0; j--) {
        const i = at(j);
        const gn = G[j + 1]!;
        // Y_{j+1} = 2Y_j − Y_{j−1} − h² A_j K
        ws.axpy(2, gn, G[j]!, rows);
        ws.axpy(-1, gn, G[Math.max(0, j - 1)]!, rows);
        // F̄ = −h² ȳ_{j+1}: Ā = F̄ Kᵀ, K̃̄ += Aᵀ F̄; Z̄ = Ā ⊙ σ′, K̃̄ += Z̄ᵀ Y_j, ȳ_j += Z̄ K.
        Sbar.data.fill(0);
        ws.axpy(-h * h, gn, Sbar, rows);
        addKernelGrad(t, A[j]!, Sbar, i, rows);
        ws.gemm(Sbar, KT[i]!, Zbar, { rows });
        ws.activationGrad(Zbar, A[j]!, activation, rows);
        addKernelGrad(t, Zbar, S[j]!, i, rows);
        ws.columnSums(Zbar, bbar, i * w, rows);
        ws.gemm(Zbar, K[i]!, G[j]!, { rows, accumulate: true });
      }
      if (gx) rowsOut(G[0]!, gx, rows);
    } else {
      const yb = G[0]!;
      rowsIn(yb, gy, rows);
      for (let j = N - 1; j >= 0; j--) {
        const i = at(j);
        // Y_{j+1} = Y_j − h A_j K
        Sbar.data.fill(0);
        ws.axpy(-h, yb, Sbar, rows);
        addKernelGrad(t, A[j]!, Sbar, i, rows);
        ws.gemm(Sbar, KT[i]!, Zbar, { rows });
        ws.activationGrad(Zbar, A[j]!, activation, rows);
        addKernelGrad(t, Zbar, S[j]!, i, rows);
        ws.columnSums(Zbar, bbar, i * w, rows);
        ws.gemm(Zbar, K[i]!, yb, { rows, accumulate: true });
      }
      if (gx) rowsOut(yb, gx, rows);
    }
    // ∂L/∂K_i = c·Tᵀ(K̃̄_i), ∂L/∂b_i.
    for (let i = 0; i < m; i++) {
      const o = i * w * w;
      for (let a = 0; a < w; a++)
        for (let b = 0; b < w; b++) {
          const g = kbar[o + a * w + b]!;
          gTheta[o + a * w + b] += kind === 'antisymmetric' ? c * 0.5 * (g - kbar[o + b * w + a]!) : c * g;
        }
    }
    for (let i = 0; i < m * w; i++) gTheta[m * w * w + i] += bbar[i]!;
  };

  return {
    name: `${kind}Block32(depth ${N}, width ${w})`,
    inputs: w,
    outputs: w,
    theta,
    kernel: createWorkspace32Kind(),
    /** What runs: the workspace's threads once there is one (1 where a helper cannot start), the asked-for count before. */
    get threads() {
      return tape?.ws.threads ?? threads;
    },
    forwardTape(x, rows) {
      if (!(x instanceof Float32Array) || x.length < rows * w) invalid('x', `a Float32Array of at least ${rows * w} numbers`, x, 'SHAPE_MISMATCH');
      const t = forward(x, rows);
      return t.out.subarray(0, rows * w);
    },
    backwardTape(gy, gTheta, gx) {
      if (recorded === 0) invalid('backwardTape', 'a forwardTape call first', 'no recorded forward pass', 'INVALID_STATE');
      if (!(gy instanceof Float32Array) || gy.length < recorded * w) invalid('gy', `a Float32Array of at least ${recorded * w} numbers`, gy, 'SHAPE_MISMATCH');
      if (!(gTheta instanceof Float32Array) || gTheta.length < size) invalid('gTheta', `a Float32Array of at least ${size} numbers`, gTheta, 'SHAPE_MISMATCH');
      if (gx !== undefined && (!(gx instanceof Float32Array) || gx.length < recorded * w))
        invalid('gx', `a Float32Array of at least ${recorded * w} numbers`, gx, 'SHAPE_MISMATCH');
      backward(gy, gTheta, gx);
    },
  };
}

/** The kernels a default workspace runs (one probe per process, the module is cached by nn64). */
let kindCache: Trainable32['kernel'] | undefined;
function createWorkspace32Kind(): Trainable32['kernel'] {
  kindCache ??= createWorkspace32().kind;
  return kindCache;
}
