import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/cli (none yet). */
export const demos: readonly Demo[] = [];
