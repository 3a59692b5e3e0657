/**
 * The neural vector field on the float32 engine of @phaseflow/nn64: the field's MLP(s) run on
 * nn64's fused WebAssembly SIMD kernels (matmul + bias + activation in one pass per layer, the
 * reverse pass in two gemms and one derivative pass), the integrator's linear combinations on
 * traced Float64 states (@phaseflow/adjoint's tape). One evaluation keeps its trace in a slot
 * of the engine's workspace, so back-propagation through the solver runs no forward pass twice,
 * and every buffer — weights, slots, gradient scratch — is kept from one training step to the
 * next (an engine is taken for a step and handed back after its backward pass).
 */
import { integrate, type AnyIntegrator } from '@phaseflow/core';
import { createTape, type FieldBackend, type Tape, type Traced } from '@phaseflow/adjoint';
import { activations, createWorkspace32, type KernelActivation, type KernelKind, type Matrix32, type Workspace32 } from '@phaseflow/nn64';
import { boundField, fieldWidths, structuredField, tracedProblems, usesPartitioned, type FieldSpec } from './field.js';

/** An integrator seen only through `step` (the problem kind was checked when the layer was built). */
interface LooseIntegrator {
  step(problem: unknown, t: number, y: unknown, h: number): unknown;
}

/** The inputs of every layer of one evaluation (H[0] = the MLP input), rows in use. */
interface Trace32 {
  readonly H: readonly Matrix32[];
  readonly rows: number;
}

/** One float32 MLP of the field inside an engine's workspace. */
interface Tracer32 {
  /** Parameters of the network. */
  readonly size: number;
  /** Copy this network's weights (θ from `offset`, nn64's layout) into the kernel matrices. */
  load(theta: ArrayLike<number>, offset: number): void;
  /** y = MLP(x) for `rows` rows; `keep`: in a slot of its own (until the engine's slots are released), else in the scratch slot. */
  forward(x: Float64Array, rows: number, keep: boolean): { y: Float64Array; trace: Trace32 };
  /** ∂L/∂x from ∂L/∂y at a traced evaluation, adding ∂L/∂θ into gTheta (this network's slice). */
  pullback(trace: Trace32, gy: Float64Array, gTheta: Float64Array): Float64Array;
  /** Bytes one kept slot holds. */
  readonly slotBytes: number;
}

/** Rows of a Float64 array (row-major, `cols` per row) into a matrix; rows up to the next multiple of four zeroed. */
function rowsIn(m: Matrix32, src: Float64Array, rows: number): void {
  const d = m.data;
  const { cols, stride } = m;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) d[r * stride + j] = src[r * cols + j]!;
  const pad = ((rows + 3) & ~3) * stride;
  if (pad > rows * stride) d.fill(0, rows * stride, pad);
}

function rowsOut(m: Matrix32, rows: number): Float64Array {
  const d = m.data;
  const { cols, stride } = m;
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = d[r * stride + j]!;
  return out;
}

const softplus = activations.softplus.f;

/** The tracer of one MLP of widths `sizes` (hidden activation `activation`, linear output) for up to `capacity` rows. */
function createTracer32(ws: Workspace32, sizes: readonly number[], activation: string, capacity: number, slots: Slots): Tracer32 {
  const L = sizes.length - 1;
  const weights: number[] = [];
  const biases: number[] = [];
  let size = 0;
  for (let l = 0; l < L; l++) {
    weights.push(size);
    size += sizes[l]! * sizes[l + 1]!;
    biases.push(size);
    size += sizes[l + 1]!;
  }
  const fused: KernelActivation | undefined = activation === 'tanh' || activation === 'sigmoid' ? activation : undefined;
  const W = sizes.slice(0, L).map((w, l) => ws.matrix(w, sizes[l + 1]!));
  const WT = sizes.slice(0, L).map((w, l) => ws.matrix(sizes[l + 1]!, w));
  const B = sizes.slice(1).map((w) => ws.matrix(1, w));
  const GW = sizes.slice(0, L).map((w, l) => ws.matrix(w, sizes[l + 1]!));
  const G = sizes.map((w) => ws.matrix(capacity, w));
  const out = ws.matrix(capacity, sizes[L]!);
  const newSlot = () => sizes.slice(0, L).map((w) => ws.matrix(capacity, w));
  const scratch = newSlot();
  const pool: Matrix32[][] = [];
  const slotBytes = sizes.slice(0, L).reduce((n, w) => n + 4 * ((capacity + 3) & ~3) * ((w + 3) & ~3), 0);
  /** σ on a hidden layer's rows when the kernels lack it (softplus). */
  const activateRows = (m: Matrix32, rows: number) => {
    const d = m.data;
    const { cols, stride } = m;
    for (let r = 0; r < rows; r++) for (let j = r * stride, e = j + cols; j < e; j++) d[j] = softplus(d[j]!);
  };
  return {
    size,
    slotBytes,
    load(theta, offset) {
      for (let l = 0; l < L; l++) {
        ws.load(W[l]!, theta, offset + weights[l]!);
        ws.load(WT[l]!, theta, offset + weights[l]!, true);
        ws.load(B[l]!, theta, offset + biases[l]!);
      }
    },
    forward(x, rows, keep) {
      let H = scratch;
      if (keep) {
        const i = slots.take();
        H = pool[i] ??= newSlot();
      }
      rowsIn(H[0]!, x, rows);
      for (let l = 0; l < L; l++) {
        const hidden = l + 1 < L;
        const dst = hidden ? H[l + 1]! : out;
        ws.gemm(H[l]!, W[l]!, dst, { rows, bias: B[l]!, activation: hidden ? (fused ?? 'linear') : 'linear' });
        if (hidden && fused === undefined) activateRows(dst, rows);
      }
      return { y: rowsOut(out, rows), trace: { H, rows } };
    },
    pullback(trace, gy, gTheta) {
      const { H, rows } = trace;
      rowsIn(G[L]!, gy, rows);
      for (let l = L - 1; l >= 0; l--) {
        const g = G[l + 1]!;
        if (l + 1 < L) {
          // through σ of the hidden layer H[l + 1] = σ(z), σ′ read from σ(z)
          if (fused !== undefined) ws.activationGrad(g, H[l + 1]!, fused, rows);
          else {
            const gd = g.data,
              yd = H[l + 1]!.data;
            const { cols, stride } = g;
            for (let r = 0; r < rows; r++) for (let j = r * stride, e = j + cols; j < e; j++) gd[j] = gd[j]! * -Math.expm1(-yd[j]!);
          }
        }
        ws.gemm(H[l]!, g, GW[l]!, { transposeA: true, rows });
        ws.addTo(GW[l]!, gTheta, weights[l]);
        ws.columnSums(g, gTheta, biases[l], rows);
        ws.gemm(g, WT[l]!, G[l]!, { rows });
      }
      return rowsOut(G[0]!, rows);
    },
  };
}

/** The kept-slot counter of an engine: slots are taken in order and released back to a mark. */
interface Slots {
  /** The index of the next kept slot (each tracer holds its own slot at that index). */
  take(): number;
  mark(): number;
  release(mark: number): void;
}

/**
 * @internal An engine: the field's MLP(s) in one nn64 workspace for up to `capacity` rows, the
 * weights loaded once per use ({@link Engine32.begin}) and the kept slots of back-propagation.
 */
export interface Engine32 {
  readonly capacity: number;
  /** Which kernels run (`wasm-simd`, or `js` where WebAssembly SIMD is missing). */
  readonly kernel: KernelKind;
  /** Bytes of the engine's workspace (weights, slots, scratch). */
  readonly bytes: number;
  /** Bytes one kept evaluation holds in the workspace (both MLPs of a partitioned field). */
  readonly evaluationBytes: number;
  /** Load θ (the layer's weights in order) and release every kept slot. */
  begin(theta: ArrayLike<number>): void;
  /** @internal */
  readonly tracers: readonly Tracer32[];
  /** @internal */
  readonly slots: Slots;
}

/** @internal A new engine for `spec` and up to `capacity` rows. */
export function createEngine32(spec: FieldSpec, capacity: number): Engine32 {
  const ws = createWorkspace32();
  let used = 0;
  const slots: Slots = {
    take: () => used++,
    mark: () => used,
    release: (m) => {
      used = m;
    },
  };
  const tracers = fieldWidths(spec).map((w) => createTracer32(ws, w, spec.activation, capacity, slots));
  const evaluationBytes = tracers.reduce((n, t) => n + t.slotBytes, 0);
  return {
    capacity,
    kernel: ws.kind,
    get bytes() {
      return ws.bytes;
    },
    evaluationBytes,
    begin(theta) {
      let off = 0;
      for (const t of tracers) {
        t.load(theta, off);
        off += t.size;
      }
      used = 0;
    },
    tracers,
    slots,
  };
}

/** Problems over traced values on `tape`; `keep`: every evaluation keeps its trace for the tape's backward pass. */
function tracedProblems32(field: ReturnType<typeof structuredField>, tape: Tape, gTheta: Float64Array, keep: boolean) {
  return tracedProblems(boundField(field, keep), tape, gTheta);
}

/**
 * @internal The float32 backend on `engine` (θ loaded by `engine.begin`): states are traced
 * Float64 vectors on `tape`; when `recording` (back-propagation through the solver) every
 * evaluation keeps its trace in a slot of the engine until the tape's backward pass, and ∂L/∂θ
 * from the tape lands in `tapeTheta`. Not recording (the adjoint, reversible and checkpointed
 * modes, inference), evaluations reuse one scratch slot; checkpointing's segments keep theirs
 * on a tape of their own and release them after it.
 */
export function float32Backend(
  spec: FieldSpec,
  integrator: AnyIntegrator,
  engine: Engine32,
  rows: number,
  tape: Tape,
  recording: boolean,
  tapeTheta: Float64Array,
  onEvaluate?: () => void,
): FieldBackend<Traced> {
  const field = structuredField(spec, engine.tracers, rows, onEvaluate);
  const partitioned = usesPartitioned(spec, integrator);
  const integ = integrator as unknown as LooseIntegrator;
  const stepOn = (pr: ReturnType<typeof tracedProblems32>, t: number, y: Traced, h: number): Traced =>
    partitioned ? pr.join(integ.step(pr.part, t, pr.split(y), h) as { q: Traced; p: Traced }) : (integ.step(pr.flat, t, y, h) as Traced);
  const main = tracedProblems32(field, tape, tapeTheta, recording);
  const stepsVjp = (t: number, y: Traced, h: number, n: number, a: Traced): [Traced, Traced] => {
    const mark = engine.slots.mark();
    try {
      const sub = createTape();
      const g = new Float64Array(field.P);
      const pr = tracedProblems32(field, sub, g, true);
      const y0 = sub.leaf(y.v.slice());
      let z = y0;
      for (let i = 0; i < n; i++) z = stepOn(pr, t + i * h, z, h);
      z.g = a.v.slice();
      sub.backward();
      return [tape.leaf(y0.g ?? new Float64Array(y.v.length)), tape.leaf(g)];
    } finally {
      engine.slots.release(mark);
    }
  };
  return {
    space: main.space,
    tidy: (fn) => fn(),
    release: () => {},
    f: (t, y) => tape.leaf(field.f(t, y.v, false).y),
    vjp(t, y, a) {
      const g = new Float64Array(field.P);
      const gy = field.f(t, y.v, false).pull(a.v, g);
      return [tape.leaf(gy), tape.leaf(g)];
    },
    valueAndVjp(t, y, a) {
      const g = new Float64Array(field.P);
      const r = field.f(t, y.v, false);
      return [tape.leaf(r.y), tape.leaf(r.pull(a.v, g)), tape.leaf(g)];
    },
    step: (t, y, h) => stepOn(main, t, y, h),
    stepVjp: (t, y, h, a) => stepsVjp(t, y, h, 1, a),
    stepsVjp,
    solve(t0, times, y, options) {
      const o = { t0, tEnd: times[times.length - 1]!, adaptive: options, save: { times } };
      if (!partitioned) return integrate(integrator as never, main.flat as never, y as never, o).y as Traced[];
      return (integrate(integrator as never, main.part as never, main.split(y) as never, o).y as { q: Traced; p: Traced }[]).map((z) => main.join(z));
    },
    thetaZeros: () => tape.leaf(new Float64Array(field.P)),
  };
}
