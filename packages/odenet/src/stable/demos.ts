import type { Demo } from '@phaseflow/core';

/** Demos of the stable architectures. */
export const stableDemos: readonly Demo[] = [];
