import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/tfjs (none yet). */
export const demos: readonly Demo[] = [];
