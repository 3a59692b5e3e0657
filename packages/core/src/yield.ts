/**
 * Yielding to the event loop on a time budget, so that an outside `AbortSignal` (a timer, a
 * request handler) gets to run during a long synchronous computation without paying a macrotask
 * per iteration.
 */

import { checkPositive } from './validate.js';

/** Node's setImmediate, absent in browsers (the library does not load Node's types). */
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/** Resolve on a later turn of the event loop (after timers and I/O): setImmediate, else setTimeout(0). */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof immediate === 'function') immediate(resolve);
    else setTimeout(resolve, 0);
  });

/** A clock that says when `budgetMs` of work has passed since the last yield. */
export interface Yielder {
  /** True when the budget is spent: the caller should `await pause()`. */
  due(): boolean;
  /** Give the event loop a turn and restart the budget. */
  pause(): Promise<void>;
}

/**
 * A yielder for long synchronous work: check `due()` in the loop and `await pause()` when it
 * says so. One macrotask per `budgetMs` (default 20 ms) lets an `AbortSignal` fired by a timer
 * land within about that long, at no cost per iteration. `integrateAsync` and the trainers use it.
 *
 * @example
 * ```ts
 * const yielder = createYielder();
 * for (const item of work) {
 *   step(item);
 *   if (yielder.due()) {
 *     await yielder.pause();
 *     if (signal.aborted) break;
 *   }
 * }
 * ```
 */
export function createYielder(budgetMs = 20): Yielder {
  checkPositive('budgetMs', budgetMs);
  let last = performance.now();
  return {
    due: () => performance.now() - last >= budgetMs,
    async pause() {
      await nextTurn();
      last = performance.now();
    },
  };
}
