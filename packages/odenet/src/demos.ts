import type { Demo } from '@phaseflow/core';

/** Demos provided by @phaseflow/odenet: none left (they live in examples/). */
export const demos: readonly Demo[] = [];
