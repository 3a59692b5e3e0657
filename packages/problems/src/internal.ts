/** Helpers shared by the problem files (not exported from the package). */
import { checkFinite, checkFiniteArray, checkLength, invalid, type PhaseState } from '@phaseflow/core';

type F = Float64Array;

/** Split a flat [q…, p…] vector into a phase state (copies). */
export const phaseOf = (v: F): PhaseState<F> => ({ q: v.slice(0, v.length / 2), p: v.slice(v.length / 2) });

/**
 * A flat state handed to a problem's helpers (`energy`, an invariant, `bounce`): a
 * Float64Array of `length` numbers, else INVALID_ARGUMENT (SHAPE_MISMATCH for a wrong length)
 * naming `argument`. Entries are not read here: these helpers run once per observed step.
 */
export function flatState(argument: string, y: unknown, length: number): F {
  if (!(y instanceof Float64Array)) invalid(argument, `a Float64Array state of ${length} numbers`, y);
  checkLength(argument, y, length);
  return y;
}

/** A phase state { q, p } of `n` + `n` numbers (each a Float64Array), checked as {@link flatState}. */
export function phaseState(argument: string, y: unknown, n: number): PhaseState<F> {
  if (y === null || typeof y !== 'object' || Array.isArray(y)) invalid(argument, `a phase state { q, p } of ${n} + ${n} numbers`, y);
  flatState(`${argument}.q`, (y as { q?: unknown }).q, n);
  flatState(`${argument}.p`, (y as { p?: unknown }).p, n);
  return y as PhaseState<F>;
}

/** `fromFlat` of a flat state of `length` numbers: a checked copy (finite numbers, the right length). */
export const flatFromFlat =
  (length: number) =>
  (v: F): F => {
    checkFiniteArray('v', v);
    checkLength('v', v, length);
    return Float64Array.from(v);
  };

/** `fromFlat` of a phase state of `n` + `n` numbers ([q…, p…]): checked, then split (copies). */
export const phaseFromFlat = (n: number) => {
  const flat = flatFromFlat(2 * n);
  return (v: F): PhaseState<F> => phaseOf(flat(v));
};

/** The time argument of `exact`: a finite number. */
export const checkTime = (t: unknown): number => checkFinite('t', t);

/** The integers a, a+1, …, b−1. */
export const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

/** An optional vector option of exactly `length` finite numbers; `fallback` when absent. */
export function vectorOption(argument: string, value: unknown, length: number, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number') {
    invalid(argument, `${length} finite numbers`, value);
  }
  const a = value as ArrayLike<number>;
  if (a.length !== length) invalid(`${argument}.length`, `${length}`, a.length);
  return Array.from({ length }, (_, i) => checkFinite(`${argument}[${i}]`, a[i]));
}
