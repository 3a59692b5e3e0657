import type { Demo } from '@phaseflow/core';
import { stableDemos } from './stable/demos.js';
import { neuralDemos } from './neural/demos.js';

/** Demos provided by @phaseflow/odenet. */
export const demos: readonly Demo[] = [...stableDemos, ...neuralDemos];
