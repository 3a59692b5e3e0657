/**
 * Argument checks the layers and rollouts share: state-batch shapes, the results of user
 * callbacks, batches of initial states and integrators. Internal to the package.
 */
import { PhaseflowError, callbackFailed, checkFiniteArray, invalid } from '@phaseflow/core';

/** A layer's input shape: [batch, 2d] (batch may be null), or a list whose first entry is one. */
export function stateShape(argument: string, inputShape: unknown): (number | null)[] {
  const shape = Array.isArray(inputShape) && Array.isArray(inputShape[0]) ? (inputShape[0] as unknown) : inputShape;
  const ok =
    Array.isArray(shape) &&
    shape.length === 2 &&
    (shape[0] === null || (Number.isInteger(shape[0]) && shape[0] >= 1)) &&
    Number.isInteger(shape[1]) &&
    shape[1] >= 2 &&
    shape[1] % 2 === 0;
  if (!ok) invalid(argument, 'a state batch shape [batch, 2d] (q then p)', Array.isArray(shape) ? `[${shape.join(', ')}]` : shape, 'SHAPE_MISMATCH');
  return shape as (number | null)[];
}

/** Run a user callback: a throw that is not coded becomes CALLBACK_FAILED naming it, the user's error as cause. */
export function callUser<T>(argument: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PhaseflowError) throw e;
    throw callbackFailed(argument, e, { argument });
  }
}

/** What a user callback returned: `n` finite numbers. */
export function checkResult(argument: string, r: unknown, n: number): ArrayLike<number> {
  if (r === null || typeof r !== 'object' || typeof (r as ArrayLike<number>).length !== 'number' || (r as ArrayLike<number>).length !== n)
    invalid(argument, `a function returning ${n} numbers`, r, 'SHAPE_MISMATCH');
  return checkFiniteArray(argument, r);
}

/** A non-empty batch of initial states, each of `dim` finite numbers. */
export function checkStates(argument: string, y0s: unknown, dim: number): readonly ArrayLike<number>[] {
  if (!Array.isArray(y0s) || y0s.length === 0) invalid(argument, `a non-empty array of states of ${dim} numbers`, y0s);
  y0s.forEach((y0: unknown, b) => {
    if (y0 === null || typeof y0 !== 'object' || (y0 as ArrayLike<number>).length !== dim)
      invalid(`${argument}[${b}]`, `a state of ${dim} numbers`, y0, 'SHAPE_MISMATCH');
    checkFiniteArray(`${argument}[${b}]`, y0);
  });
  return y0s as ArrayLike<number>[];
}

/** An optional integrator: undefined (the default) or an object with a `step` method. */
export function checkIntegrator(argument: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || typeof (value as { step?: unknown }).step !== 'function'))
    invalid(argument, 'an integrator { name, order, step(…) } (createGaussLegendre4(), createRk4(), …)', value);
}
