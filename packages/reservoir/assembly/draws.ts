// The draw loop of randomSparse (src/init.ts) in AssemblyScript, compiled to the WebAssembly
// module of src/draws-wasm-bytes.ts (`npx nx build:wasm @phaseflow/reservoir`, which runs
// tools/build-wasm.mjs).
//
// The same numbers as the TypeScript, from the same generator position: @phaseflow/core's
// xoshiro128** and Marsaglia polar method operation for operation, and the natural logarithm
// of fdlibm (e_log.c), which is the engine's Math.log (V8's base::ieee754::log is that port):
// WebAssembly has no logarithm instruction. The caller reads the generator's position with
// Random.getState, sets it here, and writes it back after the loop.
//
// Why a module at all: a reservoir's weights are tens of thousands of draws, and in a fresh
// process the engine runs the draw loop unoptimised (every call and every double boxed) until
// it has been compiled in the background — a quarter of a process's first 500-unit build. A
// WebAssembly module is compiled before its first call.

// ---- the generator -----------------------------------------------------------------------

let s0: u32 = 1;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;
/** The second deviate of the last polar pair, NaN when none is held. */
let spare: f64 = NaN;

/** Move the generator to the words (a, b, c, d) and the held deviate (NaN for none). */
export function setState(a: u32, b: u32, c: u32, d: u32, held: f64): void {
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
  spare = held;
}

/** State word i (0–3) as the unsigned 32-bit integer. */
export function stateWord(i: i32): u32 {
  return i == 0 ? s0 : i == 1 ? s1 : i == 2 ? s2 : s3;
}

/** The held deviate (NaN when none). */
export function heldNormal(): f64 {
  return spare;
}

function next(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

function uniform(): f64 {
  const a = <f64>(next() >>> 5);
  const b = <f64>(next() >>> 6);
  return (a * 67108864 + b) / 9007199254740992;
}

function normal(): f64 {
  if (!isNaN(spare)) {
    const held = spare;
    spare = NaN;
    return held;
  }
  let u: f64, v: f64, q: f64;
  do {
    const w0 = next(),
      w1 = next(),
      w2 = next(),
      w3 = next();
    u = 2 * ((<f64>(w0 >>> 5) * 67108864 + <f64>(w1 >>> 6)) / 9007199254740992) - 1;
    v = 2 * ((<f64>(w2 >>> 5) * 67108864 + <f64>(w3 >>> 6)) / 9007199254740992) - 1;
    q = u * u + v * v;
  } while (q >= 1 || q == 0);
  const m = Math.sqrt((-2 * log(q)) / q);
  spare = v * m;
  return u * m;
}

// ---- fdlibm's log (e_log.c, 5.3 95/01/18) --------------------------------------------------

const ln2_hi: f64 = 6.9314718036912381649e-1;
const ln2_lo: f64 = 1.90821492927058770002e-10;
const two54: f64 = 1.8014398509481984e16;
const Lg1: f64 = 6.66666666666673513e-1;
const Lg2: f64 = 3.999999999940941908e-1;
const Lg3: f64 = 2.857142874366239149e-1;
const Lg4: f64 = 2.222219843214978396e-1;
const Lg5: f64 = 1.818357216161805012e-1;
const Lg6: f64 = 1.531383769920937332e-1;
const Lg7: f64 = 1.479819860511658591e-1;

/** ln x, fdlibm's __ieee754_log (exported for the tests that hold it to Math.log). */
export function log(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <i32>(bits >> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity; // log(±0) = −∞
    if (hx < 0) return NaN; // log(−x) = NaN
    k -= 54;
    x *= two54; // a subnormal: scale up
    bits = reinterpret<u64>(x);
    hx = <i32>(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>(((<u64>(<u32>(hx | (i ^ 0x3ff00000)))) << 32) | (bits & 0xffffffff)); // x or x/2 normalised
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2⁻²⁰
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * ln2_hi - (R - dk * ln2_lo - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - (hfsq - (s * (hfsq + R) + dk * ln2_lo) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - (s * (f - R) - dk * ln2_lo - f);
}

// ---- randomSparse's loop -----------------------------------------------------------------

/**
 * The kept entries of a rows × cols matrix, row-major, each with probability p (geometric gaps,
 * logq = log1p(−p), p < 1; every entry when p ≥ 1), valued scale·ξ with ξ from `law` (0 normal,
 * 1 uniform on [−1, 1), 2 ±1): row counts into rowPtr[1…rows] (rowPtr zeroed by the caller,
 * then summed into offsets here), columns into colIdx, values into values. Returns the entries
 * kept, or −1 when more than `capacity` would be (nothing is valid then: the caller restores
 * the generator and draws again with room).
 */
export function sparse(rows: i32, cols: i32, p: f64, logq: f64, law: i32, scale: f64, rowPtr: usize, colIdx: usize, values: usize, capacity: i32): i32 {
  const total = <f64>rows * <f64>cols;
  let pos: f64 = -1;
  let nnz: i32 = 0;
  for (;;) {
    if (p >= 1) pos += 1;
    else {
      const u = 1 - uniform(); // (0, 1]
      pos += 1 + Math.floor(log(u) / logq);
    }
    if (pos >= total || !isFinite(pos)) break;
    if (nnz == capacity) return -1;
    const r = Math.floor(pos / <f64>cols);
    store<i32>(colIdx + ((<usize>nnz) << 2), <i32>(pos - r * <f64>cols));
    const rp = rowPtr + ((<usize>(<i32>r) + 1) << 2);
    store<i32>(rp, load<i32>(rp) + 1);
    let xi: f64;
    if (law == 0) xi = normal();
    else if (law == 1) xi = 2 * uniform() - 1;
    else xi = uniform() < 0.5 ? -1 : 1;
    store<f64>(values + ((<usize>nnz) << 3), scale * xi);
    nnz++;
  }
  for (let r = 0; r < rows; r++) {
    const at = rowPtr + ((<usize>r + 1) << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  return nnz;
}
