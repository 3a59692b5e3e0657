/** Pieces the three passes of the engine share. */
import { PhaseflowError } from '@phaseflow/core';
import type { FieldBackend } from './backend.js';

/** @internal Throw NON_FINITE_STATE naming the step and the time. */
export function nonFinite(t: number, step: number, h: number, what: string): never {
  throw new PhaseflowError('NON_FINITE_STATE', `${what} became non-finite at step ${step}, t = ${t} (h = ${h})`, { step, t, h });
}

/** @internal a ← a + cₖ at an output time (the first cotangent is copied); the old a is released. */
export function addCotangent<S>(be: FieldBackend<S>, a: S | undefined, ck: S | undefined): S | undefined {
  if (ck === undefined) return a;
  if (a === undefined) return be.tidy(() => be.space.clone(ck));
  const old: S = a;
  const sum = be.tidy(() => be.space.axpy(1, ck, old));
  be.release(old);
  return sum;
}
