#!/usr/bin/env node
// Sum vitest's own counts from every JSON report (packages/*/reports/vitest.json,
// examples/*/reports/vitest.json and the reports/ folder: the example plugin, the generated
// package) into one line:
//   N passed, M failed
// A package with tests but no report (its run crashed before reporting) counts one failure.
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
    `${label.padEnd(34)} ${String(r.numPassedTests).padStart(5)} passed ${String(r.numFailedTests).padStart(4)} failed${r.numFailedTestSuites ? ` (${r.numFailedTestSuites} suites failed to run)` : ''}`,
  );
};
for (const [dir, prefix] of [
  ['packages', '@phaseflow/'],
  ['examples', '@phaseflow/example-'],
]) {
  if (!existsSync(join(root, dir))) continue;
  for (const pkg of readdirSync(join(root, dir)).sort()) {
    const report = join(root, dir, pkg, 'reports', 'vitest.json');
    if (existsSync(report)) add(`${prefix}${pkg}`, report);
    else if (existsSync(join(root, dir, pkg, 'vitest.config.ts'))) {
      failed += 1;
      lines.push(`${prefix}${pkg}`.padEnd(34) + ' no test report (the run did not complete)');
    }
  }
}
for (const [label, file] of [
  ['example plugin (docs/examples)', 'reports/example-plugin.json'],
  ['generated package (tools)', 'reports/generated-plugin.json'],
]) {
  if (existsSync(join(root, file))) add(label, join(root, file));
  else if (process.argv.includes('--expect-extras')) {
    failed += 1;
    lines.push(`${label.padEnd(34)} no test report (the check did not complete)`);
  }
}
console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
