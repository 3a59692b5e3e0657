/**
 * Butcher's order conditions: a Runge–Kutta method has order p when Σᵢ bᵢ Φᵢ(t) = 1/γ(t) for
 * every rooted tree t with at most p vertices (Butcher 1963; Hairer, Nørsett & Wanner, Solving
 * ODEs I, §II.2, Theorem 2.13). Φ(t) is the elementary weight of the tree (Φ(•) = 1,
 * Φ([t₁…t_m])ᵢ = Πₖ (A Φ(tₖ))ᵢ) and γ(t) its density (γ(•) = 1, γ([t₁…t_m]) = |t|·Πₖ γ(tₖ)).
 */
import { PhaseflowError, checkFiniteArray, invalid } from '@phaseflow/core';
import type { ButcherTableau } from './tableau.js';

/** A rooted tree as the list of its root's subtrees (a leaf has none). */
interface Tree {
  readonly order: number;
  readonly children: readonly Tree[];
  readonly gamma: number;
  /** Bracket notation: `t` for the leaf, `[t t]` for the cherry, … */
  readonly label: string;
}

const LEAF: Tree = { order: 1, children: [], gamma: 1, label: 't' };
const byOrder: Tree[][] = [[], [LEAF]];

/** Every rooted tree with n vertices (1, 1, 2, 4, 9, 20, 48, 115, 286, … of them). */
function treesOfOrder(n: number): readonly Tree[] {
  for (let m = byOrder.length; m <= n; m++) {
    // Children of the root: multisets of trees of total order m − 1, listed in non-increasing
    // (order, index) so every multiset comes out once.
    const all: Tree[] = [];
    for (let k = 1; k < m; k++) all.push(...byOrder[k]!);
    const out: Tree[] = [];
    const pick = (remaining: number, maxIndex: number, chosen: Tree[]): void => {
      if (remaining === 0) {
        const gamma = chosen.reduce((g, t) => g * t.gamma, m);
        out.push({ order: m, children: [...chosen], gamma, label: `[${chosen.map((t) => t.label).join(' ')}]` });
        return;
      }
      for (let i = Math.min(maxIndex, all.length - 1); i >= 0; i--) {
        const t = all[i]!;
        if (t.order > remaining) continue;
        chosen.push(t);
        pick(remaining - t.order, i, chosen);
        chosen.pop();
      }
    };
    pick(m - 1, all.length - 1, []);
    byOrder.push(out);
  }
  return byOrder[n]!;
}

/** One order condition of a tableau and how far its weights miss it. */
export interface OrderConditionResidual {
  /** The tree, in bracket notation (`t`, `[t]`, `[t t]`, `[[t]]`, …). */
  readonly tree: string;
  /** Its number of vertices: the order at which the condition enters. */
  readonly order: number;
  /** Σ bᵢ Φᵢ(t) − 1/γ(t). */
  readonly residual: number;
  /** The scale the residual is measured against: Σ |bᵢ Φᵢ(t)| + 1/γ(t). */
  readonly scale: number;
}

/**
 * The residuals of Butcher's order conditions for the weights `b` over the stages (`c`, `a`),
 * for every rooted tree with at most `order` vertices (see the module comment).
 *
 * @example
 * ```ts
 * import { orderConditionResiduals, RK4 } from '@phaseflow/runge-kutta';
 * orderConditionResiduals(RK4.a, RK4.b, 4).every((r) => Math.abs(r.residual) < 1e-15); // true
 * ```
 */
export function orderConditionResiduals(a: readonly (readonly number[])[], b: readonly number[], order: number): OrderConditionResidual[] {
  const s = b.length;
  const phi = new Map<Tree, Float64Array>();
  const weight = (t: Tree): Float64Array => {
    let v = phi.get(t);
    if (v) return v;
    v = new Float64Array(s).fill(1);
    for (const child of t.children) {
      const w = weight(child);
      for (let i = 0; i < s; i++) {
        let acc = 0;
        const row = a[i] ?? [];
        for (let j = 0; j < row.length && j < s; j++) acc += row[j]! * w[j]!;
        v[i]! *= acc;
      }
    }
    phi.set(t, v);
    return v;
  };
  const out: OrderConditionResidual[] = [];
  for (let n = 1; n <= order; n++) {
    for (const t of treesOfOrder(n)) {
      const w = weight(t);
      let sum = 0;
      let abs = 0;
      for (let i = 0; i < s; i++) {
        sum += b[i]! * w[i]!;
        abs += Math.abs(b[i]! * w[i]!);
      }
      out.push({ tree: t.label, order: n, residual: sum - 1 / t.gamma, scale: abs + 1 / t.gamma });
    }
  }
  return out;
}

/** Relative tolerance of {@link checkTableau}: a residual may be this fraction of its scale. */
export const ORDER_CONDITION_TOLERANCE = 1e-12;

/**
 * Check an explicit Butcher tableau: its shape (c, strictly lower-triangular a, b of one
 * length s, finite numbers, c₁ = 0; an FSAL last stage at (t + h, y₁) with weight 0), the
 * row sums cᵢ = Σⱼ aᵢⱼ, Butcher's order conditions up
 * to the declared `order` for b, and up to `embedded.errorOrder` for the embedded weights
 * b̂ = b − e (over the stages and, when e is one longer, the stage f(t + h, y₁); at
 * `embedded.eOrder` and `embedded.e3Order` for a combined estimator such as DOP853's). Each
 * condition must hold to {@link ORDER_CONDITION_TOLERANCE} relative to its scale
 * (Σ|bᵢΦᵢ| + 1/γ). Throws INVALID_ARGUMENT naming the first that fails.
 *
 * @example
 * ```ts
 * import { checkTableau, DOPRI5 } from '@phaseflow/runge-kutta';
 * checkTableau(DOPRI5); // passes: order 5, embedded order 4
 * checkTableau({ ...DOPRI5, order: 6 }); // throws: tree [[[[[t]]]]] misses its condition
 * ```
 */
export function checkTableau(tableau: ButcherTableau, argument = 'tableau'): void {
  if (tableau === null || typeof tableau !== 'object') invalid(argument, 'a Butcher tableau { name, order, c, a, b, fsal, ... }', tableau);
  if (typeof tableau.name !== 'string') invalid(`${argument}.name`, 'a string', tableau.name);
  if (!(Number.isInteger(tableau.order) && tableau.order >= 1)) invalid(`${argument}.order`, 'an integer >= 1', tableau.order);
  const b = Array.from(checkFiniteArray(`${argument}.b`, tableau.b));
  const s = b.length;
  if (s === 0) invalid(`${argument}.b`, 'at least one weight', tableau.b);
  const c = checkFiniteArray(`${argument}.c`, tableau.c);
  if (c.length !== s) invalid(`${argument}.c`, `${s} nodes (one per weight in b)`, tableau.c, 'SHAPE_MISMATCH');
  if (!Array.isArray(tableau.a) || tableau.a.length !== s) invalid(`${argument}.a`, `${s} rows (one per stage)`, tableau.a, 'SHAPE_MISMATCH');
  const a = tableau.a.map((row, i) => {
    const r = checkFiniteArray(`${argument}.a[${i}]`, row);
    if (r.length !== i) invalid(`${argument}.a[${i}]`, `${i} entries (explicit: strictly lower triangular)`, row, 'SHAPE_MISMATCH');
    return Array.from(r);
  });
  if (c[0] !== 0) invalid(`${argument}.c[0]`, '0 (the first stage is f(t, y))', c[0]);
  const rowTol = (i: number) =>
    ORDER_CONDITION_TOLERANCE *
    Math.max(
      1,
      a[i]!.reduce((m, x) => m + Math.abs(x), 0),
    );
  for (let i = 1; i < s; i++) {
    const sum = a[i]!.reduce((m, x) => m + x, 0);
    if (!(Math.abs(sum - c[i]!) <= rowTol(i))) {
      invalid(`${argument}.c[${i}]`, `the row sum Σⱼ a[${i}][j] = ${sum} (cᵢ = Σⱼ aᵢⱼ)`, c[i]);
    }
  }
  if (tableau.fsal) {
    // First same as last: the last stage is f(t + h, y₁), so its row is b and it has no weight.
    const last = s - 1;
    const ok = s >= 2 && Math.abs(c[last]! - 1) <= rowTol(last) && b[last] === 0 && a[last]!.every((x, j) => Math.abs(x - b[j]!) <= rowTol(last));
    if (!ok) invalid(`${argument}.fsal`, 'a last stage at (t + h, y₁): c = 1, its row of a equal to b, and weight 0', true);
  }
  const check = (weights: readonly number[], stages: readonly (readonly number[])[], order: number, what: string, declared: string) => {
    for (const r of orderConditionResiduals(stages, weights, order)) {
      if (!(Math.abs(r.residual) <= ORDER_CONDITION_TOLERANCE * r.scale)) {
        throw new PhaseflowError(
          'INVALID_ARGUMENT',
          `${argument}: ${what} miss the order-${r.order} condition of tree ${r.tree} (residual ${r.residual.toExponential(2)}) needed for the declared ${declared}`,
          {
            argument: declared === 'order' ? `${argument}.order` : `${argument}.embedded.${declared}`,
            expected: `Σ bᵢΦᵢ(${r.tree}) = 1/γ`,
            received: `residual ${r.residual}`,
            tree: r.tree,
          },
        );
      }
    }
  };
  check(b, a, tableau.order, 'the weights b', 'order');
  const emb = tableau.embedded;
  if (emb !== undefined) {
    const e = checkFiniteArray(`${argument}.embedded.e`, emb.e);
    if (e.length !== s && e.length !== s + 1) invalid(`${argument}.embedded.e`, `${s} or ${s + 1} error weights`, emb.e, 'SHAPE_MISMATCH');
    if (!(Number.isInteger(emb.errorOrder) && emb.errorOrder >= 1 && emb.errorOrder < tableau.order)) {
      invalid(`${argument}.embedded.errorOrder`, `an integer in [1, ${tableau.order - 1}] (below the order)`, emb.errorOrder);
    }
    // The extra stage of a non-FSAL pair is f(t + h, y₁): its row is b.
    const stages = e.length === s ? a : [...a, b];
    const full = e.length === s ? b : [...b, 0];
    const embeddedOrder = (value: unknown, name: string, fallback: number): number => {
      if (value === undefined) return fallback;
      if (!(Number.isInteger(value) && (value as number) >= 1 && (value as number) < tableau.order)) {
        invalid(`${argument}.embedded.${name}`, `an integer in [1, ${tableau.order - 1}]`, value);
      }
      return value as number;
    };
    const eOrder = embeddedOrder(emb.eOrder, 'eOrder', emb.e3 === undefined ? emb.errorOrder : 1);
    check(
      Array.from(full, (x, i) => x - e[i]!),
      stages,
      eOrder,
      'the embedded weights b − e',
      emb.eOrder === undefined ? 'errorOrder' : 'eOrder',
    );
    if (emb.e3 !== undefined) {
      const e3 = checkFiniteArray(`${argument}.embedded.e3`, emb.e3);
      if (e3.length !== e.length) invalid(`${argument}.embedded.e3`, `${e.length} error weights (as e)`, emb.e3, 'SHAPE_MISMATCH');
      check(
        Array.from(full, (x, i) => x - e3[i]!),
        stages,
        embeddedOrder(emb.e3Order, 'e3Order', 1),
        'the embedded weights b − e3',
        'e3Order',
      );
    }
  }
}
