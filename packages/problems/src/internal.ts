/** Helpers shared by the problem files (not exported from the package). */
import { checkFinite, invalid, type PhaseState } from '@phaseflow/core';

type F = Float64Array;

/** Split a flat [q…, p…] vector into a phase state (copies). */
export const phaseOf = (v: F): PhaseState<F> => ({ q: v.slice(0, v.length / 2), p: v.slice(v.length / 2) });

/** A copy of a flat state. */
export const copyOf = (v: F): F => v.slice();

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
