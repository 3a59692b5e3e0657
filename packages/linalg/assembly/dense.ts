// The dense kernels of generalEigen and spectralRadius, in AssemblyScript, compiled to the
// WebAssembly module of src/dense-wasm-bytes.ts (`npx nx build:wasm @phaseflow/linalg`, which runs
// tools/build-wasm.mjs).
//
// Each function is its TypeScript twin in src/general-eigen.ts or src/spectral.ts line for
// line: the same operations on the same values in the same order (WebAssembly's f64 add, mul,
// div, sqrt, abs, min and max are IEEE binary64 without contraction, as JavaScript's), so the
// same bits. Arrays are byte offsets into the imported memory; indices are in doubles.
//
// Why a module at all: these loops run a few hundred times per reservoir build, and in a fresh
// process the engine runs JavaScript unoptimised (every double boxed) until each function has
// run for a while and been compiled in the background — most of a first build's time. A
// WebAssembly module is compiled before its first call.

// ---- memory ------------------------------------------------------------------------------

function ld(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}

function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}

const EPS: f64 = 2.220446049250313e-16; // 2⁻⁵²

// ---- generalEigen: orthes ----------------------------------------------------------------

function householderLeft(H: usize, n: i32, ort: usize, m: i32, high: i32, h: f64): void {
  for (let j = m; j < n; j++) {
    let f: f64 = 0;
    for (let i = high; i >= m; i--) f += ld(ort, i) * ld(H, i * n + j);
    f /= h;
    for (let i = m; i <= high; i++) st(H, i * n + j, ld(H, i * n + j) - f * ld(ort, i));
  }
}

function householderRight(H: usize, n: i32, ort: usize, m: i32, high: i32, h: f64): void {
  for (let i = 0; i <= high; i++) {
    const row = i * n;
    let f: f64 = 0;
    for (let j = high; j >= m; j--) f += ld(ort, j) * ld(H, row + j);
    f /= h;
    for (let j = m; j <= high; j++) st(H, row + j, ld(H, row + j) - f * ld(ort, j));
  }
}

function accumulateHouseholder(V: usize, n: i32, ort: usize, m: i32, high: i32, hm: f64): void {
  for (let j = m; j <= high; j++) {
    let g: f64 = 0;
    for (let i = m; i <= high; i++) g += ld(ort, i) * ld(V, i * n + j);
    g = g / ld(ort, m) / hm;
    for (let i = m; i <= high; i++) st(V, i * n + j, ld(V, i * n + j) + g * ld(ort, i));
  }
}

function orthes(H: usize, V: usize, n: i32, ort: usize): void {
  const high = n - 1;
  memory.fill(ort, 0, (<usize>n) << 3);
  for (let m = 1; m <= high - 1; m++) {
    let scale: f64 = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(ld(H, i * n + m - 1));
    if (scale == 0) continue;
    let h: f64 = 0;
    for (let i = high; i >= m; i--) {
      const v = ld(H, i * n + m - 1) / scale;
      st(ort, i, v);
      h += v * v;
    }
    let g = Math.sqrt(h);
    if (ld(ort, m) > 0) g = -g;
    h -= ld(ort, m) * g;
    st(ort, m, ld(ort, m) - g);
    householderLeft(H, n, ort, m, high, h);
    householderRight(H, n, ort, m, high, h);
    st(ort, m, scale * ld(ort, m));
    st(H, m * n + m - 1, scale * g);
  }
  memory.fill(V, 0, (<usize>n * <usize>n) << 3);
  for (let i = 0; i < n; i++) st(V, i * n + i, 1);
  for (let m = high - 1; m >= 1; m--) {
    const hm = ld(H, m * n + m - 1);
    if (hm == 0) continue;
    for (let i = m + 1; i <= high; i++) st(ort, i, ld(H, i * n + m - 1));
    accumulateHouseholder(V, n, ort, m, high, hm);
  }
}

// ---- generalEigen: hqr2 ------------------------------------------------------------------

let cdivRe: f64 = 0;
let cdivIm: f64 = 0;

function cdiv(xr: f64, xi: f64, yr: f64, yi: f64): void {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr;
    const d = yr + r * yi;
    cdivRe = (xr + r * xi) / d;
    cdivIm = (xi - r * xr) / d;
  } else {
    const r = yr / yi;
    const d = yi + r * yr;
    cdivRe = (r * xr + xi) / d;
    cdivIm = (r * xi - xr) / d;
  }
}

function rowColumnDot(H: usize, nn: i32, i: i32, col: i32, l: i32, n: i32): f64 {
  let r: f64 = 0;
  for (let j = l; j <= n; j++) r += ld(H, i * nn + j) * ld(H, j * nn + col);
  return r;
}

function backTransform(V: usize, H: usize, nn: i32, low: i32, high: i32, row: usize): void {
  for (let i = low; i <= high; i++) {
    const vi = i * nn;
    for (let j = 0; j < nn; j++) st(row, j, ld(V, vi + j));
    for (let j = nn - 1; j >= low; j--) {
      let acc: f64 = 0;
      for (let k = low; k <= j; k++) acc += ld(row, k) * ld(H, k * nn + j);
      st(V, vi + j, acc);
    }
  }
}

function reflectRows(M: usize, nn: i32, k: i32, j0: i32, x: f64, y: f64, z: f64, q: f64, r: f64, three: bool): void {
  const a = k * nn,
    b = a + nn,
    c = b + nn;
  for (let j = j0; j < nn; j++) {
    let p = ld(M, a + j) + q * ld(M, b + j);
    if (three) {
      p += r * ld(M, c + j);
      st(M, c + j, ld(M, c + j) - p * z);
    }
    st(M, a + j, ld(M, a + j) - p * x);
    st(M, b + j, ld(M, b + j) - p * y);
  }
}

function reflectColumns(M: usize, nn: i32, k: i32, i0: i32, i1: i32, x: f64, y: f64, z: f64, q: f64, r: f64, three: bool): void {
  for (let i = i0; i <= i1; i++) {
    const o = i * nn + k;
    let p = x * ld(M, o) + y * ld(M, o + 1);
    if (three) {
      p += z * ld(M, o + 2);
      st(M, o + 2, ld(M, o + 2) - p * r);
    }
    st(M, o, ld(M, o) - p);
    st(M, o + 1, ld(M, o + 1) - p * q);
  }
}

function deflationIndex(H: usize, nn: i32, n: i32, low: i32, norm: f64): i32 {
  let l = n;
  while (l > low) {
    let s = Math.abs(ld(H, (l - 1) * nn + l - 1)) + Math.abs(ld(H, l * nn + l));
    if (s == 0) s = norm;
    if (Math.abs(ld(H, l * nn + l - 1)) <= EPS * s) break;
    l--;
  }
  return l;
}

function rotatePair(H: usize, V: usize, nn: i32, n: i32, low: i32, high: i32, p: f64, q: f64): void {
  for (let j = n - 1; j < nn; j++) {
    const z = ld(H, (n - 1) * nn + j);
    st(H, (n - 1) * nn + j, q * z + p * ld(H, n * nn + j));
    st(H, n * nn + j, q * ld(H, n * nn + j) - p * z);
  }
  for (let i = 0; i <= n; i++) {
    const z = ld(H, i * nn + n - 1);
    st(H, i * nn + n - 1, q * z + p * ld(H, i * nn + n));
    st(H, i * nn + n, q * ld(H, i * nn + n) - p * z);
  }
  for (let i = low; i <= high; i++) {
    const z = ld(V, i * nn + n - 1);
    st(V, i * nn + n - 1, q * z + p * ld(V, i * nn + n));
    st(V, i * nn + n, q * ld(V, i * nn + n) - p * z);
  }
}

let shiftP: f64 = 0;
let shiftQ: f64 = 0;
let shiftR: f64 = 0;

function shiftStart(H: usize, nn: i32, l: i32, n: i32, x: f64, y: f64, w: f64): i32 {
  let m = n - 2;
  let p: f64 = 0,
    q: f64 = 0,
    r: f64 = 0;
  while (m >= l) {
    const z = ld(H, m * nn + m);
    r = x - z;
    let s = y - z;
    p = (r * s - w) / ld(H, (m + 1) * nn + m) + ld(H, m * nn + m + 1);
    q = ld(H, (m + 1) * nn + m + 1) - z - r - s;
    r = ld(H, (m + 2) * nn + m + 1);
    s = Math.abs(p) + Math.abs(q) + Math.abs(r);
    p /= s;
    q /= s;
    r /= s;
    if (m == l) break;
    if (
      Math.abs(ld(H, m * nn + m - 1)) * (Math.abs(q) + Math.abs(r)) <
      EPS * (Math.abs(p) * (Math.abs(ld(H, (m - 1) * nn + m - 1)) + Math.abs(z) + Math.abs(ld(H, (m + 1) * nn + m + 1))))
    ) {
      break;
    }
    m--;
  }
  shiftP = p;
  shiftQ = q;
  shiftR = r;
  return m;
}

function doubleQrStep(H: usize, V: usize, nn: i32, l: i32, m: i32, n: i32, low: i32, high: i32, p: f64, q: f64, r: f64): void {
  for (let i = m + 2; i <= n; i++) {
    st(H, i * nn + i - 2, 0);
    if (i > m + 2) st(H, i * nn + i - 3, 0);
  }
  let x: f64 = 0;
  for (let k = m; k <= n - 1; k++) {
    const notlast = k != n - 1;
    if (k != m) {
      p = ld(H, k * nn + k - 1);
      q = ld(H, (k + 1) * nn + k - 1);
      r = notlast ? ld(H, (k + 2) * nn + k - 1) : 0;
      x = Math.abs(p) + Math.abs(q) + Math.abs(r);
      if (x == 0) continue;
      p /= x;
      q /= x;
      r /= x;
    }
    let s = Math.sqrt(p * p + q * q + r * r);
    if (p < 0) s = -s;
    if (s == 0) continue;
    if (k != m) st(H, k * nn + k - 1, -s * x);
    else if (l != m) st(H, k * nn + k - 1, -ld(H, k * nn + k - 1));
    p += s;
    const u = p / s,
      v = q / s,
      z = r / s;
    q /= p;
    r /= p;
    reflectRows(H, nn, k, k, u, v, z, q, r, notlast);
    reflectColumns(H, nn, k, 0, min<i32>(n, k + 3), u, v, z, q, r, notlast);
    reflectColumns(V, nn, k, low, high, u, v, z, q, r, notlast);
  }
}

function realVector(H: usize, d: usize, e: usize, nn: i32, n: i32, norm: f64): void {
  const p = ld(d, n);
  let l = n;
  let z: f64 = 0,
    s: f64 = 0;
  st(H, n * nn + n, 1);
  for (let i = n - 1; i >= 0; i--) {
    const w = ld(H, i * nn + i) - p;
    const r = rowColumnDot(H, nn, i, n, l, n);
    if (ld(e, i) < 0) {
      z = w;
      s = r;
    } else {
      l = i;
      if (ld(e, i) == 0) {
        st(H, i * nn + n, w != 0 ? -r / w : -r / (EPS * norm));
      } else {
        const x = ld(H, i * nn + i + 1);
        const y = ld(H, (i + 1) * nn + i);
        const q = (ld(d, i) - p) * (ld(d, i) - p) + ld(e, i) * ld(e, i);
        const t = (x * s - z * r) / q;
        st(H, i * nn + n, t);
        st(H, (i + 1) * nn + n, Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z);
      }
      const t = Math.abs(ld(H, i * nn + n));
      if (EPS * t * t > 1) for (let j = i; j <= n; j++) st(H, j * nn + n, ld(H, j * nn + n) / t);
    }
  }
}

function complexVector(H: usize, d: usize, e: usize, nn: i32, n: i32, norm: f64): void {
  const p = ld(d, n);
  const q = ld(e, n);
  let l = n - 1;
  if (Math.abs(ld(H, n * nn + n - 1)) > Math.abs(ld(H, (n - 1) * nn + n))) {
    st(H, (n - 1) * nn + n - 1, q / ld(H, n * nn + n - 1));
    st(H, (n - 1) * nn + n, -(ld(H, n * nn + n) - p) / ld(H, n * nn + n - 1));
  } else {
    cdiv(0, -ld(H, (n - 1) * nn + n), ld(H, (n - 1) * nn + n - 1) - p, q);
    st(H, (n - 1) * nn + n - 1, cdivRe);
    st(H, (n - 1) * nn + n, cdivIm);
  }
  st(H, n * nn + n - 1, 0);
  st(H, n * nn + n, 1);
  let z: f64 = 0,
    r: f64 = 0,
    s: f64 = 0;
  for (let i = n - 2; i >= 0; i--) {
    const ra = rowColumnDot(H, nn, i, n - 1, l, n);
    const sa = rowColumnDot(H, nn, i, n, l, n);
    const w = ld(H, i * nn + i) - p;
    if (ld(e, i) < 0) {
      z = w;
      r = ra;
      s = sa;
    } else {
      l = i;
      if (ld(e, i) == 0) {
        cdiv(-ra, -sa, w, q);
        st(H, i * nn + n - 1, cdivRe);
        st(H, i * nn + n, cdivIm);
      } else {
        const x = ld(H, i * nn + i + 1);
        const y = ld(H, (i + 1) * nn + i);
        let vr = (ld(d, i) - p) * (ld(d, i) - p) + ld(e, i) * ld(e, i) - q * q;
        const vi = (ld(d, i) - p) * 2 * q;
        if (vr == 0 && vi == 0) vr = EPS * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
        cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
        st(H, i * nn + n - 1, cdivRe);
        st(H, i * nn + n, cdivIm);
        if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
          st(H, (i + 1) * nn + n - 1, (-ra - w * ld(H, i * nn + n - 1) + q * ld(H, i * nn + n)) / x);
          st(H, (i + 1) * nn + n, (-sa - w * ld(H, i * nn + n) - q * ld(H, i * nn + n - 1)) / x);
        } else {
          cdiv(-r - y * ld(H, i * nn + n - 1), -s - y * ld(H, i * nn + n), z, q);
          st(H, (i + 1) * nn + n - 1, cdivRe);
          st(H, (i + 1) * nn + n, cdivIm);
        }
      }
      const t = Math.max(Math.abs(ld(H, i * nn + n - 1)), Math.abs(ld(H, i * nn + n)));
      if (EPS * t * t > 1) {
        for (let j = i; j <= n; j++) {
          st(H, j * nn + n - 1, ld(H, j * nn + n - 1) / t);
          st(H, j * nn + n, ld(H, j * nn + n) / t);
        }
      }
    }
  }
}

/** Where the last failed `eigen` stopped: the index n of the eigenvalues not yet found (0 … n). */
let unfound: i32 = -1;

export function eigenUnfound(): i32 {
  return unfound;
}

/** Returns the iterations taken, or −1 after maxIterations (eigenUnfound() says where it stopped; d, e hold the values found above it). */
function hqr2(H: usize, V: usize, d: usize, e: usize, nn: i32, maxIterations: i32, row: usize): i32 {
  const low = 0;
  const high = nn - 1;
  let n = nn - 1;
  let exshift: f64 = 0;
  let norm: f64 = 0;
  for (let i = 0; i < nn; i++) for (let j = max<i32>(i - 1, 0); j < nn; j++) norm += Math.abs(ld(H, i * nn + j));
  let iter = 0;
  let total = 0;
  while (n >= low) {
    const l = deflationIndex(H, nn, n, low, norm);
    if (l == n) {
      st(H, n * nn + n, ld(H, n * nn + n) + exshift);
      st(d, n, ld(H, n * nn + n));
      st(e, n, 0);
      n--;
      iter = 0;
    } else if (l == n - 1) {
      const w = ld(H, n * nn + n - 1) * ld(H, (n - 1) * nn + n);
      let p = (ld(H, (n - 1) * nn + n - 1) - ld(H, n * nn + n)) / 2;
      let q = p * p + w;
      let z = Math.sqrt(Math.abs(q));
      st(H, n * nn + n, ld(H, n * nn + n) + exshift);
      st(H, (n - 1) * nn + n - 1, ld(H, (n - 1) * nn + n - 1) + exshift);
      let x = ld(H, n * nn + n);
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        st(d, n - 1, x + z);
        st(d, n, z != 0 ? x - w / z : x + z);
        st(e, n - 1, 0);
        st(e, n, 0);
        x = ld(H, n * nn + n - 1);
        const s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        const r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        rotatePair(H, V, nn, n, low, high, p, q);
      } else {
        st(d, n - 1, x + p);
        st(d, n, x + p);
        st(e, n - 1, z);
        st(e, n, -z);
      }
      n -= 2;
      iter = 0;
    } else {
      if (total >= maxIterations) {
        unfound = n;
        return -1;
      }
      let x = ld(H, n * nn + n);
      let y: f64 = 0;
      let w: f64 = 0;
      if (l < n) {
        y = ld(H, (n - 1) * nn + n - 1);
        w = ld(H, n * nn + n - 1) * ld(H, (n - 1) * nn + n);
      }
      if (iter == 10) {
        exshift += x;
        for (let i = low; i <= n; i++) st(H, i * nn + i, ld(H, i * nn + i) - x);
        const s = Math.abs(ld(H, n * nn + n - 1)) + Math.abs(ld(H, (n - 1) * nn + n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter == 30) {
        let s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) st(H, i * nn + i, ld(H, i * nn + i) - s);
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      total++;
      const m = shiftStart(H, nn, l, n, x, y, w);
      doubleQrStep(H, V, nn, l, m, n, low, high, shiftP, shiftQ, shiftR);
    }
  }
  if (norm == 0) return total;
  for (n = nn - 1; n >= 0; n--) {
    if (ld(e, n) == 0) realVector(H, d, e, nn, n, norm);
    else if (ld(e, n) < 0) complexVector(H, d, e, nn, n, norm);
  }
  backTransform(V, H, nn, low, high, row);
  return total;
}

/**
 * generalEigen on the n × n matrix at H (overwritten): eigenvectors into V (n × n), eigenvalues
 * into re, im (n each); `ort` and `row` are scratch of n doubles each. Returns the QR
 * iterations, or −1 after maxIterations (see eigenUnfound).
 */
export function eigen(H: usize, V: usize, re: usize, im: usize, ort: usize, row: usize, n: i32, maxIterations: i32): i32 {
  unfound = -1;
  orthes(H, V, n, ort);
  return hqr2(H, V, re, im, n, maxIterations, row);
}

// ---- spectralRadius ----------------------------------------------------------------------

export function norm(x: usize, off: i32, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += ld(x, off + i) * ld(x, off + i);
  return Math.sqrt(s);
}

export function divideInto(out: usize, o: i32, x: usize, d: f64, n: i32): void {
  for (let r = 0; r < n; r++) st(out, o + r, ld(x, r) / d);
}

export function leadingBlock(H: usize, m: i32, k: i32, out: usize): void {
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) st(out, i * k + j, ld(H, i * m + j));
}

export function gramSchmidtPass(V: usize, rows: i32, n: i32, w: usize, h: usize, c: usize): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const a0 = i * n,
      a1 = a0 + n,
      a2 = a1 + n,
      a3 = a2 + n;
    let d0: f64 = 0,
      d1: f64 = 0,
      d2: f64 = 0,
      d3: f64 = 0;
    for (let r = 0; r < n; r++) {
      const x = ld(w, r);
      d0 += ld(V, a0 + r) * x;
      d1 += ld(V, a1 + r) * x;
      d2 += ld(V, a2 + r) * x;
      d3 += ld(V, a3 + r) * x;
    }
    st(c, i, d0);
    st(c, i + 1, d1);
    st(c, i + 2, d2);
    st(c, i + 3, d3);
  }
  for (; i < rows; i++) {
    let d: f64 = 0;
    const a = i * n;
    for (let r = 0; r < n; r++) d += ld(V, a + r) * ld(w, r);
    st(c, i, d);
  }
  i = 0;
  for (; i + 3 < rows; i += 4) {
    const a0 = i * n,
      a1 = a0 + n,
      a2 = a1 + n,
      a3 = a2 + n;
    const c0 = ld(c, i),
      c1 = ld(c, i + 1),
      c2 = ld(c, i + 2),
      c3 = ld(c, i + 3);
    for (let r = 0; r < n; r++) st(w, r, ld(w, r) - (c0 * ld(V, a0 + r) + c1 * ld(V, a1 + r) + c2 * ld(V, a2 + r) + c3 * ld(V, a3 + r)));
  }
  for (; i < rows; i++) {
    const ci = ld(c, i),
      a = i * n;
    for (let r = 0; r < n; r++) st(w, r, ld(w, r) - ci * ld(V, a + r));
  }
  for (let t = 0; t < rows; t++) st(h, t, ld(h, t) + ld(c, t));
}

function axpy(out: usize, o: i32, a: f64, x: usize, xo: i32, n: i32): void {
  for (let r = 0; r < n; r++) st(out, o + r, ld(out, o + r) + a * ld(x, xo + r));
}

function twoRowsFour(out: usize, y: i32, Q: usize, a: i32, k: i32, V: usize, x: i32, n: i32): void {
  const a0 = ld(Q, a),
    a1 = ld(Q, a + 1),
    a2 = ld(Q, a + 2),
    a3 = ld(Q, a + 3),
    b0 = ld(Q, a + k),
    b1 = ld(Q, a + k + 1),
    b2 = ld(Q, a + k + 2),
    b3 = ld(Q, a + k + 3);
  const x1 = x + n,
    x2 = x1 + n,
    x3 = x2 + n,
    y1 = y + n;
  for (let r = 0; r < n; r++) {
    const v0 = ld(V, x + r),
      v1 = ld(V, x1 + r),
      v2 = ld(V, x2 + r),
      v3 = ld(V, x3 + r);
    st(out, y + r, ld(out, y + r) + (a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3));
    st(out, y1 + r, ld(out, y1 + r) + (b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3));
  }
}

export function combineRows(out: usize, Q: usize, V: usize, q: i32, k: i32, n: i32): void {
  memory.fill(out, 0, (<usize>q * <usize>n) << 3);
  let t = 0;
  for (; t + 1 < q; t += 2) {
    const y0 = t * n,
      q0 = t * k;
    let j = 0;
    for (; j + 3 < k; j += 4) twoRowsFour(out, y0, Q, q0 + j, k, V, j * n, n);
    for (; j < k; j++) {
      axpy(out, y0, ld(Q, q0 + j), V, j * n, n);
      axpy(out, y0 + n, ld(Q, q0 + k + j), V, j * n, n);
    }
  }
  for (; t < q; t++) for (let j = 0; j < k; j++) axpy(out, t * n, ld(Q, t * k + j), V, j * n, n);
}

/** H[0…q, 0…q) (row stride m) = Q·H_k·Qᵀ, through HQ (k × q scratch). */
export function projectHessenberg(H: usize, m: i32, Q: usize, k: i32, q: i32, HQ: usize): void {
  for (let i = 0; i < k; i++) {
    for (let t = 0; t < q; t++) {
      let d: f64 = 0;
      for (let j = 0; j < k; j++) d += ld(H, i * m + j) * ld(Q, t * k + j);
      st(HQ, i * q + t, d);
    }
  }
  for (let a = 0; a < q; a++) {
    for (let t = 0; t < q; t++) {
      let d: f64 = 0;
      for (let i = 0; i < k; i++) d += ld(Q, a * k + i) * ld(HQ, i * q + t);
      st(H, a * m + t, d);
    }
  }
}

export function orthonormalInto(V: usize, row: i32, w: usize, n: i32): i32 {
  const off = row * n;
  const nrm0 = norm(w, 0, n);
  if (nrm0 == 0) return 0;
  for (let r = 0; r < n; r++) st(V, off + r, ld(w, r));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < row; i++) {
      let d: f64 = 0;
      const vi = i * n;
      for (let r = 0; r < n; r++) d += ld(V, vi + r) * ld(V, off + r);
      for (let r = 0; r < n; r++) st(V, off + r, ld(V, off + r) - d * ld(V, vi + r));
    }
  }
  const nrm = norm(V, off, n);
  if (nrm <= 1e-12 * nrm0) return 0;
  for (let r = 0; r < n; r++) st(V, off + r, ld(V, off + r) / nrm);
  return 1;
}
