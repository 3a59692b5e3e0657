#!/usr/bin/env node
// The package gate, run in a package's folder after its build: publint --strict, then
// are-the-types-wrong on the packed tarball with the ESM-only profile.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', ...opts });
run('npx', ['--no-install', 'publint', '--strict']);
const dir = mkdtempSync(join(tmpdir(), 'phaseflow-pack-'));
try {
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  run('npx', ['--no-install', 'attw', '--profile', 'esm-only', join(dir, out)]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
