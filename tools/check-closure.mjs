#!/usr/bin/env node
// What installing one package pulls in, checked against the table in the root README.
//
// The README holds a table between `<!-- install-closure:start -->` and
// `<!-- install-closure:end -->`: one row per package, the phaseflow packages installing it alone
// pulls in. For each row this tool packs the package and the workspace packages its manifest
// needs (dependencies and non-optional peers, transitively) with `npm pack`, installs them in a
// scratch directory with `npm install --omit=dev <tarballs>` (our packages come only from those
// tarballs, so nothing unpublished is fetched; external packages come from the registry), runs
// `npm ls --omit=dev --all --json` and compares the @phaseflow/* packages reachable from the
// installed package with the row. Also fails on any problem npm ls reports (missing or invalid
// peers) and on a phaseflow package that was not installed from our tarball.
//
// Usage: node tools/check-closure.mjs [--keep] [--only @phaseflow/x] [--readme FILE]
// (packs built dist/ folders; builds the packages concerned with nx when one is missing)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option('--only');
const readme = resolve(option('--readme') ?? join(root, 'README.md'));

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const npm = (argv, cwd) => execFileSync('npm', argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

// --- the table ---------------------------------------------------------------------------------
function readTable() {
  const text = readFileSync(readme, 'utf8');
  const m = /<!-- install-closure:start -->([\s\S]*?)<!-- install-closure:end -->/.exec(text);
  if (!m) throw new Error('README.md has no table between <!-- install-closure:start --> and <!-- install-closure:end -->');
  const rows = new Map();
  for (const line of m[1].split('\n')) {
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
    if (cells.length < 2 || /^-+$/.test(cells[0]) || !cells[0].includes('@phaseflow/')) continue;
    const names = (cell) => [...cell.matchAll(/@phaseflow\/[a-z0-9-]+/g)].map((x) => x[0]);
    const [pkg] = names(cells[0]);
    rows.set(pkg, names(cells[1]).sort());
  }
  if (rows.size === 0) throw new Error('the install-closure table in README.md has no rows');
  return rows;
}

// --- the workspace -----------------------------------------------------------------------------
const workspace = new Map();
for (const dir of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', dir, 'package.json');
  if (existsSync(file)) {
    const manifest = readJson(file);
    workspace.set(manifest.name, { dir: join(root, 'packages', dir), manifest });
  }
}

/** The workspace packages a package's manifest makes npm install: dependencies and non-optional peers. */
function needs(name, seen = new Set()) {
  const pkg = workspace.get(name);
  if (!pkg) throw new Error(`${name} is not a workspace package`);
  seen.add(name);
  const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = pkg.manifest;
  const wanted = [...Object.keys(dependencies), ...Object.keys(peerDependencies).filter((p) => !peerDependenciesMeta[p]?.optional)];
  for (const dep of wanted) if (workspace.has(dep) && !seen.has(dep)) needs(dep, seen);
  return seen;
}

// --- run -----------------------------------------------------------------------------------------
const table = readTable();
const rows = [...table].filter(([pkg]) => !only || pkg === only);
const toPack = new Set(rows.flatMap(([pkg]) => [...needs(pkg)]));
const unbuilt = [...toPack].filter((n) => !existsSync(join(workspace.get(n).dir, 'dist')));
if (unbuilt.length) {
  console.log(`building ${unbuilt.join(', ')}`);
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...unbuilt], { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
}

const scratch = mkdtempSync(join(tmpdir(), 'phaseflow-closure-'));
const failures = [];
try {
  const tarballs = new Map();
  const packDir = join(scratch, 'tarballs');
  mkdirSync(packDir);
  for (const name of [...toPack].sort()) {
    const out = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], workspace.get(name).dir));
    tarballs.set(name, join(packDir, out[0].filename));
  }
  for (const [pkg, expected] of rows) {
    const dir = join(scratch, pkg.replace('@phaseflow/', ''));
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'closure-check', private: true, type: 'module' }, null, 2));
    const given = [...needs(pkg)].sort();
    try {
      npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', ...given.map((n) => tarballs.get(n))], dir);
    } catch (e) {
      failures.push(`${pkg}: npm install of ${given.join(', ')} failed:\n${e.stderr || e.message}`);
      continue;
    }
    let ls;
    try {
      ls = JSON.parse(npm(['ls', '--omit=dev', '--all', '--json'], dir));
    } catch (e) {
      // npm ls exits 1 when it finds problems; its JSON still says which
      ls = e.stdout ? JSON.parse(e.stdout) : undefined;
      if (!ls) {
        failures.push(`${pkg}: npm ls failed: ${e.stderr || e.message}`);
        continue;
      }
    }
    for (const p of ls.problems ?? []) failures.push(`${pkg}: npm ls: ${p}`);
    const top = ls.dependencies?.[pkg];
    if (!top) {
      failures.push(`${pkg}: not in the installed tree`);
      continue;
    }
    // the phaseflow packages reachable from the installed package (deduped nodes are looked up at the top)
    const reached = new Set();
    const walk = (node) => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        if (!name.startsWith('@phaseflow/') || reached.has(name)) continue;
        reached.add(name);
        const installed = ls.dependencies?.[name] ?? child;
        if (installed.resolved !== undefined && !String(installed.resolved).startsWith('file:')) {
          failures.push(`${pkg}: ${name} was resolved from ${installed.resolved}, not from our tarball`);
        }
        walk(child.dependencies ? child : installed);
      }
    };
    walk(top);
    const found = [...reached].filter((n) => n !== pkg).sort();
    const extra = found.filter((n) => !expected.includes(n));
    const missing = expected.filter((n) => !found.includes(n));
    const line = `${pkg.padEnd(24)} installs ${found.length ? found.join(', ') : '(no other phaseflow package)'}`;
    if (extra.length || missing.length) {
      failures.push(
        `${pkg}: installing it alone pulls in ${found.join(', ') || 'nothing else'}, the README table says ${expected.join(', ') || 'nothing else'}` +
          (extra.length ? ` (not in the table: ${extra.join(', ')})` : '') +
          (missing.length ? ` (in the table, not installed: ${missing.join(', ')})` : ''),
      );
      console.log(`✗ ${line}`);
    } else console.log(`✓ ${line}`);
  }
} finally {
  if (keep) console.log(`scratch directory kept: ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}

if (failures.length) {
  console.log('');
  for (const f of failures) console.log(`✗ ${f}`);
  console.log(`\ncheck-closure: ${failures.length} problem${failures.length === 1 ? '' : 's'}`);
  process.exitCode = 1;
} else console.log(`check-closure: ${rows.length} packages install what the README table says`);
