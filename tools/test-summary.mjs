#!/usr/bin/env node
// Sum vitest's own counts from every JSON report (packages/*/reports/vitest.json,
// examples/*/reports/vitest.json and the reports/ folder: the example plugin, the generated
// package) into one line:
//   N passed, M failed
// A package with tests but no report (its run crashed before reporting) counts one failure.
// `--matrix 22,24` adds the runs of the Node matrix (reports/vitest-node<v>.json in every
// package, written by `.ci/run` with PHASEFLOW_REPORT_NAME), one row per version and package,
// counted in the total like any other run; `--expect-extras` requires the example plugin, the
// generated package and the release rehearsal reports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let passed = 0;
let failed = 0;
const lines = [];
const add = (label, file) => {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numFailedTestSuites ?? 0);
  lines.push(
    `${label.padEnd(46)} ${String(r.numPassedTests).padStart(5)} passed ${String(r.numFailedTests).padStart(4)} failed${r.numFailedTestSuites ? ` (${r.numFailedTestSuites} suites failed to run)` : ''}`,
  );
};
const matrixArg = process.argv.indexOf('--matrix');
const runs = [
  { file: 'vitest.json', label: '' },
  ...(matrixArg > 0 ? process.argv[matrixArg + 1].split(',') : []).map((v) => ({ file: `vitest-node${v}.json`, label: ` [node ${v}]` })),
];
for (const { file, label: run } of runs) {
  for (const [dir, prefix] of [
    ['packages', '@phaseflow/'],
    ['examples', '@phaseflow/example-'],
  ]) {
    if (!existsSync(join(root, dir))) continue;
    for (const pkg of readdirSync(join(root, dir)).sort()) {
      const report = join(root, dir, pkg, 'reports', file);
      if (existsSync(report)) add(`${prefix}${pkg}${run}`, report);
      else if (existsSync(join(root, dir, pkg, 'vitest.config.ts'))) {
        failed += 1;
        lines.push(`${prefix}${pkg}${run}`.padEnd(46) + ' no test report (the run did not complete)');
      }
    }
  }
}
for (const [label, file] of [
  ['example plugin (docs/examples)', 'reports/example-plugin.json'],
  ['generated package (tools)', 'reports/generated-plugin.json'],
  ['release rehearsal (tools)', 'reports/release-rehearsal.json'],
]) {
  if (existsSync(join(root, file))) add(label, join(root, file));
  else if (process.argv.includes('--expect-extras')) {
    failed += 1;
    lines.push(`${label.padEnd(46)} no test report (the check did not complete)`);
  }
}
console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
