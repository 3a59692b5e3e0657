/**
 * Seeded randomness shared by every package: xoshiro128** (Blackman & Vigna, 2018) seeded
 * through splitmix32. Pure 32-bit integer arithmetic, so a seed gives the same stream on
 * every machine and engine; normals use the Marsaglia polar method (sqrt and log only).
 */
import { checkFinite, checkInteger, checkNonNegative, invalid } from './validate.js';

/** A seeded random source. */
export interface Random {
  /** The seed this source (or its ancestor) was created with. */
  readonly seed: number;
  /** A uniform integer in [0, 2³²). */
  uint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A uniform double in [a, b). */
  uniformIn(a: number, b: number): number;
  /** A standard normal N(0, 1). */
  normal(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** Fill `out` with N(mean, std²) samples. */
  fillNormal(out: Float64Array, mean?: number, std?: number): Float64Array;
  /** Fill `out` with U[a, b) samples. */
  fillUniform(out: Float64Array, a?: number, b?: number): Float64Array;
  /** Shuffle in place (Fisher–Yates). */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T;
  /** A permutation of 0 … n−1. */
  permutation(n: number): Uint32Array;
  /** An independent stream derived from this one and a label (for reproducible sub-tasks). */
  fork(label: string | number): Random;
  /**
   * The generator's position as plain JSON-safe data: the four xoshiro128** words and the
   * normal deviate the polar method holds back. `setState` of it (or {@link restoreRandom})
   * continues the stream exactly where this one is, so saved models draw the same noise.
   */
  getState(): RandomState;
  /** Move this source to a position taken by `getState` (validated; INVALID_ARGUMENT naming `state`). */
  setState(state: RandomState): void;
}

/** A {@link Random}'s position (see `Random.getState`). */
export interface RandomState {
  /** The seed the stream (or its ancestor) was created with. */
  readonly seed: number;
  /** xoshiro128**'s four 32-bit state words, not all zero. */
  readonly words: readonly [number, number, number, number];
  /** The second normal deviate of the last polar-method pair, or null when none is held. */
  readonly spareNormal: number | null;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string | number): number {
  const s = String(label);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The draws of a {@link Random} that a hot loop makes (see {@link randomDraws}): the same
 * generator, so they and the source's own methods advance one stream.
 */
export interface RandomDraws {
  /** A uniform integer in [0, 2³²), as `Random.uint32`. */
  uint32(): number;
  /** A uniform double in [0, 1) with 53 random bits, as `Random.uniform`. */
  uniform(): number;
  /** A standard normal N(0, 1), as `Random.normal`. */
  normal(): number;
}

/**
 * The generator behind every Random this module makes: xoshiro128**'s four state words and
 * the normal deviate the polar method holds back. Its methods are on the prototype, one
 * function for every source; a Random's own methods (closures, so that they can be called
 * detached) only forward to them. Optimised code of the draws therefore belongs to
 * functions that live as long as the module. Code the engine compiles for a source's own
 * closures is kept only while one of them is alive, and a caller's code that has one of them
 * (with its context) built in as a constant is thrown away when a full collection finds the
 * source dead: with the draws in closures, every source made after a collection drew its
 * first thousands of numbers in the interpreter.
 */
class Xoshiro128 implements RandomDraws {
  // The state words are kept as signed 32-bit integers (the same bits): an unsigned word of
  // 2³¹ or more is not a small integer to the engine, so every write of one allocated a number.
  s0: number;
  s1: number;
  s2: number;
  s3: number;
  /** The second deviate of the last polar pair, NaN when none is held. */
  spare = NaN;
  /** Four outputs of the generator, for a polar pair's two uniforms. */
  readonly words = new Uint32Array(4);
  /** normal()'s one-entry buffer for polarInto. */
  readonly one = new Float64Array(1);
  /**
   * One generator that lives as long as the module, so that the shape every generator ends in
   * does too: the engine holds the shapes an object passes through from the class's first one
   * only while an object has them, and optimised code that checks for a shape that is gone is
   * thrown away, as code holding a dead source's closures was.
   */
  static readonly shape = new Xoshiro128(1, 0, 0, 0);

  constructor(a: number, b: number, c: number, d: number) {
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  uint32(): number {
    let s0 = this.s0,
      s1 = this.s1,
      s2 = this.s2,
      s3 = this.s3;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return result;
  }

  uniform(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  normal(): number {
    const spare = this.spare;
    if (!Number.isNaN(spare)) {
      this.spare = NaN;
      return spare;
    }
    const one = this.one;
    this.polarInto(one, 0, 1);
    return one[0]!;
  }

  /**
   * out[from…to) ← standard normals from Marsaglia polar pairs (two 53-bit uniforms u, v in
   * (−1, 1) from four xoshiro128** outputs, s = u² + v² in (0, 1), u·m and v·m with
   * m = √(−2 ln s / s)); an odd count leaves the pair's v·m as the spare. The generator's words
   * are held in locals for the loop and written back once.
   */
  polarInto(out: Float64Array, from: number, to: number): void {
    const words = this.words;
    let a = this.s0,
      b = this.s1,
      c = this.s2,
      d = this.s3;
    let i = from;
    while (i < to) {
      let u: number, v: number, q: number;
      do {
        for (let k = 0; k < 4; k++) {
          words[k] = Math.imul(rotl(Math.imul(b, 5), 7), 9);
          const t = b << 9;
          c ^= a;
          d ^= b;
          b ^= c;
          a ^= d;
          c ^= t;
          d = (d << 11) | (d >>> 21);
        }
        u = 2 * (((words[0]! >>> 5) * 67108864 + (words[1]! >>> 6)) / 9007199254740992) - 1;
        v = 2 * (((words[2]! >>> 5) * 67108864 + (words[3]! >>> 6)) / 9007199254740992) - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const m = Math.sqrt((-2 * Math.log(q)) / q);
      out[i++] = u * m;
      if (i < to) out[i++] = v * m;
      else this.spare = v * m;
    }
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
  }
}

/** The generator of each Random this module made (see {@link randomDraws}). */
const generators = new WeakMap<object, Xoshiro128>();

function fromWords(seed: number, a: number, b: number, c: number, d: number): Random {
  const g = new Xoshiro128(a, b, c, d);
  const uint32 = () => g.uint32();
  const uniform = () => g.uniform();
  const int = (n: number) => {
    checkInteger('n', n, { min: 1, max: 2 ** 32 });
    // Rejection sampling removes modulo bias.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x: number;
    do x = g.uint32();
    while (x >= limit);
    return x % n;
  };
  const rng: Random = {
    seed,
    uint32,
    uniform,
    uniformIn(lo, hi) {
      checkFinite('a', lo);
      checkFinite('b', hi);
      return lo + (hi - lo) * g.uniform();
    },
    normal: () => g.normal(),
    int,
    fillNormal(out, mean = 0, std = 1) {
      checkOut(out);
      checkFinite('mean', mean);
      checkNonNegative('std', std);
      // The numbers of `normal()` called out.length times: the spare first, then whole pairs.
      const n = out.length;
      let i = 0;
      if (n > 0 && !Number.isNaN(g.spare)) {
        out[i++] = g.spare;
        g.spare = NaN;
      }
      g.polarInto(out, i, n);
      for (let j = 0; j < n; j++) out[j] = mean + std * out[j]!;
      return out;
    },
    fillUniform(out, lo = 0, hi = 1) {
      checkOut(out);
      checkFinite('a', lo);
      checkFinite('b', hi);
      for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * g.uniform();
      return out;
    },
    shuffle(a) {
      if (!Array.isArray(a) && !(ArrayBuffer.isView(a) && !(a instanceof DataView))) invalid('a', 'an array or typed array to shuffle in place', a);
      for (let i = a.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
      }
      return a;
    },
    permutation(n) {
      checkInteger('n', n, { min: 0 });
      const p = new Uint32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      return rng.shuffle(p);
    },
    fork(label) {
      if (!(typeof label === 'string' && label !== '') && !(typeof label === 'number' && Number.isFinite(label))) {
        invalid('label', 'a non-empty string or a finite number naming the fork', label);
      }
      const mix = splitmix32((g.uint32() ^ hashLabel(label)) >>> 0);
      return fromWords(seed, mix(), mix(), mix(), mix());
    },
    getState: () => ({ seed, words: [g.s0 >>> 0, g.s1 >>> 0, g.s2 >>> 0, g.s3 >>> 0], spareNormal: Number.isNaN(g.spare) ? null : g.spare }),
    setState(state) {
      const st = checkRandomState('state', state);
      const [w0, w1, w2, w3] = st.words;
      g.s0 = w0 | 0;
      g.s1 = w1 | 0;
      g.s2 = w2 | 0;
      g.s3 = w3 | 0;
      g.spare = st.spareNormal ?? NaN;
    },
  };
  generators.set(rng, g);
  return rng;
}

/**
 * `uint32`, `uniform` and `normal` of a Random for a hot loop. For a source made by
 * {@link createRandom}, {@link restoreRandom} or `fork`: its generator, whose methods are the
 * same functions for every source (the source's own are closures made for it), so an engine's
 * optimised loop holds nothing that dies with the source, and is not thrown away (to run in
 * the interpreter again) at the next full collection after the source is gone. Any other
 * object — a Random of the caller's own — is returned as it is. Either way the draws are the
 * source's: the same numbers, advancing its stream, interleaved with its other methods as
 * called.
 *
 * @example
 * ```ts
 * const rng = createRandom(3);
 * const draws = randomDraws(rng);
 * draws.normal(); // what rng.normal() would have given
 * ```
 */
export function randomDraws(rng: Random): RandomDraws {
  if (rng === null || typeof rng !== 'object') invalid('rng', 'a Random (createRandom(seed))', rng);
  return generators.get(rng) ?? rng;
}

function checkRandomState(argument: string, state: unknown): RandomState {
  const o = state as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object') invalid(argument, 'a RandomState { seed, words, spareNormal }', state);
  checkInteger(`${argument}.seed`, o['seed'], { min: 0, max: 2 ** 32 - 1 });
  const words = o['words'];
  if (!Array.isArray(words) || words.length !== 4) invalid(`${argument}.words`, 'four 32-bit state words', words);
  words.forEach((w, i) => checkInteger(`${argument}.words[${i}]`, w, { min: 0, max: 2 ** 32 - 1 }));
  if ((words[0] | words[1] | words[2] | words[3]) === 0)
    invalid(`${argument}.words`, 'state words not all zero (xoshiro128** never reaches that state)', 'four zeros');
  const spare = o['spareNormal'];
  if (spare !== null) checkFinite(`${argument}.spareNormal`, spare);
  return o as unknown as RandomState;
}

/** The buffer a fill writes into: a Float64Array (written in place and returned). */
function checkOut(out: unknown): void {
  if (!(out instanceof Float64Array)) invalid('out', 'a Float64Array to fill', out);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Create a seeded random source. The seed is any integer in [0, 2³²); equal seeds give
 * identical streams everywhere.
 *
 * @example
 * ```ts
 * const rng = createRandom(42);
 * const w = rng.fillNormal(new Float64Array(100), 0, 0.1);
 * ```
 */
export function createRandom(seed: number): Random {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    invalid('seed', 'an integer in [0, 2^32)', seed);
  }
  const mix = splitmix32(seed);
  return fromWords(seed, mix(), mix(), mix(), mix());
}

/**
 * A random source positioned at a saved {@link RandomState}: it draws exactly what the source
 * that gave the state would have drawn next.
 *
 * @example
 * ```ts
 * const rng = createRandom(7);
 * rng.normal();
 * const again = restoreRandom(JSON.parse(JSON.stringify(rng.getState())));
 * again.normal() === rng.normal(); // true
 * ```
 */
export function restoreRandom(state: RandomState): Random {
  const st = checkRandomState('state', state);
  const rng = fromWords(st.seed, ...st.words);
  rng.setState(st);
  return rng;
}
