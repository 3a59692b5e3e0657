/**
 * Bad input over a whole public API: every exported function (and every function one level
 * down in an exported plain object, such as a method table) is called with values no caller
 * should pass — null, NaN, ±Infinity, negative and fractional numbers, empty and unknown
 * strings, booleans, arrays, options objects with an unknown key, functions where data is
 * expected, plus seeded samples from fast-check — and each answer is classified (negative and
 * fractional numbers are tried too, but accepting them is only counted: they are valid for
 * many arguments):
 *
 * - **coded**: a `PhaseflowError` whose `details.argument` names the argument (the promise);
 * - **coded, unnamed**: a `PhaseflowError` that does not say which argument;
 * - **other error**: anything else thrown (a TypeError from deep inside, a RangeError);
 * - **accepted**: the call returned (or its promise resolved) as if the input were fine.
 *
 * Only the first argument is probed unless `valid` supplies arguments for the earlier
 * positions, so later positions can be reached. A process crash (heap exhaustion) cannot be
 * caught here and would fail the test run itself; the probe avoids sizes that allocate.
 */
import { checkInteger, checkOptions, invalid, isPhaseflowError } from '@phaseflow/core';
import fc from 'fast-check';

/** Options of {@link probeBadInputs}. */
export interface BadInputProbeOptions {
  /** Exports not called at all, each with the reason (e.g. `'a predicate: every input is valid'`). */
  readonly skip?: Readonly<Record<string, string>>;
  /** Exports that may return normally on some bad inputs, each with the reason; their answers are counted, not reported. */
  readonly accepts?: Readonly<Record<string, string>>;
  /**
   * Valid arguments for the positions before a probed one (`{ solve: [problem, y0] }` probes
   * positions 0, 1 and 2 of `solve`: position k gets the first k valid arguments, then a bad one).
   */
  readonly valid?: Readonly<Record<string, readonly unknown[]>>;
  /** Seeded fast-check samples per position, on top of the fixed set (default 6). */
  readonly samples?: number;
  /** Seed of the samples (default 1). */
  readonly seed?: number;
  /** Milliseconds an async call may take to settle (default 5000). */
  readonly timeoutMs?: number;
}

/** One answer that broke the promise. */
export interface BadInputFinding {
  /** The export, `name` or `object.key`. */
  readonly export: string;
  /** The argument position probed and the bad value, in words. */
  readonly input: string;
  readonly outcome: 'coded-unnamed' | 'other-error' | 'accepted';
  /** What came back: the error's name and message, or the returned value's type. */
  readonly detail: string;
}

/** The outcome of {@link probeBadInputs}: counts by class, and the findings that break the promise. */
export interface BadInputReport {
  /** Functions probed. */
  readonly functions: number;
  /** Calls made. */
  readonly calls: number;
  readonly coded: number;
  readonly codedUnnamed: number;
  readonly otherErrors: number;
  readonly accepted: number;
  /** Accepted answers of exports listed in `accepts` (not findings). */
  readonly acceptedAllowed: number;
  /** Accepted answers to values valid for some arguments (−1, 0.5, −1e6): counted, not findings. */
  readonly acceptedSuspect: number;
  /** Exports skipped, with the reasons given. */
  readonly skipped: Readonly<Record<string, string>>;
  /** Exports that declare no parameters (nothing to probe; JavaScript ignores extra arguments). */
  readonly noParameters: readonly string[];
  readonly findings: readonly BadInputFinding[];
}

const UNKNOWN_KEY = '__probeUnknownOption__';

/**
 * Values that are valid for some arguments (any real number) and wrong for others (sizes,
 * counts, rates): a call that accepts one is counted in `acceptedSuspect`, not reported.
 */
const SUSPECT: [string, unknown][] = [
  ['-1', -1],
  ['0.5', 0.5],
  ['-1e6', -1e6],
];

/** The fixed bad values, each with a label. None allocates or is `undefined` (optional arguments may be left out). */
function fixedBadValues(): [string, unknown][] {
  return [
    ['null', null],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ["''", ''],
    ["'not-a-valid-value'", 'not-a-valid-value'],
    ['true', true],
    ['[]', []],
    ['[NaN]', [NaN]],
    [`{ ${UNKNOWN_KEY}: 1 }`, { [UNKNOWN_KEY]: 1 }],
    ['a function', () => 0],
  ];
}

function sampledBadValues(n: number, seed: number): [string, unknown][] {
  if (n === 0) return [];
  const bad = fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, null),
    fc.string({ minLength: 1, maxLength: 12 }).map((s) => `bad:${s}`),
    fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }).map((k) => `__probe_${k}`),
      fc.oneof(fc.constant(null), fc.double(), fc.string()),
      { minKeys: 1, maxKeys: 3 },
    ),
    fc.array(fc.oneof(fc.constant(NaN), fc.constant(null), fc.string()), { minLength: 1, maxLength: 3 }),
  );
  return fc.sample(bad, { seed, numRuns: n }).map((v) => [describe(v), v]);
}

function describe(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    return s.length > 60 ? `${s.slice(0, 57)}…` : s;
  } catch {
    return String(v);
  }
}

const isClass = (f: unknown) => typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));

/**
 * Whether a function declares no parameters at all (`function f()`, `() =>`): such a function
 * ignores what it is passed, as every JavaScript function does, and is not probed. A default
 * (`options = {}`) or rest parameter counts as a parameter even though `fn.length` is 0.
 */
function takesNoParameters(f: (...args: unknown[]) => unknown): boolean {
  const src = Function.prototype.toString.call(f);
  if (/\[native code\]/.test(src)) return f.length === 0;
  // `function name(…)`, `async function* name(…)`, method shorthand `name(…)`, arrow `(…) =>`
  const m = /^(?:async\s*)?(?:function\b\s*)?\*?\s*[\w$]*\s*\(([^)]*)\)/.exec(src.trim());
  if (m) return m[1]!.replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
  return false; // `x => …`, one parameter
}

/** Every function to probe: top-level exports and the functions of exported plain objects. */
function functionsOf(module: Record<string, unknown>): [string, (...args: unknown[]) => unknown][] {
  const out: [string, (...args: unknown[]) => unknown][] = [];
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === 'function' && !isClass(value)) out.push([name, value as (...args: unknown[]) => unknown]);
    else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      for (const [key, inner] of Object.entries(value)) {
        if (typeof inner === 'function' && !isClass(inner)) out.push([`${name}.${key}`, inner as (...args: unknown[]) => unknown]);
      }
    }
  }
  return out.sort(([a], [b]) => a.localeCompare(b));
}

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]!.slice(0, 160)}` : String(e));

/**
 * Call every exported function of `module` with bad inputs and classify the answers (see the
 * module comment). A package's test asserts `findings` is empty, listing in `skip` and
 * `accepts` (each with a reason) the exports for which that is wrong.
 *
 * @example
 * ```ts
 * import * as linalg from '@phaseflow/linalg';
 * import { probeBadInputs } from '@phaseflow/testkit';
 *
 * const report = await probeBadInputs(linalg, { skip: { isSymmetric: 'a predicate' } });
 * console.log(report.calls, report.coded, report.findings);
 * ```
 */
export async function probeBadInputs(module: Record<string, unknown>, options: BadInputProbeOptions = {}): Promise<BadInputReport> {
  if (module === null || typeof module !== 'object' || Array.isArray(module)) invalid('module', 'a module namespace object (import * as m from …)', module);
  const o = checkOptions('options', options, ['skip', 'accepts', 'valid', 'samples', 'seed', 'timeoutMs']);
  const samples = o.samples === undefined ? 6 : checkInteger('options.samples', o.samples, { min: 0, max: 1000 });
  const seed = o.seed === undefined ? 1 : checkInteger('options.seed', o.seed, { min: 0 });
  const timeoutMs = o.timeoutMs === undefined ? 5000 : checkInteger('options.timeoutMs', o.timeoutMs, { min: 1 });
  const skip = o.skip ?? {};
  const accepts = o.accepts ?? {};
  const valid = o.valid ?? {};
  const functions = functionsOf(module);
  if (functions.length === 0) invalid('module', 'a module with at least one exported function (or plain object of functions) to probe', module);
  const names = new Set(functions.map(([n]) => n));
  for (const [field, table] of [
    ['skip', skip],
    ['accepts', accepts],
    ['valid', valid],
  ] as const) {
    for (const key of Object.keys(table))
      if (!names.has(key)) invalid(`options.${field}.${key}`, `the name of an exported function (${[...names].join(', ')})`, key);
  }
  const values: [string, unknown, boolean][] = [
    ...[...fixedBadValues(), ...sampledBadValues(samples, seed)].map(([l, v]) => [l, v, false] as [string, unknown, boolean]),
    ...SUSPECT.map(([l, v]) => [l, v, true] as [string, unknown, boolean]),
  ];
  const counts = { functions: 0, calls: 0, coded: 0, codedUnnamed: 0, otherErrors: 0, accepted: 0, acceptedAllowed: 0, acceptedSuspect: 0 };
  const findings: BadInputFinding[] = [];
  const settle = async (r: unknown): Promise<{ threw: boolean; error?: unknown; value?: unknown }> => {
    if (!(r instanceof Promise)) return { threw: false, value: r };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const value = await Promise.race([
        r,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not settle within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { threw: false, value };
    } catch (error) {
      return { threw: true, error };
    } finally {
      clearTimeout(timer);
    }
  };
  const noParameters: string[] = [];
  for (const [name, fn] of functions) {
    if (name in skip) continue;
    if (takesNoParameters(fn)) {
      noParameters.push(name);
      continue;
    }
    counts.functions += 1;
    const prefix = valid[name] ?? [];
    for (let position = 0; position <= prefix.length; position++) {
      for (const [label, bad, suspect] of values) {
        counts.calls += 1;
        let answer: { threw: boolean; error?: unknown; value?: unknown };
        try {
          answer = await settle(fn(...prefix.slice(0, position), bad));
        } catch (error) {
          answer = { threw: true, error };
        }
        const input = `argument ${position} = ${label}`;
        if (answer.threw) {
          const e = answer.error;
          if (isPhaseflowError(e)) {
            if (typeof e.details.argument === 'string' && e.details.argument.length > 0) counts.coded += 1;
            else {
              counts.codedUnnamed += 1;
              findings.push({ export: name, input, outcome: 'coded-unnamed', detail: errorText(e) });
            }
          } else {
            counts.otherErrors += 1;
            findings.push({ export: name, input, outcome: 'other-error', detail: errorText(e) });
          }
        } else if (suspect) counts.acceptedSuspect += 1;
        else if (name in accepts) counts.acceptedAllowed += 1;
        else {
          counts.accepted += 1;
          findings.push({ export: name, input, outcome: 'accepted', detail: `returned ${answer.value === null ? 'null' : typeof answer.value}` });
        }
      }
    }
  }
  return { ...counts, skipped: { ...skip }, noParameters, findings };
}

/** One line per export with findings, for a test's failure message. */
export function formatBadInputFindings(report: BadInputReport): string {
  if (report === null || typeof report !== 'object' || !Array.isArray(report.findings)) invalid('report', 'a report of probeBadInputs { findings, … }', report);
  const byExport = new Map<string, BadInputFinding[]>();
  for (const f of report.findings) byExport.set(f.export, [...(byExport.get(f.export) ?? []), f]);
  return [...byExport].map(([name, fs]) => `${name}: ${fs.length} × — e.g. ${fs[0]!.input} → ${fs[0]!.outcome} (${fs[0]!.detail})`).join('\n');
}

/**
 * The counts of a report in one line, for a test's title: `"12 functions, 480 calls: 470 coded,
 * 0 unnamed, 0 other errors, 0 accepted (+10 suspect values accepted)"`.
 *
 * @example
 * ```ts
 * const report = await probeBadInputs({ double: (x: unknown) => 2 * checkFinite('x', x) });
 * formatBadInputCounts(report); // "1 functions, 20 calls: …"
 * ```
 */
export function formatBadInputCounts(report: BadInputReport): string {
  if (report === null || typeof report !== 'object' || typeof report.calls !== 'number')
    invalid('report', 'a report of probeBadInputs { calls, coded, … }', report);
  const r = report;
  return `${r.functions} functions, ${r.calls} calls: ${r.coded} coded, ${r.codedUnnamed} unnamed, ${r.otherErrors} other errors, ${r.accepted} accepted (+${r.acceptedSuspect} suspect values accepted)`;
}

/**
 * One probe target per option: `{ [key]: (value) => make(key, value) }` for each key, so that
 * {@link probeBadInputs} tries each option alone inside an otherwise valid call (the finding
 * names it `group.key`).
 *
 * @example
 * ```ts
 * const options = eachOption(['h', 'tEnd'], (key, value) => solve(f, { h: 0.1, tEnd: 1, [key]: value }));
 * await probeBadInputs({ solve: options });
 * ```
 */
export function eachOption(keys: readonly string[], make: (key: string, value: unknown) => unknown): Record<string, (value: unknown) => unknown> {
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k === '')) invalid('keys', 'an array of option names (non-empty strings)', keys);
  if (typeof make !== 'function') invalid('make', 'a function (key, value) => the call with that option set to value', make);
  return Object.fromEntries(keys.map((k) => [k, (v: unknown) => make(k, v)]));
}
