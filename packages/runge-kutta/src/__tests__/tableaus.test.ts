import { describe, expect, it } from 'vitest';
import { BS3, DOP853, DOPRI5, EULER, HEUN, MIDPOINT, RALSTON, RK38, RK4, TSIT5, type ButcherTableau } from '@phaseflow/runge-kutta';

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const A = (t: ButcherTableau, v: readonly number[]) => t.c.map((_, i) => dot(t.a[i]!, v));

/** Residuals of the order conditions (Butcher trees) up to order min(p, 5) for weights b. */
function residuals(t: ButcherTableau, b: readonly number[], p: number): number[] {
  const c = t.c;
  const c2 = c.map((x) => x * x);
  const c3 = c.map((x) => x ** 3);
  const Ac = A(t, c);
  const out = [
    dot(
      b,
      c.map(() => 1),
    ) - 1,
  ];
  if (p >= 2) out.push(dot(b, c) - 1 / 2);
  if (p >= 3) out.push(dot(b, c2) - 1 / 3, dot(b, Ac) - 1 / 6);
  if (p >= 4) {
    out.push(
      dot(b, c3) - 1 / 4,
      dot(
        b,
        c.map((x, i) => x * Ac[i]!),
      ) -
        1 / 8,
      dot(b, A(t, c2)) - 1 / 12,
      dot(b, A(t, Ac)) - 1 / 24,
    );
  }
  if (p >= 5) {
    const AAc = A(t, Ac);
    out.push(
      dot(
        b,
        c.map((x) => x ** 4),
      ) -
        1 / 5,
      dot(
        b,
        c.map((x, i) => x * x * Ac[i]!),
      ) -
        1 / 10,
      dot(
        b,
        c.map((x, i) => x * A(t, c2)[i]!),
      ) -
        1 / 15,
      dot(
        b,
        c.map((x, i) => x * AAc[i]!),
      ) -
        1 / 30,
      dot(
        b,
        Ac.map((x) => x * x),
      ) -
        1 / 20,
      dot(b, A(t, c3)) - 1 / 20,
      dot(
        b,
        A(
          t,
          c.map((x, i) => x * Ac[i]!),
        ),
      ) -
        1 / 40,
      dot(b, A(t, A(t, c2))) - 1 / 60,
      dot(b, A(t, AAc)) - 1 / 120,
    );
  }
  return out;
}

const all = [EULER, MIDPOINT, HEUN, RALSTON, RK4, RK38, BS3, DOPRI5, TSIT5, DOP853];

describe('Butcher tableaux', () => {
  it.each(all.map((t) => [t.name, t] as const))('%s: row sums equal c (to rounding)', (_, t) => {
    for (let i = 0; i < t.c.length; i++) {
      expect(Math.abs(t.a[i]!.reduce((s, x) => s + x, 0) - t.c[i]!)).toBeLessThan(1e-14);
    }
  });
  it.each(all.map((t) => [t.name, t] as const))('%s: b satisfies the order conditions up to min(order, 5)', (_, t) => {
    // Tsit5 satisfies its conditions to ~1e-15 (coefficients rounded to double); the others exactly.
    for (const r of residuals(t, t.b, Math.min(t.order, 5))) expect(Math.abs(r)).toBeLessThan(1e-13);
  });
  it.each(all.map((t) => [t.name, t] as const))('%s: b does NOT satisfy the conditions of order p + 1 (order is exact)', (_, t) => {
    if (t.order >= 5) return; // the 6th-order trees are not coded here
    const r = residuals(t, t.b, t.order + 1);
    expect(Math.max(...r.map(Math.abs))).toBeGreaterThan(1e-6);
  });
  it.each([BS3, DOPRI5, TSIT5].map((t) => [t.name, t] as const))('%s: embedded b̂ = b − e has exactly order q', (_, t) => {
    const q = t.embedded!.errorOrder;
    const bHat = t.b.map((b, i) => b - t.embedded!.e[i]!);
    for (const r of residuals(t, bHat, q)) expect(Math.abs(r)).toBeLessThan(1e-13);
    expect(Math.max(...residuals(t, bHat, q + 1).map(Math.abs))).toBeGreaterThan(1e-8);
  });
  it('DOP853: the 5th-order estimator weights sum to zero and the 3rd-order b̂ has order 3', () => {
    const e5 = DOP853.embedded!.e;
    expect(Math.abs(e5.reduce((s, x) => s + x, 0))).toBeLessThan(1e-14);
    const bHat3 = DOP853.b.map((b, i) => b - DOP853.embedded!.e3![i]!);
    for (const r of residuals(DOP853, bHat3, 3)) expect(Math.abs(r)).toBeLessThan(1e-13);
  });
  it.each([BS3, DOPRI5, TSIT5].map((t) => [t.name, t] as const))('%s: dense output reproduces b at θ = 1', (_, t) => {
    const d = t.dense!;
    if (d.kind !== 'polynomial') throw new Error('expected a polynomial interpolant');
    d.p.forEach((row, i) => expect(Math.abs(row.reduce((s, x) => s + x, 0) - t.b[i]!)).toBeLessThan(1e-14));
  });
});
