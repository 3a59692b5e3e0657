import type { Demo } from '@phaseflow/core';
import { neuralDemos } from './neural/demos.js';

/** Demos provided by @phaseflow/odenet. */
export const demos: readonly Demo[] = [...neuralDemos];
