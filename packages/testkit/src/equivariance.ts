/**
 * The equivariance checker: for a layer f, a group G and its actions ρ_in on inputs and ρ_out
 * on outputs, measure how far f(ρ_in(g)x) is from ρ_out(g)f(x) over seeded random inputs and
 * every group element (finite groups) or seeded random ones (continuous groups). The transform
 * is applied in Float64 on both sides, so the error measured is the layer's own; a float32 run
 * and a float64 run of the same map are reported side by side, each against its own machine
 * epsilon. As in escnn's `check_equivariance`, the check is part of a module's contract: a
 * module that declares its group and actions can be handed over as it is.
 */
import { PhaseflowError, checkInteger, checkOptions, checkPositive, createRandom, describeValue, invalid, type Layer, type Random } from '@phaseflow/core';

/** The floating-point formats a run can be measured in. */
export type EquivarianceDtype = 'float64' | 'float32';

/**
 * A group as the checker sees it: a finite list of `elements` (each is checked), or a
 * `sample(random)` drawing seeded random elements (a `LieGroup` of @phaseflow/lie fits), or both.
 */
export interface EquivarianceGroup<G> {
  /** For the report: `C4`, `SO(3)`, `S_5`. */
  readonly name: string;
  /** Every element of a finite group (all of them are checked). */
  readonly elements?: readonly G[];
  /** A random element; called with the checker's seeded generator. */
  sample?(random: Random): G;
  /** How an element is written in the report (default: its index, or `sample k`). */
  label?(g: G): string;
}

/** What a layer is for the checker: a function, or anything with `forward` (a core Layer). */
export type EquivarianceSubject =
  ((x: Float64Array) => ArrayLike<number>) | (Pick<Layer<Float64Array, ArrayLike<number>>, 'forward'> & { readonly name?: string });

/**
 * A module's equivariance contract: the group and its actions on the layer's (flat, Float64)
 * inputs and outputs, and a sampler of inputs. Invariance is equivariance with the trivial
 * output action `(g, y) => y`.
 */
export interface EquivarianceSpec<G> {
  /** Name of the map under test, for the report. */
  readonly name?: string;
  readonly group: EquivarianceGroup<G>;
  /** ρ_in(g)x, computed in Float64 (a new array; x must not be modified). */
  actOnInput(g: G, x: Float64Array): Float64Array;
  /** ρ_out(g)y, computed in Float64 (a new array; y must not be modified). */
  actOnOutput(g: G, y: Float64Array): Float64Array;
  /** A random input x; called with the checker's seeded generator. */
  sampleInput(random: Random): Float64Array;
}

/** Options of {@link checkEquivariance}: a spec plus the layer(s) and the budget. */
export interface EquivarianceCheckOptions<G> extends EquivarianceSpec<G> {
  /** The map under test, run in `dtype`. */
  readonly layer?: EquivarianceSubject;
  /** The precision `layer` computes in (default `float64`). */
  readonly dtype?: EquivarianceDtype;
  /** The same map in other precisions, run side by side with `layer` (each dtype once). */
  readonly layers?: Partial<Record<EquivarianceDtype, EquivarianceSubject>>;
  /** Seed of the inputs and of sampled group elements (default 0). */
  readonly seed?: number;
  /** How many random inputs (default 2). */
  readonly inputs?: number;
  /** Random elements drawn per input from `group.sample` (default 8; 0 when the group lists its elements). */
  readonly samples?: number;
  /** Largest allowed relative error per dtype (defaults: float64 1e-12, float32 1e-5). */
  readonly tolerance?: Partial<Record<EquivarianceDtype, number>>;
}

/** The error at one group element (worst over the inputs). */
export interface ElementError {
  readonly element: string;
  /** max_i |f(ρ_in(g)x)_i − (ρ_out(g)f(x))_i| */
  readonly maxAbs: number;
  /** maxAbs / max_i |(ρ_out(g)f(x))_i| */
  readonly relative: number;
}

/** One run (one dtype) of the check. */
export interface EquivarianceRun {
  readonly dtype: EquivarianceDtype;
  readonly ok: boolean;
  /** Worst absolute error over all inputs and elements. */
  readonly maxAbs: number;
  /** Worst relative error (max-norm of the difference over max-norm of ρ_out(g)f(x)). */
  readonly relative: number;
  /** The worst relative error as a multiple of the dtype's machine epsilon. */
  readonly epsilons: number;
  /** The relative tolerance the run was held to. */
  readonly tolerance: number;
  /** The element and input (0-based) where the worst error occurred. */
  readonly worst: { readonly element: string; readonly input: number };
  /** Per element, worst over the inputs. */
  readonly elements: readonly ElementError[];
  /** Number of (input, element) pairs measured. */
  readonly pairs: number;
}

/** What {@link checkEquivariance} returns. */
export interface EquivarianceReport {
  readonly name: string;
  readonly group: string;
  /** True when every run is within its tolerance. */
  readonly ok: boolean;
  readonly runs: readonly EquivarianceRun[];
  /** One line per run, for test failure messages and logs. */
  readonly message: string;
}

/**
 * The machine epsilon of a dtype: 2⁻⁵² (float64), 2⁻²³ (float32).
 *
 * @example
 * ```ts
 * machineEpsilon('float32'); // 1.1920928955078125e-7
 * ```
 */
export function machineEpsilon(dtype: EquivarianceDtype): number {
  if (dtype === 'float64') return 2 ** -52;
  if (dtype === 'float32') return 2 ** -23;
  return invalid('dtype', '"float64" or "float32"', dtype);
}

const DEFAULT_TOLERANCE: Record<EquivarianceDtype, number> = { float64: 1e-12, float32: 1e-5 };
const KEYS = ['name', 'group', 'actOnInput', 'actOnOutput', 'sampleInput', 'layer', 'dtype', 'layers', 'seed', 'inputs', 'samples', 'tolerance'];

function asMap(argument: string, subject: unknown): (x: Float64Array) => ArrayLike<number> {
  if (typeof subject === 'function') return subject as (x: Float64Array) => ArrayLike<number>;
  if (subject !== null && typeof subject === 'object' && typeof (subject as { forward?: unknown }).forward === 'function') {
    const layer = subject as Pick<Layer<Float64Array, ArrayLike<number>>, 'forward'>;
    return (x) => layer.forward(x);
  }
  return invalid(argument, 'a function x ↦ f(x) or a Layer with forward()', subject);
}

function checkFn(argument: string, value: unknown): void {
  if (typeof value !== 'function') invalid(argument, 'a function', value);
}

function toFloat64(argument: string, value: unknown, length?: number): Float64Array {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as ArrayLike<number>).length !== 'number' ||
    !(Array.isArray(value) || ArrayBuffer.isView(value))
  ) {
    invalid(argument, 'an array of numbers', value);
  }
  const a = value as ArrayLike<number>;
  if (length !== undefined && a.length !== length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${length} numbers, received ${a.length}`, {
      argument,
      expected: `${length} numbers`,
      received: `length ${a.length}`,
    });
  }
  const out = Float64Array.from(a);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) invalid(`${argument}[${i}]`, 'a finite number', out[i], 'NON_FINITE_STATE');
  }
  return out;
}

/** x rounded to the dtype's grid, so both sides of the comparison start from the same numbers. */
function roundTo(dtype: EquivarianceDtype, x: Float64Array): Float64Array {
  return dtype === 'float64' ? x : Float64Array.from(Float32Array.from(x));
}

/**
 * Measure the equivariance error of a layer: for seeded random inputs x and each group
 * element g,
 *
 *   e_abs(g) = ‖f(ρ_in(g)x) − ρ_out(g)f(x)‖_∞,   e_rel(g) = e_abs(g) / ‖ρ_out(g)f(x)‖_∞,
 *
 * with ρ_in, ρ_out applied in Float64 (a float32 run first rounds x to float32, so the
 * comparison is between the layer's two evaluations only). Every element of a finite group
 * is checked; continuous groups contribute `samples` seeded draws per input. Each run passes
 * when its worst e_rel is within `tolerance` (float64 1e-12, float32 1e-5, the bounds
 * e3nn's `assert_equivariant` and GrouPy's tests use, tightened); `epsilons` gives the same
 * figure as a multiple of the dtype's machine epsilon.
 *
 * Sources: Cohen & Welling, Group equivariant convolutional networks, ICML 2016; the
 * `check_equivariance` methods of escnn (Cesa, Lang & Weiler, ICLR 2022) and e3nn's
 * `assert_equivariant` (Geiger & Smidt 2022).
 *
 * @example
 * ```ts
 * const cyclicShift = (g: number, x: Float64Array) => Float64Array.from(x, (_, i) => x[(i - g + x.length) % x.length]!);
 * const report = checkEquivariance({
 *   group: { name: 'C_8', elements: [0, 1, 2, 3, 4, 5, 6, 7] },
 *   actOnInput: cyclicShift, actOnOutput: cyclicShift,
 *   sampleInput: (r) => r.fillNormal(new Float64Array(8)),
 *   layer: (x) => x.map((v, i) => v + 0.5 * x[(i + 1) % 8]!), // a circular convolution
 * });
 * report.ok; // true; report.runs[0].relative ≈ 1e-16
 * ```
 */
export function checkEquivariance<G>(options: EquivarianceCheckOptions<G>): EquivarianceReport {
  if (options === undefined) invalid('options', 'an options object with group, actions, sampleInput and layer', options);
  const o = checkOptions('options', options, KEYS);
  const group = o.group;
  if (group === null || typeof group !== 'object') invalid('options.group', 'a group { name, elements? | sample? }', group);
  const hasElements = group.elements !== undefined;
  if (hasElements && (!Array.isArray(group.elements) || group.elements.length === 0))
    invalid('options.group.elements', 'a non-empty array of group elements', group.elements);
  if (group.sample !== undefined) checkFn('options.group.sample', group.sample);
  if (!hasElements && group.sample === undefined) invalid('options.group', 'a group with elements or sample(random)', describeValue(group));
  checkFn('options.actOnInput', o.actOnInput);
  checkFn('options.actOnOutput', o.actOnOutput);
  checkFn('options.sampleInput', o.sampleInput);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const inputs = o.inputs === undefined ? 2 : checkInteger('options.inputs', o.inputs, { min: 1 });
  const samples = o.samples === undefined ? (hasElements ? 0 : 8) : checkInteger('options.samples', o.samples, { min: 0 });
  if (samples > 0 && group.sample === undefined) invalid('options.samples', `0 (group ${group.name} has no sample())`, samples);
  const tolerance = { ...DEFAULT_TOLERANCE };
  if (o.tolerance !== undefined) {
    const t = checkOptions('options.tolerance', o.tolerance, ['float64', 'float32']);
    if (t.float64 !== undefined) tolerance.float64 = checkPositive('options.tolerance.float64', t.float64);
    if (t.float32 !== undefined) tolerance.float32 = checkPositive('options.tolerance.float32', t.float32);
  }
  // `layer` runs in `dtype`; `layers` adds runs in other precisions (a contract's own layer
  // plus, say, its float32 twin). Each dtype at most once.
  const subjects: [EquivarianceDtype, (x: Float64Array) => ArrayLike<number>][] = [];
  if (o.layer !== undefined) {
    const dtype = o.dtype === undefined ? 'float64' : o.dtype;
    machineEpsilon(dtype);
    subjects.push([dtype, asMap('options.layer', o.layer)]);
  }
  if (o.layers !== undefined) {
    const l = checkOptions('options.layers', o.layers, ['float64', 'float32']);
    for (const dtype of ['float64', 'float32'] as const) {
      if (l[dtype] === undefined) continue;
      if (subjects.some(([d]) => d === dtype))
        invalid(`options.layers.${dtype}`, `one ${dtype} layer (options.layer already runs in ${dtype})`, 'a second one');
      subjects.push([dtype, asMap(`options.layers.${dtype}`, l[dtype])]);
    }
  }
  if (subjects.length === 0) invalid('options.layer', 'a layer (or options.layers with float64 and/or float32)', undefined);

  // The same inputs and elements for every run: draw them once.
  const rng = createRandom(seed);
  const cases: { x: Float64Array; elements: { g: G; label: string }[] }[] = [];
  const labelOf = (g: G, fallback: string) => (group.label ? group.label(g) : fallback);
  for (let k = 0; k < inputs; k++) {
    const x = toFloat64(`options.sampleInput() (input ${k})`, o.sampleInput(rng));
    const elements: { g: G; label: string }[] = [];
    if (hasElements) group.elements!.forEach((g, i) => elements.push({ g, label: labelOf(g, String(i)) }));
    for (let s = 0; s < samples; s++) {
      const g = group.sample!(rng);
      elements.push({ g, label: labelOf(g, `sample ${k}.${s}`) });
    }
    cases.push({ x, elements });
  }

  const runs = subjects.map(([dtype, f]): EquivarianceRun => {
    const perElement = new Map<string, { maxAbs: number; relative: number }>();
    let maxAbs = 0;
    let relative = 0;
    let worst = { element: cases[0]!.elements[0]?.label ?? '', input: 0 };
    let pairs = 0;
    cases.forEach(({ x: x0, elements }, k) => {
      const x = roundTo(dtype, x0);
      const y = toFloat64(`layer(x) (${dtype}, input ${k})`, f(x));
      for (const { g, label } of elements) {
        const gx = toFloat64(`actOnInput(${label}, x)`, o.actOnInput(g, x), x.length);
        const gy = toFloat64(`actOnOutput(${label}, f(x))`, o.actOnOutput(g, y));
        const fgx = toFloat64(`layer(actOnInput(${label}, x)) (${dtype}, input ${k})`, f(gx), gy.length);
        let abs = 0;
        let scale = 0;
        for (let i = 0; i < gy.length; i++) {
          abs = Math.max(abs, Math.abs(fgx[i]! - gy[i]!));
          scale = Math.max(scale, Math.abs(gy[i]!));
        }
        const rel = scale > 0 ? abs / scale : abs;
        pairs++;
        const prev = perElement.get(label);
        perElement.set(label, { maxAbs: Math.max(prev?.maxAbs ?? 0, abs), relative: Math.max(prev?.relative ?? 0, rel) });
        if (abs > maxAbs) maxAbs = abs;
        if (rel > relative || pairs === 1) {
          relative = Math.max(relative, rel);
          worst = { element: label, input: k };
        }
      }
    });
    const eps = machineEpsilon(dtype);
    return {
      dtype,
      ok: relative <= tolerance[dtype],
      maxAbs,
      relative,
      epsilons: relative / eps,
      tolerance: tolerance[dtype],
      worst,
      elements: [...perElement].map(([element, e]) => ({ element, ...e })),
      pairs,
    };
  });
  const name = o.name ?? (typeof o.layer === 'object' && o.layer !== null && 'name' in o.layer ? String((o.layer as { name: unknown }).name) : 'layer');
  const message = runs
    .map(
      (r) =>
        `${name} under ${group.name} (${r.dtype}): ${r.ok ? 'equivariant' : 'NOT equivariant'} — max abs ${r.maxAbs.toExponential(2)}, relative ${r.relative.toExponential(2)} ` +
        `(${r.epsilons.toFixed(1)} ε, tolerance ${r.tolerance.toExponential(0)}), worst at element ${r.worst.element}, input ${r.worst.input}, ${r.pairs} pairs`,
    )
    .join('\n');
  return { name, group: group.name, ok: runs.every((r) => r.ok), runs, message };
}
