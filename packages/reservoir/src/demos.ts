import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/reservoir (none yet). */
export const demos: readonly Demo[] = [];
