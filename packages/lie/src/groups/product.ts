/**
 * Direct products G₁ × G₂ × … of Lie groups, elements stored as the concatenation of the
 * factors' elements (and algebra coordinates, and points, likewise concatenated).
 */
import { invalid, type Random } from '@phaseflow/core';
import type { LieGroup } from '../group.js';
import { checkMember, need } from '../internal/check.js';

type F = Float64Array;

/** A product group and the layout of its factors. */
export interface ProductGroup extends LieGroup {
  readonly factors: readonly LieGroup[];
  /** Start of factor i in an element (length factors + 1; the last entry is `size`). */
  readonly elementOffsets: readonly number[];
  /** Start of factor i in an algebra vector (the last entry is `dim`). */
  readonly algebraOffsets: readonly number[];
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
  const size = eo[fs.length]!, dim = ao[fs.length]!, pointDim = po[fs.length]!;
  const name = fs.map((g) => g.name).join('×');
  const k = fs.length;
  const part = (x: F, o: readonly number[], i: number) => x.subarray(o[i]!, o[i + 1]!);

  /** Apply a unary verb factor by factor. */
  const unary =
    (argument: string, inLen: number, inOff: readonly number[], outLen: number, outOff: readonly number[], verb: (g: LieGroup, x: F, out: F) => F) =>
    (x: F, out?: F): F => {
      need(argument, `a ${inLen}-vector of ${name}`, inLen, x);
      const o = out ?? new Float64Array(outLen);
      for (let i = 0; i < k; i++) verb(fs[i]!, part(x, inOff, i), part(o, outOff, i));
      return o;
    };
  const blockDiagonal = (verb: (g: LieGroup, xi: F, out: F) => F, argument: string, inOff: readonly number[], inLen: number) => (x: F, out?: F): F => {
    need(argument, `a ${inLen}-vector of ${name}`, inLen, x);
    const o = out ?? new Float64Array(dim * dim);
    o.fill(0);
    for (let i = 0; i < k; i++) {
      const g = fs[i]!;
      const block = verb(g, part(x, inOff, i), new Float64Array(g.dim * g.dim));
      const a = ao[i]!;
      for (let r = 0; r < g.dim; r++) for (let c = 0; c < g.dim; c++) o[(a + r) * dim + a + c] = block[r * g.dim + c]!;
    }
    return o;
  };
  const defect = (m: ArrayLike<number>) => {
    let d = 0;
    for (let i = 0; i < k; i++) d += fs[i]!.defect((m as F).subarray(eo[i]!, eo[i + 1]!));
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
      const o = out ?? new Float64Array(size);
      for (let i = 0; i < k; i++) fs[i]!.identity(part(o, eo, i));
      return o;
    },
    compose(a, b, out) {
      need('a', `an element of ${name}`, size, a);
      need('b', `an element of ${name}`, size, b);
      const o = out ?? new Float64Array(size);
      for (let i = 0; i < k; i++) fs[i]!.compose(part(a, eo, i), part(b, eo, i), part(o, eo, i));
      return o;
    },
    inverse: unary('g', size, eo, size, eo, (g, x, o) => g.inverse(x, o)),
    exp: unary('xi', dim, ao, size, eo, (g, x, o) => g.exp(x, o)),
    log: unary('g', size, eo, dim, ao, (g, x, o) => g.log(x, o)),
    bracket(u, v, out) {
      need('u', `an algebra vector of ${name}`, dim, u);
      need('v', `an algebra vector of ${name}`, dim, v);
      const o = out ?? new Float64Array(dim);
      for (let i = 0; i < k; i++) fs[i]!.bracket(part(u, ao, i), part(v, ao, i), part(o, ao, i));
      return o;
    },
    adjoint: blockDiagonal((g, x, o) => g.adjoint(x, o), 'g', eo, size),
    act(g, p, out) {
      need('g', `an element of ${name}`, size, g);
      need('p', `a point of ${name}`, pointDim, p);
      const o = out ?? new Float64Array(pointDim);
      for (let i = 0; i < k; i++) fs[i]!.act(part(g, eo, i), part(p, po, i), part(o, po, i));
      return o;
    },
    rightJacobian: blockDiagonal((g, x, o) => g.rightJacobian(x, o), 'xi', ao, dim),
    leftJacobian: blockDiagonal((g, x, o) => g.leftJacobian(x, o), 'xi', ao, dim),
    rightJacobianInverse: blockDiagonal((g, x, o) => g.rightJacobianInverse(x, o), 'xi', ao, dim),
    leftJacobianInverse: blockDiagonal((g, x, o) => g.leftJacobianInverse(x, o), 'xi', ao, dim),
    interpolate(a, b, s, out) {
      need('a', `an element of ${name}`, size, a);
      need('b', `an element of ${name}`, size, b);
      const o = out ?? new Float64Array(size);
      for (let i = 0; i < k; i++) fs[i]!.interpolate(part(a, eo, i), part(b, eo, i), s, part(o, eo, i));
      return o;
    },
    defect,
    check: (argument, m, tolerance) => checkMember(argument, m, size, name, defect, group.defectMeasure, tolerance),
    sample(random: Random, out?: F) {
      const o = out ?? new Float64Array(size);
      for (let i = 0; i < k; i++) fs[i]!.sample(random, part(o, eo, i));
      return o;
    },
  };
  return group;
}
