import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/symplectic (none yet). */
export const demos: readonly Demo[] = [];
