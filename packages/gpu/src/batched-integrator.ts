/**
 * Batched integrators: B independent copies of a small system, each with its own parameters,
 * advanced n fixed steps in ONE kernel launch per group of four components — no launch per
 * stage, no launch per step, the state read back once per call. They play core's Integrator
 * role over {@link BatchedState}, so `integrate`, its save points and Observers work unchanged.
 */
import { call, createKernel, input, preferFlatOutput, type GPU, type Kernel } from './gpujs.js';
import {
  PhaseflowError,
  checkFinite,
  checkFunction,
  checkInteger,
  checkOptions,
  checkStep,
  integrate,
  invalid,
  odeProblem,
  separableHamiltonian,
  type Integrator,
  type IntegrateOptions,
  type PhaseState,
  type Problem,
  type Solution,
} from '@phaseflow/core';
import { kernelBackend, resolveBackend, type GpuBackend, type GpuBackendName } from './backend.js';
import { checkShape, createBatchedSpace, type BatchedSpace, type BatchedState } from './batched-state.js';
import { fieldNotCompilable, limitExceeded } from './errors.js';
import { parseField, type ParsedField } from './field-source.js';
import { componentGroups, rungeKuttaKernel, splittingKernel } from './kernel-source.js';
import { resolveBatchedMethod, type BatchedMethod } from './methods.js';

/** Numbers a field reads: a Float64Array in the Float64 reference, kernel registers on a backend. */
export type FieldVector = ArrayLike<number>;

/**
 * y' = f(t, y, p) for one member, in the gpu.js kernel subset: read `y[k]`, `p[k]` with integer
 * literals k, use `Math.*`, local `const`/`let`, `if`; the last statement returns the D
 * derivatives as an array literal.
 */
export type BatchedOdeField = (t: number, y: FieldVector, p: FieldVector) => number[];

/** A separable Hamiltonian H = T(p) + V(q) per member, for splitting methods. */
export interface BatchedSeparableField {
  /** ∂V/∂q(q, params): the `dimension` force gradients, in the same subset. */
  readonly dVdq: (q: FieldVector, params: FieldVector) => number[];
  /** ∂T/∂p(p, params); omitted means T = |p|²/2 (unit masses: ∂T/∂p = p). */
  readonly dTdp?: (p: FieldVector, params: FieldVector) => number[];
}

/** Options of {@link createBatchedIntegrator}. */
export interface BatchedIntegratorOptions {
  /**
   * The method: a name (`'rk4'`, `'euler'`, `'leapfrog'`, `'yoshida6'`, …; see
   * `batchedMethodNames()`), a Runge–Kutta or splitting integrator of the families, or a
   * Butcher tableau (`RK4` from @phaseflow/runge-kutta).
   */
  readonly method: unknown;
  /** A {@link BatchedOdeField} for Runge–Kutta methods, a {@link BatchedSeparableField} for splitting methods. */
  readonly field: BatchedOdeField | BatchedSeparableField;
  /** Components per member of y (Runge–Kutta), or of q (splitting: the state is (q, p), 2·dimension numbers). */
  readonly dimension: number;
  /** One row of parameters per member (sweeps, ensembles); every row of the same length. */
  readonly parameters?: readonly FieldVector[];
  /** Number of members B when there are no parameters (else the number of rows). */
  readonly members?: number;
  /** A backend from `chooseGpuBackend` / `useBestGpuBackend`, or a name (default: `chooseGpuBackend()`). */
  readonly backend?: GpuBackend | GpuBackendName;
  /** Energy of one member (Float64, on the host), for `energies` and the problem's total energy. */
  readonly energy?: (y: Float64Array, p: Float64Array) => number;
  /**
   * Inline `Math.sin` / `Math.cos` as float32 polynomials (default true; ≤ 1.4·ε₃₂ absolute
   * for |x| ≤ 200). webasm calls the Math functions through JavaScript imports, which costs
   * its SIMD path (7× on a pendulum); false keeps gpu.js's own Math calls.
   */
  readonly inlineMath?: boolean;
  /** Most steps one kernel launch takes (default 4096); longer advances take several launches. */
  readonly stepsPerLaunch?: number;
  /** A name for reports (default `batched-<method>`). */
  readonly name?: string;
}

/** The problem a batched integrator solves: its own field, over its own batched space. */
export interface BatchedProblem extends Problem<BatchedState> {
  readonly kind: 'batched';
  readonly space: BatchedSpace;
  /** Σ over members of the member energy (when `energy` was given), summed in Float64. */
  readonly energy?: (y: BatchedState) => number;
}

/** The Float64 reference of a batched integrator: the same method and field on the CPU in Float64. */
export interface Float64Reference {
  /** The family's Float64 integrator with the same coefficients. */
  readonly integrator: Integrator<never, never>;
  /**
   * Integrate from `y0` with core's `integrate`, the same options as the batched run; the saved
   * states come back member-major (B·D Float64Arrays, the layout of BatchedState.values).
   */
  integrate(y0: BatchedState, options: IntegrateOptions): { readonly t: number[]; readonly y: Float64Array[]; readonly solution: Solution<unknown> };
}

/** A batched integrator: an Integrator over BatchedState, with its problem and space. */
export interface BatchedIntegrator extends Integrator<BatchedProblem, BatchedState> {
  /** Pass this to `integrate` with a state of {@link BatchedIntegrator.space}. */
  readonly problem: BatchedProblem;
  readonly space: BatchedSpace;
  readonly backend: GpuBackend;
  /** The backend the kernels actually run on (gpu.js may degrade a kernel to cpu; `fallbackReason` says why). */
  readonly runsOn: GpuBackendName | 'unknown';
  readonly fallbackReason: string | undefined;
  /**
   * How a launch's result comes back: `flat` (webasm: one Float32Array, copied once) or `rows`
   * (gpu.js's nested rows, copied member by member).
   */
  readonly readback: 'flat' | 'rows';
  readonly method: { readonly kind: BatchedMethod['kind']; readonly name: string; readonly order: number };
  readonly members: number;
  /** Components per member of the state (2·dimension for splitting methods). */
  readonly components: number;
  readonly parameterCount: number;
  /** The generated kernel sources, one per group of four components. */
  readonly kernelSources: readonly string[];
  /** A state of this integrator's shape (B·D numbers member-major, or B rows). */
  state(values?: ArrayLike<number> | readonly FieldVector[]): BatchedState;
  /** Replace every member's parameters (same shape as at creation). */
  setParameters(parameters: readonly FieldVector[]): void;
  /** Energy of every member (needs `energy`). */
  energies(y: BatchedState): Float64Array;
  /**
   * `advance` under the Promise contract: on webgpu (whose kernels are asynchronous) and, on
   * webasm, with gpu.js's worker pool splitting the batch over threads.
   */
  advanceAsync(t: number, y: BatchedState, h: number, n: number, out?: BatchedState): Promise<BatchedState>;
  /** The Float64 reference: the family's integrator on the same field, in Float64 on the CPU. */
  float64Reference(): Float64Reference;
  /** One step: an `advance` of one step (one launch). */
  step(problem: BatchedProblem, t: number, y: BatchedState, h: number, out?: BatchedState): BatchedState;
  /** n steps of size h from (t, y) in ⌈n / stepsPerLaunch⌉ launches, the state read back once per launch. */
  advance(problem: BatchedProblem, t: number, y: BatchedState, h: number, n: number, out?: BatchedState): BatchedState;
  /** Release the kernels (the backend's gpu.js instance stays). */
  destroy(): void;
}

const KEYS = ['method', 'field', 'dimension', 'parameters', 'members', 'backend', 'energy', 'inlineMath', 'stepsPerLaunch', 'name'];
/** Components per member this package generates kernels for (every stage inlines the field over all of them). */
export const MAX_COMPONENTS = 64;
/** Numbers a launch keeps per member (state, parameters) times members: the webasm memory of one kernel. */
const MAX_NUMBERS = 2 ** 28;

function readParameters(
  argument: string,
  rows: unknown,
  members: number | undefined,
): { members: number; count: number; values: Float32Array; rows64: Float64Array } {
  if (rows === undefined) {
    if (members === undefined) invalid('options.members', 'the number of members (or options.parameters, one row per member)', members);
    return { members, count: 0, values: new Float32Array(members), rows64: new Float64Array(0) };
  }
  if (!Array.isArray(rows) || rows.length === 0) invalid(argument, 'a non-empty array of parameter rows, one per member', rows);
  const B = rows.length;
  if (members !== undefined && members !== B) {
    throw new PhaseflowError('SHAPE_MISMATCH', `options.members is ${members} but ${argument} has ${B} rows; they must agree`, {
      argument: 'options.members',
      expected: `${B} (the rows of ${argument})`,
      received: String(members),
    });
  }
  const first = rows[0] as FieldVector;
  if (first === null || typeof first !== 'object' || typeof first.length !== 'number') invalid(`${argument}[0]`, 'an array of numbers', first);
  const P = first.length;
  const values = new Float32Array(B * Math.max(P, 1));
  const rows64 = new Float64Array(B * P);
  for (let m = 0; m < B; m++) {
    const row = rows[m] as FieldVector;
    if (row === null || typeof row !== 'object' || row.length !== P) {
      throw new PhaseflowError(
        'SHAPE_MISMATCH',
        `${argument}[${m}]: expected ${P} parameters (as row 0), received ${row === null || typeof row !== 'object' ? typeof row : `length ${row.length}`}`,
        {
          argument: `${argument}[${m}]`,
          expected: `length ${P}`,
          received: String((row as FieldVector | null)?.length),
        },
      );
    }
    for (let k = 0; k < P; k++) {
      const v = row[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        invalid(`${argument}[${m}][${k}]`, 'a finite number', v, typeof v === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
      }
      rows64[m * P + k] = v;
      values[m * Math.max(P, 1) + k] = v;
    }
  }
  return { members: B, count: P, values, rows64 };
}

interface Compiled {
  readonly sources: string[];
  readonly fields: ParsedField[];
}

function compileSources(method: BatchedMethod, field: unknown, dimension: number, parameters: number, inlineMath: boolean): Compiled {
  const D = method.kind === 'splitting' ? 2 * dimension : dimension;
  const groups = componentGroups(D);
  if (method.kind === 'runge-kutta') {
    const parsed = parseField('options.field', field, { minParams: 2, maxParams: 3, entries: dimension });
    return {
      fields: [parsed],
      sources: groups.map(([from, to]) => rungeKuttaKernel('options.field', parsed, method.tableau, method.stages, D, parameters, from, to, inlineMath)),
    };
  }
  const f = field as BatchedSeparableField | null;
  if (f === null || typeof f !== 'object' || typeof f.dVdq !== 'function') {
    fieldNotCompilable('options.field', `method ${method.name} is a splitting method: the field must be { dVdq(q, params), dTdp?(p, params) }`);
  }
  checkOptions('options.field', f, ['dVdq', 'dTdp']);
  const dVdq = parseField('options.field.dVdq', f.dVdq, { minParams: 1, maxParams: 2, entries: dimension });
  const dTdp = f.dTdp === undefined ? undefined : parseField('options.field.dTdp', f.dTdp, { minParams: 1, maxParams: 2, entries: dimension });
  return {
    fields: dTdp ? [dVdq, dTdp] : [dVdq],
    sources: groups.map(([from, to]) => splittingKernel('options.field', dVdq, dTdp, method.sequence, dimension, parameters, from, to, inlineMath)),
  };
}

/** Copy a kernel result (B rows of k numbers, B numbers when k = 1, or B·k flat numbers) into components [from, to) of `out`. */
function scatter(result: unknown, from: number, to: number, D: number, B: number, out: Float32Array): void {
  const k = to - from;
  if (result instanceof Float32Array && result.length === B * k && k > 1) {
    if (k === D) out.set(result);
    else for (let m = 0; m < B; m++) for (let i = 0; i < k; i++) out[m * D + from + i] = result[m * k + i]!;
    return;
  }
  if (k === 1) {
    const r = result as ArrayLike<number>;
    for (let m = 0; m < B; m++) out[m * D + from] = r[m]!;
    return;
  }
  const rows = result as Float32Array[];
  const r0 = rows[0]!;
  const rl = rows[B - 1]!;
  if (k === D && r0.buffer === rl.buffer && rl.byteOffset === r0.byteOffset + (B - 1) * k * 4) {
    // webasm shapes its output as views of one packed buffer: one copy.
    out.set(new Float32Array(r0.buffer, r0.byteOffset, B * k));
    return;
  }
  for (let m = 0; m < B; m++) {
    const r = rows[m]!;
    for (let i = 0; i < k; i++) out[m * D + from + i] = r[i]!;
  }
}

/**
 * Build a batched integrator: B members of one small system (Lorenz-63 for a parameter
 * sweep, a grid of pendulums, the members of an ensemble), each with its own parameters,
 * advanced `n` fixed steps per kernel launch with the state in registers and compensated
 * updates. Methods: every explicit tableau of @phaseflow/runge-kutta (Euler, midpoint, Heun,
 * Ralston, RK4, 3/8, and the pairs' propagated weights at fixed steps) and every explicit
 * splitting method of @phaseflow/symplectic (leapfrog/Störmer–Verlet, Ruth, Forest–Ruth,
 * Yoshida, Kahan–Li, …), their coefficients read from those packages' exports.
 *
 * The field is inlined into the generated kernel (see the README, "Writing a field"); a field
 * outside that form, or one gpu.js cannot compile, fails at creation with
 * FIELD_NOT_COMPILABLE (gpu.js's error as `cause`). Float32 throughout: compare with
 * {@link BatchedIntegrator.float64Reference} under the package's float32 contract.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * const lorenz = (t: number, y: FieldVector, p: FieldVector) => [p[0] * (y[1] - y[0]), y[0] * (p[1] - y[2]) - y[1], y[0] * y[1] - p[2] * y[2]];
 * const rhos = Array.from({ length: 1000 }, (_, m) => [10, 20 + m / 100, 8 / 3]);
 * const batch = createBatchedIntegrator({ method: 'rk4', field: lorenz, dimension: 3, parameters: rhos });
 * const y0 = batch.state(rhos.map(() => [1, 1, 1]));
 * const sol = integrate(batch, batch.problem, y0, { tEnd: 10, h: 0.001, save: { every: 1000 } });
 * sol.yFinal.values; // 1000 × 3 float32, member-major
 * ```
 */
export function createBatchedIntegrator(options: BatchedIntegratorOptions): BatchedIntegrator {
  const o = checkOptions('options', options, KEYS);
  if (o === undefined || (o as unknown) === null) invalid('options', 'an options object', options);
  const method = resolveBatchedMethod('options.method', o.method);
  const dimension = checkInteger('options.dimension', o.dimension, { min: 1 });
  const D = method.kind === 'splitting' ? 2 * dimension : dimension;
  if (D > MAX_COMPONENTS)
    limitExceeded(method.kind === 'splitting' ? 'options.dimension (×2 for (q, p))' : 'options.dimension', 'limit on components per member', D, MAX_COMPONENTS);
  const members = o.members === undefined ? undefined : checkInteger('options.members', o.members, { min: 1 });
  const params = readParameters('options.parameters', o.parameters, members);
  const B = params.members;
  const P = params.count;
  const Pc = Math.max(P, 1);
  if (B * (D + Pc) > MAX_NUMBERS)
    limitExceeded('options.members', `limit on members × (components + parameters) = ${MAX_NUMBERS} numbers`, B, Math.floor(MAX_NUMBERS / (D + Pc)));
  const stepsPerLaunch = o.stepsPerLaunch === undefined ? 4096 : checkInteger('options.stepsPerLaunch', o.stepsPerLaunch, { min: 1 });
  if (o.energy !== undefined) checkFunction('options.energy', o.energy);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0)) invalid('options.name', 'a non-empty string', o.name);
  const backend = resolveBackend('options.backend', o.backend);
  const maxTexture = (backend.gpu.Kernel as unknown as { features?: { maxTextureSize?: number } }).features?.maxTextureSize;
  if (maxTexture !== undefined && B > maxTexture * maxTexture)
    limitExceeded('options.members', `${backend.name} output texture limit (maxTextureSize²)`, B, maxTexture * maxTexture);

  const inlineMath = o.inlineMath === undefined ? true : o.inlineMath;
  if (typeof inlineMath !== 'boolean') invalid('options.inlineMath', 'a boolean', inlineMath);
  const compiled = compileSources(method, o.field, dimension, P, inlineMath);
  const groups = componentGroups(D);
  const space = createBatchedSpace(B, D);
  const gpu: GPU = backend.gpu;
  let paramValues = params.values;
  let rows64 = params.rows64;

  let flat = true;
  const makeKernel = (source: string, k: number, asyncMode: boolean): Kernel => {
    const kernel = createKernel(gpu, source, {
      output: [B],
      returnType: k === 1 ? 'Number' : `Array(${k})`,
      loopMaxIterations: stepsPerLaunch,
      tactic: 'precision',
      precision: 'single',
      immutable: true,
      ...(asyncMode && { asyncMode: true }),
    });
    flat = preferFlatOutput(kernel) && flat;
    return kernel;
  };

  const args = (values: Float32Array, t: number, h: number, n: number) => [input(values, [D, B]), input(paramValues, [Pc, B]), t, h, n] as const;

  let kernels: Kernel[] = [];
  let runsOn: GpuBackendName | 'unknown' = backend.name;
  let fallbackReason: string | undefined;
  try {
    kernels = compiled.sources.map((source, g) => makeKernel(source, groups[g]![1] - groups[g]![0], backend.asynchronous));
    if (!backend.asynchronous) {
      // Build now (a zero-step launch), so a field gpu.js cannot compile fails at creation.
      const zero = new Float32Array(B * D);
      for (const k of kernels) call(k, args(zero, 0, 0, 0));
      runsOn = kernelBackend(kernels[0]);
      const reason = (kernels[0] as unknown as { kernel?: { fallbackReason?: unknown } }).kernel?.fallbackReason;
      if (typeof reason === 'string') fallbackReason = reason;
    }
  } catch (e) {
    for (const k of kernels) k.destroy?.();
    fieldNotCompilable('options.field', `gpu.js could not compile the ${method.name} kernel on ${backend.name}`, e);
  }
  let asyncKernels: Kernel[] | undefined;

  const checkState = (argument: string, y: unknown): BatchedState => {
    const s = y as BatchedState | null;
    if (s === null || typeof s !== 'object' || !(s.values instanceof Float32Array))
      invalid(argument, `a BatchedState of ${B} × ${D} (integrator.state(...))`, y);
    if (s.members !== B || s.components !== D || s.values.length !== B * D) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${B} members × ${D} components, received ${s.members} × ${s.components}`, {
        argument,
        expected: `${B} × ${D}`,
        received: `${s.members} × ${s.components}`,
      });
    }
    return s;
  };
  const outState = (y: BatchedState, out: BatchedState | undefined): BatchedState => (out === undefined ? space.create() : checkState('out', out));
  const checkProblem = (problem: unknown): void => {
    if (problem !== integrator.problem) invalid('problem', `this integrator's own problem (integrator.problem of ${integrator.name})`, problem);
  };

  const run = (y: BatchedState, t: number, h: number, n: number, out: BatchedState): BatchedState => {
    if (backend.asynchronous) {
      throw new PhaseflowError(
        'NOT_AVAILABLE',
        `${integrator.name}: ${backend.name} kernels are asynchronous; use advanceAsync (core's integrate needs a synchronous backend)`,
        {
          argument: 'backend',
          expected: 'a synchronous backend (webgl2, headlessgl, webasm, cpu)',
          received: backend.name,
        },
      );
    }
    let src = y.values;
    let done = 0;
    if (n === 0) {
      out.values.set(src);
      return out;
    }
    while (done < n) {
      const m = Math.min(stepsPerLaunch, n - done);
      const a = args(src, t + done * h, h, m);
      // Every group reads the same input before any result is written (out may alias y).
      const results = kernels.map((k) => call(k, a));
      results.forEach((r, g) => scatter(r, groups[g]![0], groups[g]![1], D, B, out.values));
      src = out.values;
      done += m;
    }
    return out;
  };

  const memberEnergies = (y: BatchedState): Float64Array => {
    const energy = o.energy;
    if (energy === undefined) invalid('options.energy', 'an energy function (give options.energy to createBatchedIntegrator)', energy, 'NOT_AVAILABLE');
    const v = checkState('y', y).values;
    const e = new Float64Array(B);
    const ym = new Float64Array(D);
    for (let m = 0; m < B; m++) {
      for (let i = 0; i < D; i++) ym[i] = v[m * D + i]!;
      e[m] = energy(ym, rows64.subarray(m * P, m * P + P));
    }
    return e;
  };

  const problem: BatchedProblem = {
    kind: 'batched',
    space,
    name: o.name ?? `batched-${method.name}`,
    ...(o.energy !== undefined && {
      energy: (y: BatchedState) => {
        // Compensated (Neumaier) sum over the members.
        let s = 0;
        let c = 0;
        for (const e of memberEnergies(y)) {
          const t = s + e;
          c += Math.abs(s) >= Math.abs(e) ? s - t + e : e - t + s;
          s = t;
        }
        return s + c;
      },
    }),
  };

  const integrator: BatchedIntegrator = {
    name: `batched-${method.name}`,
    order: method.order,
    problemKinds: ['batched'],
    properties: {
      explicit: true,
      symplectic: method.kind === 'splitting',
      timeReversible: method.kind === 'splitting' && method.timeReversible,
      adaptive: false,
    },
    reference: `${method.reference.reference ?? method.name}; batched float32 kernels through gpu.js`,
    problem,
    space,
    backend,
    get runsOn() {
      return runsOn;
    },
    get fallbackReason() {
      return fallbackReason;
    },
    get readback() {
      return flat && runsOn === 'webasm' ? 'flat' : 'rows';
    },
    method: { kind: method.kind, name: method.name, order: method.order },
    members: B,
    components: D,
    parameterCount: P,
    kernelSources: compiled.sources,
    state: (values) => space.create(values),
    setParameters(rows) {
      const next = readParameters('parameters', rows, B);
      if (next.count !== P) {
        throw new PhaseflowError('SHAPE_MISMATCH', `parameters: expected rows of ${P} parameters (as at creation), received ${next.count}`, {
          argument: 'parameters[0]',
          expected: `length ${P}`,
          received: `length ${next.count}`,
        });
      }
      paramValues = next.values;
      rows64 = next.rows64;
    },
    energies: memberEnergies,
    step(pr, t, y, h, out) {
      checkStep(integrator, pr, h);
      checkProblem(pr);
      checkFinite('t', t);
      const s = checkState('y', y);
      return run(s, t, h, 1, outState(s, out));
    },
    advance(pr, t, y, h, n, out) {
      checkStep(integrator, pr, h);
      checkProblem(pr);
      checkFinite('t', t);
      checkInteger('n', n, { min: 0 });
      const s = checkState('y', y);
      return run(s, t, h, n, outState(s, out));
    },
    async advanceAsync(t, y, h, n, out) {
      checkFinite('t', t);
      if (typeof h !== 'number' || !Number.isFinite(h) || h === 0)
        invalid('h', 'a finite, non-zero step', h, typeof h === 'number' && !Number.isFinite(h) ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
      checkInteger('n', n, { min: 0 });
      const s = checkState('y', y);
      const target = outState(s, out);
      if (n === 0) return space.copy(s, target);
      if (asyncKernels === undefined) {
        try {
          asyncKernels = backend.asynchronous ? kernels : compiled.sources.map((source, g) => makeKernel(source, groups[g]![1] - groups[g]![0], true));
        } catch (e) {
          fieldNotCompilable('options.field', `gpu.js could not compile the ${method.name} kernel on ${backend.name}`, e);
        }
      }
      let src = s.values;
      let done = 0;
      while (done < n) {
        const m = Math.min(stepsPerLaunch, n - done);
        const a = args(src, t + done * h, h, m);
        let results: unknown[];
        try {
          results = await Promise.all(asyncKernels.map((k) => call(k, a)));
        } catch (e) {
          if (e instanceof PhaseflowError) throw e;
          fieldNotCompilable('options.field', `the ${method.name} kernel failed on ${backend.name}`, e);
        }
        results.forEach((r, g) => scatter(r, groups[g]![0], groups[g]![1], D, B, target.values));
        src = target.values;
        done += m;
      }
      return target;
    },
    float64Reference: () => float64Reference(method, o.field, dimension, B, P, () => rows64, space),
    destroy() {
      for (const k of [...kernels, ...(asyncKernels && asyncKernels !== kernels ? asyncKernels : [])]) k.destroy?.();
      kernels = [];
      asyncKernels = undefined;
    },
  };
  return integrator;
}

/** The Float64 reference: the field called in JavaScript on Float64Arrays, member by member, under the family's integrator. */
function float64Reference(
  method: BatchedMethod,
  field: unknown,
  dimension: number,
  B: number,
  P: number,
  rows: () => Float64Array,
  space: BatchedSpace,
): Float64Reference {
  const integrator = method.reference as unknown as Integrator<never, never>;
  if (method.kind === 'runge-kutta') {
    const f = field as BatchedOdeField;
    const D = dimension;
    const problem = odeProblem((t: number, y: Float64Array, out: Float64Array = new Float64Array(y.length)): Float64Array => {
      const p = rows();
      for (let m = 0; m < B; m++) {
        const d = f(t, y.subarray(m * D, m * D + D), p.subarray(m * P, m * P + P));
        for (let i = 0; i < D; i++) out[m * D + i] = d[i]!;
      }
      return out;
    });
    return {
      integrator,
      integrate(y0, options) {
        checkShape(space, 'y0', y0);
        const solution = integrate(integrator as unknown as Integrator<typeof problem, Float64Array>, problem, Float64Array.from(y0.values), options);
        return { t: solution.t, y: solution.y, solution };
      },
    };
  }
  const f = field as BatchedSeparableField;
  const d = dimension;
  const perMember =
    (g: (x: FieldVector, p: FieldVector) => number[]) =>
    (x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array => {
      const p = rows();
      for (let m = 0; m < B; m++) {
        const r = g(x.subarray(m * d, m * d + d), p.subarray(m * P, m * P + P));
        for (let i = 0; i < d; i++) out[m * d + i] = r[i]!;
      }
      return out;
    };
  const problem = separableHamiltonian({
    dVdq: perMember(f.dVdq),
    dTdp: f.dTdp ? perMember(f.dTdp) : (p: Float64Array, out: Float64Array = new Float64Array(p.length)): Float64Array => (out.set(p), out),
  });
  const members = (y: PhaseState<Float64Array>): Float64Array => {
    const v = new Float64Array(B * 2 * d);
    for (let m = 0; m < B; m++) {
      for (let i = 0; i < d; i++) {
        v[m * 2 * d + i] = y.q[m * d + i]!;
        v[m * 2 * d + d + i] = y.p[m * d + i]!;
      }
    }
    return v;
  };
  return {
    integrator,
    integrate(y0, options) {
      checkShape(space, 'y0', y0);
      const q = new Float64Array(B * d);
      const p = new Float64Array(B * d);
      for (let m = 0; m < B; m++) {
        for (let i = 0; i < d; i++) {
          q[m * d + i] = y0.values[m * 2 * d + i]!;
          p[m * d + i] = y0.values[m * 2 * d + d + i]!;
        }
      }
      const solution = integrate(integrator as unknown as Integrator<typeof problem, PhaseState<Float64Array>>, problem, { q, p }, options);
      return { t: solution.t, y: solution.y.map(members), solution };
    },
  };
}
