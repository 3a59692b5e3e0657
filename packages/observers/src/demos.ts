import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/observers (none yet). */
export const demos: readonly Demo[] = [];
