/**
 * Argument validation shared by every phaseflow package. Each helper either returns the value
 * (narrowed) or throws a {@link PhaseflowError} naming the argument, what was expected and what
 * came. Nothing is clamped or coerced.
 */
import { PhaseflowError, type PhaseflowErrorCode, type PhaseflowErrorDetails } from './errors.js';

/** Render any value briefly for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return `function ${value.name || '(anonymous)'}`;
    case 'boolean':
    case 'symbol':
      return String(value);
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const a = value as unknown as ArrayLike<number>;
    return `${value.constructor.name}(${a.length})`;
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * The name a validator was given for its argument must itself be a name (a non-empty string,
 * e.g. `options.h`): a validator handed anything else refuses it, naming `argument`.
 */
function badName(argument: unknown): never {
  const got = describeValue(argument);
  const expected = 'the name of the argument being checked (a non-empty string, e.g. "options.h")';
  throw new PhaseflowError('INVALID_ARGUMENT', `argument: expected ${expected}, received ${got}`, { argument: 'argument', expected, received: got });
}

/** Refuse what is not a name (see {@link badName}); one typeof on the path of valid calls. */
const named = (argument: unknown): void => {
  if (typeof argument !== 'string' || argument === '') badName(argument);
};

/**
 * Throw a coded error about one argument: `argument` names it (`options.h`), `expected` says
 * what it should be, `received` is rendered with {@link describeValue}; `code` defaults to
 * INVALID_ARGUMENT and `extra` adds details.
 *
 * @example
 * ```ts
 * if (!(h > 0)) invalid('options.h', 'a step > 0', h);
 * ```
 */
export function invalid(
  argument: string,
  expected: string,
  received: unknown,
  code: PhaseflowErrorCode = 'INVALID_ARGUMENT',
  extra: PhaseflowErrorDetails = {},
): never {
  named(argument);
  if (typeof expected !== 'string' || expected === '') invalid('expected', 'what was expected, in words (a non-empty string)', expected);
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code)) invalid('code', 'an error code (UPPER_SNAKE_CASE, e.g. INVALID_ARGUMENT)', code);
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) invalid('extra', 'an object of extra details', extra);
  const got = describeValue(received);
  throw new PhaseflowError(code, `${argument}: expected ${expected}, received ${got}`, {
    argument,
    expected,
    received: got,
    ...extra,
  });
}

/** A finite number (not NaN, not ±Infinity). */
export function checkFinite(argument: string, value: unknown): number {
  named(argument);
  if (typeof value !== 'number') invalid(argument, 'a finite number', value);
  if (!Number.isFinite(value)) invalid(argument, 'a finite number', value, 'NON_FINITE_INPUT');
  return value;
}

/** A finite number > 0. */
export function checkPositive(argument: string, value: unknown): number {
  const v = checkFinite(argument, value);
  if (!(v > 0)) invalid(argument, 'a finite number > 0', value);
  return v;
}

/** A finite number ≥ 0. */
export function checkNonNegative(argument: string, value: unknown): number {
  const v = checkFinite(argument, value);
  if (!(v >= 0)) invalid(argument, 'a finite number >= 0', value);
  return v;
}

/** A finite number in [min, max] (either bound may be omitted). */
export function checkInRange(argument: string, value: unknown, min: number, max: number): number {
  named(argument);
  if (typeof min !== 'number' || Number.isNaN(min)) invalid('min', 'a lower bound (a number, -Infinity for none)', min);
  // max < min is no error of the caller's: no value fits, and the value is refused, named.
  if (typeof max !== 'number' || Number.isNaN(max)) invalid('max', 'an upper bound (a number, Infinity for none)', max);
  const v = checkFinite(argument, value);
  if (v < min || v > max) invalid(argument, `a number in [${min}, ${max}]`, value);
  return v;
}

/** An integer, optionally bounded: `checkInteger('options.steps', n, { min: 1 })`. */
export function checkInteger(argument: string, value: unknown, bounds: { min?: number; max?: number } = {}): number {
  named(argument);
  if (bounds === null || typeof bounds !== 'object' || Array.isArray(bounds)) invalid('bounds', 'an object { min?, max? }', bounds);
  checkOptions('bounds', bounds, ['min', 'max']);
  const { min = -Infinity, max = Infinity } = bounds;
  if (typeof min !== 'number' || Number.isNaN(min)) invalid('bounds.min', 'a lower bound (a number)', min);
  if (typeof max !== 'number' || Number.isNaN(max)) invalid('bounds.max', 'an upper bound (a number)', max);
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  // The message is built only for a refusal: this check sits on per-call paths (advance, step).
  const range = min > -Infinity && max < Infinity ? ` in [${min}, ${max}]` : min > -Infinity ? ` >= ${min}` : max < Infinity ? ` <= ${max}` : '';
  return invalid(argument, `an integer${range}`, value);
}

/**
 * The most memory phaseflow allocates at once on a caller's behalf: 2 GiB (2³¹ bytes, 2²⁸
 * Float64 numbers). V8 refuses typed arrays above 2³² elements with a bare RangeError, and a
 * plain Array near the heap limit (≈ 4 GiB by default) ends the process with a fatal
 * out-of-memory error that no `catch` sees; sizes above this limit are refused up front.
 */
export const MAX_ALLOCATION_BYTES = 2 ** 31;

/**
 * Refuse, before allocating, a size that cannot be allocated: `count` elements of
 * `elementBytes` bytes (8 for Float64Array; count 16 for a plain Array of numbers, its slots
 * and their growth on push) must be a safe integer ≥ 0 and come to at most `limitBytes`
 * (default {@link MAX_ALLOCATION_BYTES}). Throws ALLOCATION_TOO_LARGE naming `argument`, the
 * count and the bytes it would take; INVALID_ARGUMENT for a count that is no size at all.
 * `count` may be a product of user sizes (rows·cols): computed in doubles it is exact or
 * already far past the limit, so no overflow goes unseen.
 *
 * @example
 * ```ts
 * const n = checkAllocation('options.rows', rows * cols, 8); // then new Float64Array(n)
 * ```
 */
export function checkAllocation(argument: string, count: number, elementBytes = 8, limitBytes: number = MAX_ALLOCATION_BYTES): number {
  named(argument);
  if (typeof elementBytes !== 'number' || !Number.isFinite(elementBytes) || !(elementBytes > 0))
    invalid('elementBytes', 'the bytes per element (a finite number > 0)', elementBytes);
  if (typeof limitBytes !== 'number' || !Number.isFinite(limitBytes) || !(limitBytes > 0))
    invalid('limitBytes', 'the most bytes allowed (a finite number > 0)', limitBytes);
  if (typeof count !== 'number' || Number.isNaN(count) || count < 0 || (Number.isFinite(count) && !Number.isInteger(count))) {
    invalid(argument, 'a size (an integer >= 0)', count);
  }
  const bytes = count * elementBytes;
  if (!(bytes <= limitBytes)) {
    const expected = `a size needing at most ${formatBytes(limitBytes)} (${Math.floor(limitBytes / elementBytes)} elements of ${elementBytes} bytes)`;
    const received = `${count} elements (${formatBytes(bytes)})`;
    throw new PhaseflowError('ALLOCATION_TOO_LARGE', `${argument}: expected ${expected}, received ${received}`, {
      argument,
      expected,
      received,
      bytes,
      limitBytes,
    });
  }
  return count;
}

function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'more than can be counted';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}

/** A function. */
export function checkFunction<F extends (...args: never[]) => unknown>(argument: string, value: unknown): F {
  named(argument);
  if (typeof value !== 'function') invalid(argument, 'a function', value);
  return value as F;
}

/** One of a fixed set of values. */
export function checkOneOf<T extends string | number | boolean>(argument: string, value: unknown, allowed: readonly T[]): T {
  named(argument);
  if (!Array.isArray(allowed)) invalid('allowed', 'an array of the allowed values', allowed);
  if (!allowed.includes(value as T)) {
    invalid(argument, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

/** A plain object (or undefined, which becomes `{}`), with no keys outside `known`. */
export function checkOptions<T extends object>(argument: string, value: T | undefined, known: readonly string[]): T {
  named(argument);
  if (!Array.isArray(known) || known.some((k) => typeof k !== 'string' || k === ''))
    invalid('known', 'an array of the known option names (non-empty strings)', known);
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    invalid(argument, 'an options object', value);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new PhaseflowError('UNKNOWN_OPTION', `${argument}: unknown option ${JSON.stringify(key)}; known options are ${known.join(', ')}`, {
        argument: `${argument}.${key}`,
        expected: `one of ${known.join(', ')}`,
        received: JSON.stringify(key),
      });
    }
  }
  return value;
}

/** An array-like of numbers whose entries are all finite; reports the first bad index. */
export function checkFiniteArray<A extends ArrayLike<number>>(argument: string, value: unknown): A {
  named(argument);
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as ArrayLike<number>).length !== 'number' ||
    !(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))
  ) {
    invalid(argument, 'an array or typed array of finite numbers', value);
  }
  const a = value as ArrayLike<number>;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      invalid(`${argument}[${i}]`, 'a finite number', x, typeof x === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
    }
  }
  return value as unknown as A;
}

/** An array-like of exactly `length` entries. */
export function checkLength(argument: string, value: ArrayLike<unknown>, length: number): void {
  named(argument);
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) invalid('length', 'the expected length (an integer >= 0)', length);
  if (value === null || (typeof value !== 'object' && typeof value !== 'string') || typeof value.length !== 'number') {
    invalid(argument, `an array-like of length ${length}`, value);
  }
  if (value.length !== length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected length ${length}, received length ${value.length}`, {
      argument,
      expected: `length ${length}`,
      received: `length ${value.length}`,
    });
  }
}

/** Two sizes that must agree. */
export function checkSameSize(argumentA: string, sizeA: number, argumentB: string, sizeB: number): void {
  if (typeof argumentA !== 'string' || argumentA === '') invalid('argumentA', 'the name of the first argument (a non-empty string)', argumentA);
  if (typeof sizeA !== 'number' || !Number.isInteger(sizeA) || sizeA < 0) invalid('sizeA', `the size of ${argumentA} (an integer >= 0)`, sizeA);
  if (typeof argumentB !== 'string' || argumentB === '') invalid('argumentB', 'the name of the second argument (a non-empty string)', argumentB);
  if (typeof sizeB !== 'number' || !Number.isInteger(sizeB) || sizeB < 0) invalid(argumentB, `a size (an integer >= 0) to match ${argumentA}`, sizeB);
  if (sizeA !== sizeB) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argumentA} has size ${sizeA} but ${argumentB} has size ${sizeB}; they must agree`, {
      argument: argumentB,
      expected: `size ${sizeA} (as ${argumentA})`,
      received: `size ${sizeB}`,
    });
  }
}

/**
 * The checks every `Integrator.step` makes on entry: the problem is of a kind the integrator
 * solves, and h is finite and non-zero (negative h steps backward).
 */
export function checkStep(
  integrator: { readonly name: string; readonly problemKinds: readonly string[] },
  problem: { readonly kind: string } | null | undefined,
  h: number,
): void {
  // Arrow-function integrators have no `this`: pass the integrator object itself.
  const kinds = integrator !== null && typeof integrator === 'object' ? integrator.problemKinds : undefined;
  if (!Array.isArray(kinds)) {
    invalid(
      'integrator',
      'the Integrator taking the step { name, problemKinds, ... } (pass the object itself: `this` is undefined in arrow functions)',
      integrator,
    );
  }
  // A plain loop: this runs on every step and Array.prototype.includes costs several ns here.
  let known = false;
  if (problem !== null && typeof problem === 'object') {
    for (let i = 0; i < kinds.length; i++) if (kinds[i] === problem.kind) known = true;
  }
  if (!known) {
    const got = problem !== null && typeof problem === 'object' ? String((problem as { kind: unknown }).kind) : describeValue(problem);
    throw new PhaseflowError(
      'UNSUPPORTED_PROBLEM',
      `problem: integrator ${integrator.name} solves ${integrator.problemKinds.join(', ')} problems, received ${got}`,
      { argument: 'problem', expected: integrator.problemKinds.join(' | '), received: got },
    );
  }
  // h − h is 0 for finite numbers and NaN for ±Infinity/NaN: one comparison on the hot path.
  if (typeof h !== 'number' || h - h !== 0 || h === 0) {
    invalid('h', 'a finite, non-zero step', h, typeof h === 'number' && !Number.isFinite(h) ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
  }
}

/**
 * Output times: a non-empty array-like of finite times inside [t0, tEnd], strictly monotone in
 * the direction of integration. Returns them as a Float64Array.
 *
 * @example
 * ```ts
 * const times = checkTimes('options.save.times', [0.5, 1, 2], 0, 2);
 * ```
 */
export function checkTimes(argument: string, value: unknown, t0: number, tEnd: number): Float64Array {
  named(argument);
  if (typeof t0 !== 'number' || !Number.isFinite(t0)) invalid('t0', 'the start time (a finite number)', t0);
  if (typeof tEnd !== 'number' || !Number.isFinite(tEnd)) invalid('tEnd', 'the end time (a finite number)', tEnd);
  const ts = value as ArrayLike<number> | null;
  if (ts === null || typeof ts !== 'object' || typeof ts.length !== 'number' || ts.length === 0) {
    invalid(argument, 'a non-empty array of times', value);
  }
  const dir = tEnd >= t0 ? 1 : -1;
  const times = new Float64Array(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const ti = checkFinite(`${argument}[${i}]`, ts[i]);
    if ((ti - t0) * dir < 0 || (ti - tEnd) * dir > 0) {
      invalid(`${argument}[${i}]`, `a time inside [${Math.min(t0, tEnd)}, ${Math.max(t0, tEnd)}]`, ti);
    }
    if (i > 0 && (ti - times[i - 1]!) * dir <= 0) {
      invalid(`${argument}[${i}]`, `times strictly ${dir > 0 ? 'increasing' : 'decreasing'} (previous ${times[i - 1]})`, ti);
    }
    times[i] = ti;
  }
  return times;
}

/** The URL schemes Node imports an ES module from. */
const MODULE_SCHEMES = ['file:', 'data:', 'node:'];

/**
 * An ES module a worker thread can import by itself — a `URL` or a string that is a file, data
 * or node URL, or an absolute path (POSIX or Windows) — as the URL string to `import()`; a
 * relative path, another scheme or anything else is INVALID_ARGUMENT naming `argument`. For the
 * worker pools whose jobs are a module's export (a worker cannot receive a function).
 *
 * @example
 * ```ts
 * checkModuleUrl('options.module', '/srv/trial.mjs'); // 'file:///srv/trial.mjs'
 * ```
 */
export function checkModuleUrl(argument: string, module: unknown): string {
  named(argument);
  const scheme = (url: URL): string => {
    if (!MODULE_SCHEMES.includes(url.protocol)) invalid(argument, `a module URL Node imports (${MODULE_SCHEMES.join(', ')}) or an absolute path`, url.href);
    return url.href;
  };
  if (module instanceof URL) return scheme(module);
  if (typeof module !== 'string' || module.length === 0) return invalid(argument, 'a file URL or an absolute path of an ES module', module);
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) {
    let url: URL;
    try {
      url = new URL(module);
    } catch {
      return invalid(argument, 'a file URL or an absolute path of an ES module', module);
    }
    return scheme(url);
  }
  if (!module.startsWith('/') && !/^[a-z]:[\\/]/i.test(module)) invalid(argument, 'a file URL or an absolute path', module);
  return new URL(`file://${module.startsWith('/') ? '' : '/'}${module.replace(/\\/g, '/')}`).href;
}
