/**
 * Direct products G₁ × G₂ × … of Lie groups, elements stored as the concatenation of the
 * factors' elements (and algebra coordinates, and points, likewise concatenated).
 */
import { checkFinite, invalid, type Random } from '@phaseflow/core';
import type { LieGroup } from '../group.js';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';

type F = Float64Array;

/** A product group and the layout of its factors. */
export interface ProductGroup extends LieGroup {
  readonly factors: readonly LieGroup[];
  /** Start of factor i in an element (length factors + 1; the last entry is `size`). */
  readonly elementOffsets: readonly number[];
  /** Start of factor i in an algebra vector (the last entry is `dim`). */
  readonly algebraOffsets: readonly number[];
}

type ViewCache = (x: F) => F[];

/**
 * The factor views of a buffer, cached for the last few buffers seen: integrators call the
 * verbs on the same scratch buffers every step, and `subarray` allocates.
 */
function viewCache(offsets: readonly number[]): ViewCache {
  const SLOTS = 16;
  const keys: (F | undefined)[] = new Array(SLOTS).fill(undefined);
  const vals: F[][] = new Array(SLOTS);
  let next = 0;
  return (x) => {
    for (let i = 0; i < SLOTS; i++) if (keys[i] === x) return vals[i]!;
    const v: F[] = [];
    for (let i = 0; i + 1 < offsets.length; i++) v.push(x.subarray(offsets[i]!, offsets[i + 1]!));
    keys[next] = x;
    vals[next] = v;
    next = (next + 1) % SLOTS;
    return v;
  };
}

function offsets(groups: readonly LieGroup[], key: 'size' | 'dim' | 'pointDim'): number[] {
  const o = [0];
  for (const g of groups) o.push(o[o.length - 1]! + g[key]);
  return o;
}

/**
 * The direct product of `factors`: every verb acts factor by factor; Jacobians and adjoints
 * are block diagonal; the bracket is the factors' brackets side by side. The heavy top lives
 * on SO(3) × ℝ³.
 *
 * @example
 * ```ts
 * import { SO3, createEuclideanGroup, createProductGroup } from '@phaseflow/lie';
 * const G = createProductGroup([SO3, createEuclideanGroup(3)]); // (R, ω), 12 numbers
 * G.exp(Float64Array.of(0, 0, 0.1, 1, 2, 3)); // rotation by 0.1 about z, then (1, 2, 3)
 * ```
 */
export function createProductGroup(factors: readonly LieGroup[]): ProductGroup {
  if (!Array.isArray(factors) || factors.length === 0) invalid('factors', 'a non-empty array of Lie groups', factors);
  factors.forEach((g, i) => {
    if (g === null || typeof g !== 'object' || typeof g.exp !== 'function' || typeof g.compose !== 'function') {
      invalid(`factors[${i}]`, 'a Lie group', g);
    }
  });
  const fs = [...factors];
  const eo = offsets(fs, 'size');
  const ao = offsets(fs, 'dim');
  const po = offsets(fs, 'pointDim');
  const size = eo[fs.length]!,
    dim = ao[fs.length]!,
    pointDim = po[fs.length]!;
  const name = fs.map((g) => g.name).join('×');
  const k = fs.length;
  const scratch = fs.map((g) => new Float64Array(g.size));
  const views = { element: viewCache(eo), algebra: viewCache(ao), point: viewCache(po) };
  const whatElement = `an element of ${name}`,
    whatAlgebra = `an algebra vector of ${name}`,
    whatPoint = `a point of ${name}`;

  /** Apply a unary verb factor by factor. */
  const unary =
    (argument: string, what: string, inLen: number, inViews: ViewCache, outLen: number, outViews: ViewCache, verb: (g: LieGroup, x: F, out: F) => F) =>
    (x: F, out?: F): F => {
      need(argument, what, inLen, x);
      const o = outOf(outLen, out);
      const xs = inViews(x),
        os = outViews(o);
      for (let i = 0; i < k; i++) verb(fs[i]!, xs[i]!, os[i]!);
      return o;
    };
  const blockDiagonal =
    (verb: (g: LieGroup, xi: F, out: F) => F, argument: string, what: string, inViews: ViewCache, inLen: number) =>
    (x: F, out?: F): F => {
      need(argument, what, inLen, x);
      const o = outOf(dim * dim, out);
      o.fill(0);
      const xs = inViews(x);
      for (let i = 0; i < k; i++) {
        const g = fs[i]!;
        const block = verb(g, xs[i]!, new Float64Array(g.dim * g.dim));
        const a = ao[i]!;
        for (let r = 0; r < g.dim; r++) for (let c = 0; c < g.dim; c++) o[(a + r) * dim + a + c] = block[r * g.dim + c]!;
      }
      return o;
    };
  const defect = (m: ArrayLike<number>) => {
    const ms = m instanceof Float64Array ? views.element(m) : eo.slice(0, k).map((a, i) => Float64Array.from({ length: eo[i + 1]! - a }, (_, j) => m[a + j]!));
    let d = 0;
    for (let i = 0; i < k; i++) d += fs[i]!.defect(ms[i]!);
    return d;
  };

  const group: ProductGroup = {
    name,
    dim,
    size,
    pointDim,
    factors: fs,
    elementOffsets: eo,
    algebraOffsets: ao,
    defectMeasure: `the sum of the factors' defects (${fs.map((g) => g.defectMeasure).join('; ')})`,
    identity(out) {
      const o = outOf(size, out);
      const os = views.element(o);
      for (let i = 0; i < k; i++) fs[i]!.identity(os[i]!);
      return o;
    },
    compose(a, b, out) {
      need('a', whatElement, size, a);
      need('b', whatElement, size, b);
      const o = outOf(size, out);
      const as = views.element(a),
        bs = views.element(b),
        os = views.element(o);
      for (let i = 0; i < k; i++) fs[i]!.compose(as[i]!, bs[i]!, os[i]!);
      return o;
    },
    inverse: unary('g', whatElement, size, views.element, size, views.element, (g, x, o) => g.inverse(x, o)),
    exp: unary('xi', whatAlgebra, dim, views.algebra, size, views.element, (g, x, o) => g.exp(x, o)),
    log: unary('g', whatElement, size, views.element, dim, views.algebra, (g, x, o) => g.log(x, o)),
    bracket(u, v, out) {
      need('u', whatAlgebra, dim, u);
      need('v', whatAlgebra, dim, v);
      const o = outOf(dim, out);
      const us = views.algebra(u),
        vs = views.algebra(v),
        os = views.algebra(o);
      for (let i = 0; i < k; i++) fs[i]!.bracket(us[i]!, vs[i]!, os[i]!);
      return o;
    },
    adjoint: blockDiagonal((g, x, o) => g.adjoint(x, o), 'g', whatElement, views.element, size),
    act(g, p, out) {
      need('g', whatElement, size, g);
      need('p', whatPoint, pointDim, p);
      const o = outOf(pointDim, out);
      const gs = views.element(g),
        ps = views.point(p),
        os = views.point(o);
      for (let i = 0; i < k; i++) fs[i]!.act(gs[i]!, ps[i]!, os[i]!);
      return o;
    },
    rightJacobian: blockDiagonal((g, x, o) => g.rightJacobian(x, o), 'xi', whatAlgebra, views.algebra, dim),
    leftJacobian: blockDiagonal((g, x, o) => g.leftJacobian(x, o), 'xi', whatAlgebra, views.algebra, dim),
    rightJacobianInverse: blockDiagonal((g, x, o) => g.rightJacobianInverse(x, o), 'xi', whatAlgebra, views.algebra, dim),
    leftJacobianInverse: blockDiagonal((g, x, o) => g.leftJacobianInverse(x, o), 'xi', whatAlgebra, views.algebra, dim),
    interpolate(a, b, s, out) {
      checkFinite('s', s);
      need('a', whatElement, size, a);
      need('b', whatElement, size, b);
      const o = outOf(size, out);
      const as = views.element(a),
        bs = views.element(b),
        os = views.element(o);
      for (let i = 0; i < k; i++) fs[i]!.interpolate(as[i]!, bs[i]!, s, os[i]!);
      return o;
    },
    expCompose(xi, g, out) {
      need('xi', whatAlgebra, dim, xi);
      need('g', whatElement, size, g);
      const o = outOf(size, out);
      const xs = views.algebra(xi),
        gs = views.element(g),
        os = views.element(o);
      for (let i = 0; i < k; i++) {
        const f = fs[i]!;
        if (f.expCompose) f.expCompose(xs[i]!, gs[i]!, os[i]!);
        else f.compose(f.exp(xs[i]!, scratch[i]!), gs[i]!, os[i]!);
      }
      return o;
    },
    expAct(xi, p, out) {
      need('xi', whatAlgebra, dim, xi);
      need('p', whatPoint, pointDim, p);
      const o = outOf(pointDim, out);
      const xs = views.algebra(xi),
        ps = views.point(p),
        os = views.point(o);
      for (let i = 0; i < k; i++) {
        const f = fs[i]!;
        if (f.expAct) f.expAct(xs[i]!, ps[i]!, os[i]!);
        else f.act(f.exp(xs[i]!, scratch[i]!), ps[i]!, os[i]!);
      }
      return o;
    },
    defect: (m) => (needArrayLike('m', whatElement, size, m), defect(m)),
    check: (argument, m, tolerance) => checkMember(argument, m, size, name, defect, group.defectMeasure, tolerance),
    sample(random: Random, out?: F) {
      checkRandom('random', random);
      const o = outOf(size, out);
      const os = views.element(o);
      for (let i = 0; i < k; i++) fs[i]!.sample(random, os[i]!);
      return o;
    },
  };
  return group;
}
