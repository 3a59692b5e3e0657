import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/runge-kutta (none yet). */
export const demos: readonly Demo[] = [];
