#!/usr/bin/env node
// Generate a package with tools/new-plugin.mjs into a temporary copy of the workspace and
// check that it builds, typechecks, tests and passes the package lint there. The copy shares
// the workspace's installed dependencies (node_modules entries are linked, the @phaseflow
// scope is rebuilt to point at the copy). Leaves the vitest report in reports/generated-plugin.json.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'phaseflow-generated-'));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
try {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  // Only core is carried over from packages/: the generated package must stand on core alone.
  // examples/ go too: they depend on every package.
  for (const f of tracked.filter((f) => (!f.startsWith('packages/') || f.startsWith('packages/core/')) && !f.startsWith('examples/'))) {
    mkdirSync(dirname(join(work, f)), { recursive: true });
    cpSync(join(root, f), join(work, f));
  }
  const nm = join(work, 'node_modules');
  mkdirSync(join(nm, '@phaseflow'), { recursive: true });
  for (const e of readdirSync(join(root, 'node_modules'))) {
    if (e === '@phaseflow' || e === '.bin' || e.startsWith('.package-lock')) continue;
    symlinkSync(join(root, 'node_modules', e), join(nm, e));
  }
  symlinkSync(join(root, 'node_modules', '.bin'), join(nm, '.bin'));
  symlinkSync(join(work, 'packages/core'), join(nm, '@phaseflow/core'));
  // The solution tsconfig may only name packages present in the copy.
  const solution = { extends: './tsconfig.base.json', compilerOptions: { composite: false }, files: [], references: [{ path: './packages/core' }] };
  execFileSync('node', ['-e', `require('fs').writeFileSync('tsconfig.json', ${JSON.stringify(JSON.stringify(solution, null, 2))})`], { cwd: work });
  run('node', ['tools/new-plugin.mjs', 'generated-check', '--description', 'A package made by the generator in CI.']);
  symlinkSync(join(work, 'packages/generated-check'), join(nm, '@phaseflow/generated-check'));
  run('npx', [
    'nx',
    'run-many',
    '-t',
    'build',
    'typecheck',
    'test',
    'lint',
    'format',
    'lint:package',
    '-p',
    '@phaseflow/generated-check',
    '--skip-nx-cache',
    '--outputStyle=static',
  ]);
  mkdirSync(join(root, 'reports'), { recursive: true });
  copyFileSync(join(work, 'packages/generated-check/reports/vitest.json'), join(root, 'reports/generated-plugin.json'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
