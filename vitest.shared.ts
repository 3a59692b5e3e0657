/**
 * The one vitest configuration every package extends: sources resolved through the
 * `@phaseflow/source` export condition (no build needed to test), and a JSON report per
 * package that `.ci/run` sums into the workspace's summary line.
 */
import { defineConfig } from 'vitest/config';

export function phaseflowVitestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ['@phaseflow/source'] },
    ssr: { resolve: { conditions: ['@phaseflow/source'] } },
    test: {
      include: ['src/**/*.test.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 60_000,
      reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
      pool: 'forks',
    },
  });
}
