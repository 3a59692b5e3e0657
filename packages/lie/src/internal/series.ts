/**
 * The scalar functions of the rotation angle θ that the closed forms of SO(3), SE(2) and SE(3)
 * are built from, each with a named Taylor branch where the closed form cancels (small θ).
 * Each threshold is where the closed form's cancellation error (written next to it) and the
 * series' truncation error are both below ~1e-14 relative.
 */

/** sin θ / θ. The closed form does not cancel; only θ → 0 needs the series. */
export function sinc(t: number): number {
  if (Math.abs(t) < 1e-4) {
    const t2 = t * t;
    return 1 - (t2 / 6) * (1 - t2 / 20);
  }
  return Math.sin(t) / t;
}

/** (1 − cos θ)/θ², as ½·sinc(θ/2)², which does not cancel. */
export function versinc(t: number): number {
  const s = sinc(t / 2);
  return 0.5 * s * s;
}

/** θ / sin θ for |θ| < π (the SO(3) logarithm's scale). */
export function invSinc(t: number): number {
  if (Math.abs(t) < 1e-4) {
    const t2 = t * t;
    return 1 + t2 / 6 + (7 * t2 * t2) / 360;
  }
  return t / Math.sin(t);
}

/** Σ_k (−1)^k θ^{2k}/(2k + m)!: the series of the three cancelling closed forms below. */
function alternatingSeries(t2: number, m: number, terms: number): number {
  let f = 1;
  for (let i = 2; i <= m; i++) f *= i;
  let sum = 0;
  let power = 1;
  for (let k = 0; k < terms; k++) {
    sum += (k % 2 === 0 ? power : -power) / f;
    power *= t2;
    f *= (2 * k + m + 1) * (2 * k + m + 2);
  }
  return sum;
}

/** (θ − sin θ)/θ³ (closed form cancels as 6ε/θ²; series below 0.5). */
export function cubicSinc(t: number): number {
  const t2 = t * t;
  if (Math.abs(t) < 0.5) return alternatingSeries(t2, 3, 10);
  return (t - Math.sin(t)) / (t2 * t);
}

/** (θ² − 4 sin²(θ/2))/(2θ⁴) = (θ² + 2cos θ − 2)/(2θ⁴), Barfoot's second SE(3) coefficient (1/24 at 0). */
export function quarticCos(t: number): number {
  const t2 = t * t;
  if (Math.abs(t) < 1) return alternatingSeries(t2, 4, 12);
  const s = Math.sin(t / 2);
  return (t2 - 4 * s * s) / (2 * t2 * t2);
}

/** (2θ − 3 sin θ + θ cos θ)/(2θ⁵), Barfoot's third SE(3) coefficient (1/120 at 0). */
export function quinticSin(t: number): number {
  const t2 = t * t;
  if (Math.abs(t) < 1) {
    // Σ_k (−1)^k (k + 1) θ^{2k}/(2k + 5)!
    let f = 120;
    let sum = 0;
    let power = 1;
    for (let k = 0; k < 12; k++) {
      sum += ((k % 2 === 0 ? 1 : -1) * (k + 1) * power) / f;
      power *= t2;
      f *= (2 * k + 6) * (2 * k + 7);
    }
    return sum;
  }
  return (2 * t - 3 * Math.sin(t) + t * Math.cos(t)) / (2 * t2 * t2 * t);
}

/** |B₂ₖ| for k = 1 … 8. */
const BERNOULLI_EVEN = [1 / 6, 1 / 30, 1 / 42, 1 / 30, 5 / 66, 691 / 2730, 7 / 6, 3617 / 510];

/**
 * (1 − (θ/2)·cot(θ/2))/θ² = 1/θ² − (1 + cos θ)/(2θ sin θ) = Σ_k |B₂ₖ| θ^{2k−2}/(2k)!, the ŵ²
 * coefficient of the inverse SO(3) Jacobian. Finite at θ = π (1/π²), singular at θ = 2π.
 * The closed form cancels as 12ε/θ²; the series is used below 0.5.
 */
export function inverseJacobianCoefficient(t: number): number {
  const t2 = t * t;
  if (Math.abs(t) < 0.5) {
    let sum = 0;
    let power = 1;
    let f = 2;
    for (let k = 1; k <= BERNOULLI_EVEN.length; k++) {
      sum += (BERNOULLI_EVEN[k - 1]! * power) / f;
      power *= t2;
      f *= (2 * k + 1) * (2 * k + 2);
    }
    return sum;
  }
  const h = t / 2;
  return (1 - (h * Math.cos(h)) / Math.sin(h)) / t2;
}
