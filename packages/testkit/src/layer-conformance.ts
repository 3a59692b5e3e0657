/**
 * Conformance of the Layer role: `forward` is a function of its input (same input, same
 * output; the input untouched), the parametric view round-trips (get ∘ set = id, set(get()) keeps
 * the map, bad θ refused with a coded error and θ kept), `forwardEnsemble` agrees with set +
 * forward member by member and leaves θ alone, and a layer that declares `inverse` inverts its
 * forward map. With a resource counter (tfjs: `tf.memory().numTensors`) every call is leak-free.
 */
import {
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkOptions,
  createRandom,
  invalid,
  isParametric,
  isPhaseflowError,
  type Layer,
  type ParametricView,
} from '@phaseflow/core';
import type { CheckResult } from './checks.js';
import type { NamedCheck, ResourceCounter } from './trainer-conformance.js';

/** Options of {@link layerChecks} and {@link runLayerConformance}. */
export interface LayerConformanceOptions<I, O> {
  /** A sample input, or a function giving a fresh one (tensors the suite may dispose of). */
  readonly input: I | (() => I);
  /**
   * Read an output as numbers. Default: array-likes as they are, a Matrix-like `{ data }` by
   * its data, a row-major batch `{ x, rows, cols }` by `x`, a tensor (anything with `dataSync`)
   * by `dataSync()`.
   */
  readonly read?: (output: O) => ArrayLike<number>;
  /** Read an input as numbers (for the mutation and inverse checks); default as `read`. */
  readonly readInput?: (input: I) => ArrayLike<number>;
  /** Release an output once read (default: its `dispose()` when it has one). */
  readonly release?: (output: O) => void;
  /** Release an input made by `input()` (default: its `dispose()` when `input` is a function and the value has one). */
  readonly releaseInput?: (input: I) => void;
  /** Allowed max |a − b| / max(1, |b|) between outputs that must agree (default 1e-12; float32 layers: 1e-5). */
  readonly tolerance?: number;
  /** Ensemble members for the forwardEnsemble check (default 3). */
  readonly members?: number;
  /** Standard deviation of the θ perturbations the suite draws (default 0.1). */
  readonly perturbation?: number;
  /** Seed of those draws (default 0). */
  readonly seed?: number;
  /** Counted before and after every check's calls (outputs released): the counts must agree. */
  readonly resources?: ResourceCounter;
  /**
   * For stateful layers (reservoirs, recurrent cells): put the layer back in its initial state;
   * called before every forward the suite compares, so "a function of its input" means "from the
   * same state".
   */
  readonly reset?: () => void;
}

/** The outcome of {@link runLayerConformance}. */
export interface LayerConformanceReport {
  readonly layer: string;
  readonly ok: boolean;
  readonly results: CheckResult[];
}

/** A layer that may declare the inverse of its forward map (invertible blocks). */
interface MaybeInvertible<I, O> extends Layer<I, O> {
  readonly inverse?: (output: O) => I;
}

function defaultRead(value: unknown): ArrayLike<number> {
  if (typeof value === 'number') return [value];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return value as unknown as ArrayLike<number>;
  if (Array.isArray(value)) return (value as unknown[]).flat(Infinity as 1) as number[];
  if (value !== null && typeof value === 'object') {
    const v = value as { dataSync?: () => ArrayLike<number>; data?: unknown };
    if (typeof v.dataSync === 'function') return v.dataSync();
    if (v.data !== undefined && ArrayBuffer.isView(v.data)) return v.data as unknown as ArrayLike<number>;
    // A row-major batch { x, rows, cols } (nn64's InputBatch, enkf's Batch).
    const x = (value as { x?: unknown }).x;
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return x as unknown as ArrayLike<number>;
  }
  return invalid('options.read', 'a reader for this output (it is not an array, a Matrix or a tensor)', value);
}

function defaultRelease(value: unknown): void {
  if (value !== null && typeof value === 'object' && typeof (value as { dispose?: unknown }).dispose === 'function') {
    (value as { dispose(): void }).dispose();
  }
}

/** max |a − b| / max(1, |b|), or Infinity when the lengths differ. */
function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * The checks of the Layer contract for `layer`; {@link runLayerConformance} runs them all and
 * `layerConformance` of `@phaseflow/testkit/vitest` registers one test per check.
 *
 * @example
 * ```ts
 * const checks = layerChecks(createReadout({ inputDim: 3, outputDim: 2 }), { input: Float64Array.of(1, 2, 3) });
 * ```
 */
export function layerChecks<I, O>(layer: Layer<I, O>, options: LayerConformanceOptions<I, O>): NamedCheck[] {
  if (layer === null || typeof layer !== 'object') invalid('layer', 'a Layer { name, forward }', layer);
  if (options === null || typeof options !== 'object') invalid('options', 'layer conformance options { input, … }', options);
  const o = checkOptions('options', options, [
    'input',
    'read',
    'readInput',
    'release',
    'releaseInput',
    'tolerance',
    'members',
    'perturbation',
    'seed',
    'resources',
    'reset',
  ]);
  if (!('input' in o)) invalid('options.input', 'a sample input (or a function returning one)', undefined);
  for (const k of ['read', 'readInput', 'release', 'releaseInput', 'reset'] as const) if (o[k] !== undefined) checkFunction(`options.${k}`, o[k]);
  const reset = o.reset ?? (() => undefined);
  const tolerance = o.tolerance === undefined ? 1e-12 : checkNonNegative('options.tolerance', o.tolerance);
  const members = o.members === undefined ? 3 : checkInteger('options.members', o.members, { min: 1 });
  const sigma = o.perturbation === undefined ? 0.1 : checkNonNegative('options.perturbation', o.perturbation);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  if (o.resources !== undefined) checkFunction('options.resources.count', o.resources.count);
  const name = typeof layer.name === 'string' ? layer.name : String(layer.name);
  const read = (o.read ?? defaultRead) as (out: O) => ArrayLike<number>;
  const readInput = (o.readInput ?? defaultRead) as (x: I) => ArrayLike<number>;
  const release = (o.release ?? defaultRelease) as (out: O) => void;
  const fresh = typeof o.input === 'function';
  const releaseInput = (o.releaseInput ?? (fresh ? defaultRelease : () => undefined)) as (x: I) => void;
  const makeInput = (): I => (fresh ? (o.input as () => I)() : (o.input as I));
  /** forward(x) read as a Float64Array copy, the output released. */
  const run = (x: I): Float64Array => {
    reset();
    const out = layer.forward(x);
    try {
      return Float64Array.from(read(out));
    } finally {
      release(out);
    }
  };
  const verdict = (check: string, problems: string[], good: string, measured?: Record<string, unknown>): CheckResult => ({
    check,
    ok: problems.length === 0,
    message: problems.length === 0 ? `${name}: ${good}` : `${name}: ${problems.join('; ')}`,
    ...(measured && { measured }),
  });
  /** Run `body` with the resource balance checked around it. */
  const balanced = async (check: string, good: string, body: (problems: string[]) => Record<string, unknown> | void): Promise<CheckResult> => {
    const problems: string[] = [];
    const before = o.resources?.count();
    let measured: Record<string, unknown> | void = undefined;
    try {
      measured = body(problems);
    } catch (e) {
      problems.push(`threw ${describeError(e)}`);
    }
    const after = o.resources?.count();
    if (before !== undefined && after !== undefined && after !== before) problems.push(`${after - before} ${o.resources!.name} left behind`);
    return verdict(check, problems, good, measured ?? undefined);
  };

  const checks: NamedCheck[] = [
    {
      name: 'declares a name and forward (and a well-formed parametric view if any)',
      run: async () => {
        const problems: string[] = [];
        if (typeof layer.name !== 'string' || layer.name === '') problems.push(`name ${JSON.stringify(layer.name)} (expected a non-empty string)`);
        if (typeof layer.forward !== 'function') problems.push('forward is not a function');
        if (layer.parameters !== undefined) {
          if (!isParametric(layer)) problems.push('parameters is not a ParametricView { size, get, set }');
          else if (!Number.isInteger(layer.parameters.size) || layer.parameters.size < 0)
            problems.push(`parameters.size ${layer.parameters.size} (expected an integer ≥ 0)`);
        }
        const inv = (layer as MaybeInvertible<I, O>).inverse;
        if (inv !== undefined && typeof inv !== 'function') problems.push('inverse is declared but not a function');
        return verdict('shape', problems, 'name, forward and parameters well formed');
      },
    },
    {
      name: 'forward is a function of its input: the same output twice, the input untouched',
      run: () =>
        balanced('deterministic', 'the same input gives the same output and is left as it was', (problems) => {
          const x = makeInput();
          try {
            const before = Float64Array.from(readInput(x));
            const a = run(x);
            const b = run(x);
            const d = distance(b, a);
            if (d > tolerance) problems.push(`two calls on the same input differ by ${d.toExponential(2)}`);
            if (distance(readInput(x), before) !== 0) problems.push('forward modified its input');
            if (!a.every(Number.isFinite)) problems.push('the output is not finite');
            return { difference: d };
          } finally {
            releaseInput(x);
          }
        }),
    },
  ];

  if (isParametric(layer)) {
    const view: ParametricView<I, O> = layer.parameters;
    const P = view.size;
    const rng = createRandom(seed);
    const perturbed = (theta: Float64Array) => {
      const t = theta.slice();
      for (let i = 0; i < t.length; i++) t[i] += sigma * rng.normal();
      return t;
    };
    checks.push({
      name: 'parameters: get and set round-trip, set(get()) keeps the map',
      run: () =>
        balanced('parameters', 'θ round-trips through set and get; set(get()) keeps forward', (problems) => {
          const theta = view.get();
          if (!(theta instanceof Float64Array)) problems.push(`get() returned ${Object.prototype.toString.call(theta)} (expected a Float64Array)`);
          if (theta.length !== P) problems.push(`get() has length ${theta.length}, size is ${P}`);
          const out = new Float64Array(P);
          const back = view.get(out);
          if (back !== out) problems.push('get(out) did not return out');
          if (distance(out, theta) !== 0) problems.push('get(out) wrote other numbers than get()');
          const x = makeInput();
          try {
            const y0 = run(x);
            const target = perturbed(theta);
            view.set(target);
            const got = view.get();
            const dRound = distance(got, target);
            if (dRound > tolerance) problems.push(`get() after set(θ') is ${dRound.toExponential(2)} from θ'`);
            view.set(theta);
            const dRestore = distance(view.get(), theta);
            if (dRestore > tolerance) problems.push(`set(θ) after set(θ') does not restore θ (off by ${dRestore.toExponential(2)})`);
            const y1 = run(x);
            const dMap = distance(y1, y0);
            if (dMap > tolerance) problems.push(`forward after set(get()) differs by ${dMap.toExponential(2)}`);
            return { roundTrip: dRound, restore: dRestore, map: dMap };
          } finally {
            view.set(theta);
            releaseInput(x);
          }
        }),
    });
    checks.push({
      name: 'parameters: set refuses θ of the wrong length or with NaN (coded error, θ kept)',
      run: () =>
        balanced('parameters-bad-input', 'bad θ refused with coded errors, θ kept', (problems) => {
          const theta = view.get();
          const nan = theta.slice();
          if (P > 0) nan[0] = NaN;
          const cases: [string, ArrayLike<number>][] = [
            [`θ of length ${P + 1}`, new Float64Array(P + 1)],
            ...(P > 0
              ? ([
                  [`θ of length ${P - 1}`, new Float64Array(P - 1)],
                  ['θ with a NaN', nan],
                ] as [string, ArrayLike<number>][])
              : []),
          ];
          for (const [label, bad] of cases) {
            try {
              view.set(bad);
              problems.push(`set(${label}) was accepted`);
            } catch (e) {
              if (!isPhaseflowError(e)) problems.push(`set(${label}) threw a raw ${describeError(e)} (expected a coded PhaseflowError)`);
            }
            const d = distance(view.get(), theta);
            if (d !== 0) {
              problems.push(`set(${label}) changed θ (by ${d.toExponential(2)}) before refusing it`);
              view.set(theta);
            }
          }
        }),
    });
    if (typeof view.forwardEnsemble === 'function') {
      checks.push({
        name: `forwardEnsemble equals set + forward for each of ${members} members, and leaves θ alone`,
        run: () =>
          balanced('forward-ensemble', `forwardEnsemble agrees with set + forward on ${members} members`, (problems) => {
            const theta = view.get();
            const thetas = new Float64Array(members * P);
            for (let j = 0; j < members; j++) thetas.set(perturbed(theta), j * P);
            const x = makeInput();
            try {
              reset();
              const outs = view.forwardEnsemble!(thetas, members, x);
              let batched: Float64Array[] = [];
              try {
                if (!Array.isArray(outs) || outs.length !== members) {
                  problems.push(`forwardEnsemble returned ${Array.isArray(outs) ? outs.length : typeof outs} outputs for ${members} members`);
                  return;
                }
                batched = outs.map((out) => Float64Array.from(read(out)));
              } finally {
                if (Array.isArray(outs)) for (const out of outs) release(out);
              }
              const dTheta = distance(view.get(), theta);
              if (dTheta !== 0) problems.push(`forwardEnsemble changed θ (by ${dTheta.toExponential(2)})`);
              let worst = 0;
              for (let j = 0; j < members; j++) {
                view.set(thetas.subarray(j * P, (j + 1) * P));
                worst = Math.max(worst, distance(batched[j]!, run(x)));
              }
              view.set(theta);
              if (worst > tolerance) problems.push(`forwardEnsemble differs from set + forward by ${worst.toExponential(2)} (allowed ${tolerance})`);
              return { difference: worst };
            } finally {
              view.set(theta);
              releaseInput(x);
            }
          }),
      });
    }
  }

  const inverse = (layer as MaybeInvertible<I, O>).inverse;
  if (typeof inverse === 'function') {
    checks.push({
      name: 'inverse ∘ forward = id',
      run: () =>
        balanced('inverse', 'inverse(forward(x)) = x', (problems) => {
          const x = makeInput();
          try {
            reset();
            const y = layer.forward(x);
            let back: I | undefined;
            try {
              back = inverse.call(layer, y);
              const d = distance(readInput(back), readInput(x));
              if (d > tolerance) problems.push(`inverse(forward(x)) is ${d.toExponential(2)} from x (allowed ${tolerance})`);
              return { difference: d };
            } finally {
              release(y);
              if (back !== undefined && (back as unknown) !== (x as unknown)) defaultRelease(back);
            }
          } finally {
            releaseInput(x);
          }
        }),
    });
  }
  return checks;
}

/**
 * Run every check of the Layer contract and collect the verdicts.
 *
 * @example
 * ```ts
 * const report = await runLayerConformance(createMlp64({ sizes: [2, 4, 1], seed: 1 }), { input: { x: Float64Array.of(0.1, 0.2), rows: 1, cols: 2 } });
 * report.ok; // true
 * ```
 */
export async function runLayerConformance<I, O>(layer: Layer<I, O>, options: LayerConformanceOptions<I, O>): Promise<LayerConformanceReport> {
  const results: CheckResult[] = [];
  for (const c of layerChecks(layer, options)) results.push(await c.run());
  return { layer: layer.name, ok: results.every((r) => r.ok), results };
}
