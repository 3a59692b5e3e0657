/**
 * The one vitest configuration every package extends: sources resolved through the
 * `@phaseflow/source` export condition (no build needed to test), and a JSON report per
 * package that `.ci/run` sums into the workspace's summary line (`reports/vitest.json`, or
 * `reports/<PHASEFLOW_REPORT_NAME>.json` when that is set: the Node 22/24 runs of the matrix).
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
      reporters: ['default', ['json', { outputFile: `reports/${process.env.PHASEFLOW_REPORT_NAME ?? 'vitest'}.json` }]],
      pool: 'forks',
    },
  });
}
