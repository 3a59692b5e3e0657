import type { Demo } from '@phaseflow/core';

export const demos: readonly Demo[] = [];
