import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/datasets (none yet). */
export const demos: readonly Demo[] = [];
