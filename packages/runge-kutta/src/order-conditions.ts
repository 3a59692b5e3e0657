/**
 * Butcher's order conditions: a Runge–Kutta method has order p when Σᵢ bᵢ Φᵢ(t) = 1/γ(t) for
 * every rooted tree t with at most p vertices (Butcher 1963; Hairer, Nørsett & Wanner, Solving
 * ODEs I, §II.2, Theorem 2.13). Φ(t) is the elementary weight of the tree (Φ(•) = 1,
 * Φ([t₁…t_m])ᵢ = Πₖ (A Φ(tₖ))ᵢ) and γ(t) its density (γ(•) = 1, γ([t₁…t_m]) = |t|·Πₖ γ(tₖ)).
 */
import { PhaseflowError, checkFiniteArray, checkInteger, checkOptions, createPiController, invalid } from '@phaseflow/core';
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
  const s = checkWeights('b', b).length;
  if (!Array.isArray(a)) invalid('a', `an array of ${s} rows of stage coefficients`, a);
  if (a.length !== s) invalid('a', `${s} rows (one per weight in b)`, a, 'SHAPE_MISMATCH');
  for (let i = 0; i < s; i++) {
    const row = checkFiniteArray<ArrayLike<number>>(`a[${i}]`, a[i]);
    if (row.length > s) invalid(`a[${i}]`, `at most ${s} entries (one per stage)`, row, 'SHAPE_MISMATCH');
  }
  checkInteger('order', order, { min: 1, max: MAX_CHECKED_ORDER });
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

/** A non-empty array of finite weights. */
function checkWeights(argument: string, value: unknown): ArrayLike<number> {
  const w = checkFiniteArray<ArrayLike<number>>(argument, value);
  if (w.length === 0) invalid(argument, 'at least one weight', value);
  return w;
}

/**
 * The highest order whose conditions are checked: 14 (the 32 973 rooted trees of 14 vertices,
 * 50 000 with the lower orders; the highest-order explicit pairs in use, Feagin's, are of
 * order 12–14). A declared order above it is refused rather than left unchecked.
 */
const MAX_CHECKED_ORDER = 14;

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
  if (typeof argument !== 'string' || argument.length === 0) invalid('argument', 'the non-empty name of the tableau in the errors', argument);
  if (tableau === null || typeof tableau !== 'object' || Array.isArray(tableau))
    invalid(argument, 'a Butcher tableau { name, order, c, a, b, fsal, ... }', tableau);
  checkOptions(argument, tableau, ['name', 'order', 'c', 'a', 'b', 'fsal', 'reference', 'embedded', 'dense']);
  if (typeof tableau.name !== 'string' || tableau.name.length === 0) invalid(`${argument}.name`, 'a non-empty string', tableau.name);
  if (typeof tableau.reference !== 'string' || tableau.reference.length === 0) invalid(`${argument}.reference`, 'a non-empty string', tableau.reference);
  if (typeof tableau.fsal !== 'boolean') invalid(`${argument}.fsal`, 'a boolean', tableau.fsal);
  checkInteger(`${argument}.order`, tableau.order, { min: 1, max: MAX_CHECKED_ORDER });
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
    if (emb === null || typeof emb !== 'object' || Array.isArray(emb))
      invalid(`${argument}.embedded`, 'an embedded estimate { errorOrder, e, controller, ... } (or leave it out)', emb);
    checkOptions(`${argument}.embedded`, emb, ['errorOrder', 'e', 'e3', 'eOrder', 'e3Order', 'controller']);
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
    if (emb.e3 === undefined && emb.e3Order !== undefined)
      invalid(`${argument}.embedded.e3Order`, 'nothing without embedded.e3 (the order of b − e3)', emb.e3Order);
    checkController(`${argument}.embedded.controller`, emb.controller, emb.errorOrder);
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
  if (tableau.dense !== undefined) checkDense(`${argument}.dense`, tableau.dense, tableau, b, s);
}

/** The controller defaults of a pair: the four numbers, in the ranges core's PI controller accepts. */
function checkController(argument: string, value: unknown, errorOrder: number): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    invalid(argument, 'controller defaults { beta, safety, minFactor, maxFactor }', value);
  const c = checkOptions(argument, value as Record<string, unknown>, ['beta', 'safety', 'minFactor', 'maxFactor']);
  for (const key of ['beta', 'safety', 'minFactor', 'maxFactor'] as const) {
    if (c[key] === undefined) invalid(`${argument}.${key}`, 'a finite number', c[key]);
  }
  createPiController({
    argument,
    errorOrder,
    beta: c.beta as number,
    safety: c.safety as number,
    minFactor: c.minFactor as number,
    maxFactor: c.maxFactor as number,
  });
}

/**
 * A continuous extension: `polynomial` rows bᵢ(θ) = Σⱼ pᵢⱼθ^(j+1), one per stage the stepper
 * keeps (s, or s + 1 with f(t + h, y₁) for a pair without FSAL), that meet b at θ = 1
 * (bᵢ(1) = bᵢ, 0 for the extra stage; relative 1e-12); `dop853` extra stages (c, rows of a
 * that continue the tableau) and the 4 rows of d over all of them. Its order is an integer up
 * to the method's.
 */
function checkDense(argument: string, dense: unknown, tableau: ButcherTableau, b: readonly number[], s: number): void {
  if (dense === null || typeof dense !== 'object' || Array.isArray(dense)) invalid(argument, 'a dense output { kind, order, ... } (or leave it out)', dense);
  const d = dense as Record<string, unknown>;
  if (d.kind !== 'polynomial' && d.kind !== 'dop853') invalid(`${argument}.kind`, "'polynomial' or 'dop853'", d.kind);
  checkInteger(`${argument}.order`, d.order, { min: 1, max: tableau.order });
  if (d.kind === 'polynomial') {
    checkOptions(argument, d, ['kind', 'order', 'p']);
    const stages = tableau.fsal ? s : s + 1;
    if (!Array.isArray(d.p) || d.p.length === 0 || d.p.length > stages) {
      invalid(
        `${argument}.p`,
        `1 to ${stages} rows of interpolation coefficients (one per stage)`,
        d.p,
        Array.isArray(d.p) ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT',
      );
    }
    (d.p as unknown[]).forEach((row, i) => {
      const r = checkFiniteArray<ArrayLike<number>>(`${argument}.p[${i}]`, row);
      if (r.length === 0) invalid(`${argument}.p[${i}]`, 'at least one coefficient', row);
      let sum = 0;
      let abs = 0;
      for (let j = 0; j < r.length; j++) {
        sum += r[j]!;
        abs += Math.abs(r[j]!);
      }
      const bi = b[i] ?? 0;
      if (!(Math.abs(sum - bi) <= ORDER_CONDITION_TOLERANCE * Math.max(1, abs))) {
        invalid(`${argument}.p[${i}]`, `coefficients summing to b[${i}] = ${bi} (the interpolant meets y₁ at θ = 1)`, `coefficients summing to ${sum}`);
      }
    });
    return;
  }
  checkOptions(argument, d, ['kind', 'order', 'c', 'a', 'd']);
  const c = checkFiniteArray<ArrayLike<number>>(`${argument}.c`, d.c);
  if (c.length === 0) invalid(`${argument}.c`, 'at least one extra stage', d.c);
  if (!Array.isArray(d.a) || d.a.length !== c.length) invalid(`${argument}.a`, `${c.length} rows (one per extra stage)`, d.a, 'SHAPE_MISMATCH');
  (d.a as unknown[]).forEach((row, k) => {
    const r = checkFiniteArray<ArrayLike<number>>(`${argument}.a[${k}]`, row);
    if (r.length !== s + 1 + k) invalid(`${argument}.a[${k}]`, `${s + 1 + k} entries (the stages before it)`, row, 'SHAPE_MISMATCH');
  });
  const all = s + 1 + c.length;
  if (!Array.isArray(d.d) || d.d.length !== 4) invalid(`${argument}.d`, '4 rows of interpolation coefficients', d.d, 'SHAPE_MISMATCH');
  (d.d as unknown[]).forEach((row, r) => {
    const v = checkFiniteArray<ArrayLike<number>>(`${argument}.d[${r}]`, row);
    if (v.length !== all) invalid(`${argument}.d[${r}]`, `${all} entries (every stage)`, row, 'SHAPE_MISMATCH');
  });
}
