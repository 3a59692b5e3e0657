import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** <repo>/../shared/data, or $PHASEFLOW_SHARED_DATA. This file is packages/reservoir/src/__tests__/. */
const sharedData = process.env['PHASEFLOW_SHARED_DATA'] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

export const hasSharedData = existsSync(path.join(sharedData, 'reservoir', 'mackey_glass_tau17.json'));
if (!hasSharedData) {
  console.warn(`[reservoir tests] shared data not found at ${sharedData} (set PHASEFLOW_SHARED_DATA); the ReservoirPy comparison tests are skipped`);
}

export function loadShared<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(path.join(sharedData, 'reservoir', name), 'utf8')) as T;
}
