#!/usr/bin/env node
// Build and test docs/examples/plugin-midpoint the way a third party would: against packed
// tarballs of @phaseflow/core, @phaseflow/problems and @phaseflow/testkit (built first; the
// testkit's default reference problems are @phaseflow/problems'), in a temporary folder
// outside the workspace. Leaves its vitest JSON report in reports/example-plugin.json.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'phaseflow-example-'));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
try {
  const tarballs = ['core', 'problems', 'testkit'].map((p) => {
    const name = sh('npm', ['pack', '--silent', '--pack-destination', work], join(root, 'packages', p))
      .trim()
      .split('\n')
      .pop();
    return join(work, name);
  });
  const app = join(work, 'plugin-midpoint');
  cpSync(join(root, 'docs/examples/plugin-midpoint'), app, { recursive: true, filter: (s) => !/node_modules|dist|reports/.test(s) });
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  sh('npm', ['run', 'build', '--silent'], app);
  let failed = false;
  try {
    process.stdout.write(sh('npx', ['--no-install', 'vitest', 'run'], app));
  } catch (e) {
    process.stdout.write(String(e.stdout ?? ''));
    failed = true;
  }
  mkdirSync(join(root, 'reports'), { recursive: true });
  copyFileSync(join(app, 'reports/vitest.json'), join(root, 'reports/example-plugin.json'));
  if (failed) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
