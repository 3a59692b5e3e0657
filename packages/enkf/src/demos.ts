import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/enkf (none yet). */
export const demos: readonly Demo[] = [];
