import type { Demo } from '@phaseflow/core';

/** Demos of neural ODEs, HNNs and SympNets. */
export const neuralDemos: readonly Demo[] = [];
