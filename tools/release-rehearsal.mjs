#!/usr/bin/env node
// The release as a user gets it, rehearsed on a local registry.
//
// 1. Copies the checkout (tracked and unignored files, plus every package's built dist/) into a
//    scratch folder and runs `changeset version` there, twice: once with the pending changesets
//    (the versions the next release would publish) and once with a synthetic minor of
//    @phaseflow/core and @phaseflow/tfjs added, to prove the version policy of
//    docs/contributing.md: a core minor forces no plugin major, and every internal range is
//    still satisfied afterwards.
// 2. Starts verdaccio 5 (tools/release/, installed by `npm ci --prefix tools/release`) on
//    127.0.0.1 only, with no uplink, and publishes every non-private workspace package of the
//    versioned copy to it.
// 3. For each published package, in a fresh project that routes only the @phaseflow scope to
//    the local registry: runs the `npm install …` line of the package's README exactly as
//    written (so the install line must name every package its examples import), prints the
//    phaseflow packages that install pulled in (`npm ls --all`; any problem npm ls
//    reports, a missing peer for one, fails), then runs every ```ts block of the README as a
//    module (transpiled with the workspace's TypeScript, each block on its own, as pasted)
//    and prints the first lines of its output. A block fenced ```ts no-run is shown, not run.
// 4. Installs the third-party example plugin (docs/examples/plugin-midpoint, built against the
//    published core and testkit) next to the newly versioned core, and runs it.
//
// Leaves reports/release-rehearsal.json (vitest's JSON shape: one test per README block, per
// install and per policy check) for tools/test-summary.mjs.
// Usage: node tools/release-rehearsal.mjs [--only @phaseflow/x] [--keep] [--no-build]
//        node tools/release-rehearsal.mjs --blocks-only [--only @phaseflow/x]
//          (the README blocks alone, against the workspace's build: a quick check while writing)
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    'blocks-only': { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    keep: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const run = (cmd, argv, cwd, extra = {}) =>
  execFileSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, ...extra });
const execAsync = promisify(execFile);
const runAsync = (cmd, argv, cwd, extra = {}) => execAsync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...extra });
/** Run `jobs` (async functions) `width` at a time; results in the order of `jobs`. */
async function pool(jobs, width) {
  const results = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}
/** A buffered log for a job run in parallel: printed in one piece, in order, when the job ends. */
function bufferedLog() {
  const lines = [];
  return {
    lines,
    log: (s) => lines.push(s),
    record: (suite, title, ok, detail = '') => {
      results.push({ suite, title, ok, detail });
      lines.push(`  ${ok ? '✓' : '✗'} ${title}${detail && !ok ? `\n${indent(detail, 6)}` : ''}`);
    },
  };
}
const work = mkdtempSync(join(tmpdir(), 'phaseflow-rehearsal-'));
const results = [];
const record = (suite, title, ok, detail = '') => {
  results.push({ suite, title, ok, detail });
  console.log(`  ${ok ? '✓' : '✗'} ${title}${detail && !ok ? `\n${indent(detail, 6)}` : ''}`);
};
const indent = (text, n) =>
  String(text)
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
const head = (text, lines = 6) => {
  const all = String(text).trimEnd().split('\n');
  return all.length > lines ? [...all.slice(0, lines), `… (${all.length - lines} more lines)`].join('\n') : all.join('\n');
};

// --- the workspace ---------------------------------------------------------------------------------
function workspaceDirs(base) {
  const globs = readJson(join(base, 'package.json')).workspaces;
  return globs.flatMap((g) =>
    existsSync(join(base, g.slice(0, -2)))
      ? readdirSync(join(base, g.slice(0, -2)))
          .sort()
          .map((d) => join(base, g.slice(0, -2), d))
          .filter((d) => existsSync(join(d, 'package.json')))
      : [],
  );
}
const caretSatisfies = (range, version) => {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  const v = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m || !v) return false;
  const [a, b, c] = m.slice(1).map(Number);
  const [x, y, z] = v.slice(1).map(Number);
  if (a > 0) return x === a && (y > b || (y === b && z >= c));
  if (b > 0) return x === 0 && y === b && z >= c;
  return x === 0 && y === 0 && z === c;
};
const breaking = (from, to) => {
  const [a, b] = from.split('.').map(Number);
  const [x, y] = to.split('.').map(Number);
  return a > 0 ? x > a : x > a || y > b;
};

async function runBlocks(name, blocks, cwd, out = { log: console.log, record }) {
  for (const [i, block] of blocks.entries()) {
    const label = `README block ${i + 1}/${blocks.length}`;
    if (/no-run/.test(block.info)) {
      out.log(`  - ${label}: fenced ${block.info}, not run`);
      continue;
    }
    const js = ts.transpileModule(block.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    const file = join(cwd, `block-${i + 1}.mjs`);
    writeFileSync(file, js);
    let status = 0;
    let text;
    let failure = '';
    try {
      const r = await runAsync(process.execPath, [file], cwd, { timeout: 180_000, env: { ...process.env, FORCE_COLOR: '0' } });
      text = `${r.stdout}${r.stderr}`.trim();
    } catch (e) {
      status = typeof e.code === 'number' ? e.code : 1;
      text = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
      failure = e.killed ? `killed after 180 s\n` : '';
    }
    const ok = status === 0 && !failure;
    const firstError = text.split('\n').find((l) => /Error|error:/.test(l));
    out.record(
      name,
      `${label} runs (${block.code.trim().split('\n').length} lines)`,
      ok,
      head(`${failure}exit ${status}${firstError ? `: ${firstError.trim()}` : ''}\n${text}`, 25),
    );
    if (ok && text) out.log(indent(head(text, 4), 6));
  }
}

if (opts['blocks-only']) {
  console.log('::: README blocks against the workspace build');
  for (const dir of workspaceDirs(root)) {
    const manifest = readJson(join(dir, 'package.json'));
    if (manifest.private || (opts.only && !opts.only.includes(manifest.name))) continue;
    console.log(`\n${manifest.name}`);
    const cwd = join(root, 'node_modules', '.cache', 'phaseflow-readme', manifest.name.replace('/', '+'));
    mkdirSync(cwd, { recursive: true });
    await runBlocks(manifest.name, readmeParts(join(dir, 'README.md')).blocks, cwd);
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\nREADME blocks: ${results.length - failed.length} passed, ${failed.length} failed`);
  rmSync(work, { recursive: true, force: true });
  process.exit(failed.length ? 1 : 0);
}

// --- 1. versions ------------------------------------------------------------------------------------
if (!opts['no-build']) {
  console.log('::: building every package');
  run('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], root, { stdio: ['ignore', 'ignore', 'inherit'] });
}
function scratchCopy(name) {
  const dir = join(work, name);
  const files = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], root)
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)));
  for (const f of files) cpSync(join(root, f), join(dir, f));
  for (const pkg of workspaceDirs(root)) {
    if (existsSync(join(pkg, 'dist'))) cpSync(join(pkg, 'dist'), join(dir, relative(root, pkg), 'dist'), { recursive: true });
  }
  return dir;
}
function pendingChangesets(dir) {
  const bumps = new Map();
  for (const f of readdirSync(join(dir, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, '.changeset', f), 'utf8'))?.[1] ?? '';
    for (const m of front.matchAll(/^['"]?([^'":]+)['"]?\s*:\s*(major|minor|patch)\s*$/gm)) {
      const order = { patch: 0, minor: 1, major: 2 };
      if (!bumps.has(m[1]) || order[m[2]] > order[bumps.get(m[1])]) bumps.set(m[1], m[2]);
    }
  }
  return bumps;
}
function versionIn(dir) {
  const before = new Map(workspaceDirs(dir).map((d) => [readJson(join(d, 'package.json')).name, readJson(join(d, 'package.json')).version]));
  const asked = pendingChangesets(dir);
  run(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], dir);
  const manifests = workspaceDirs(dir).map((d) => ({ dir: d, manifest: readJson(join(d, 'package.json')) }));
  const after = new Map(manifests.map(({ manifest }) => [manifest.name, manifest.version]));
  const problems = [];
  for (const { manifest } of manifests) {
    if (manifest.private) continue;
    const from = before.get(manifest.name);
    if (breaking(from, manifest.version) && asked.get(manifest.name) !== 'major' && !(asked.get(manifest.name) === 'minor' && from.startsWith('0.'))) {
      problems.push(`${manifest.name} ${from} → ${manifest.version}: a breaking bump no changeset asked for (forced by a dependency's release)`);
    }
    for (const field of ['dependencies', 'peerDependencies', 'devDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (after.has(dep) && !caretSatisfies(range, after.get(dep)))
          problems.push(`${manifest.name} ${field}["${dep}"] "${range}" does not accept ${dep} ${after.get(dep)}`);
      }
    }
  }
  return { before, after, asked, problems, manifests };
}

console.log('\n::: 1. versions (changeset version in a scratch copy)');
const pending = scratchCopy('release');
const policy = scratchCopy('policy');
const versioned = versionIn(pending);
for (const [name, v] of versioned.after) {
  const was = versioned.before.get(name);
  if (was !== v) console.log(`  ${name.padEnd(32)} ${was.padEnd(7)} → ${v}${versioned.asked.has(name) ? ` (${versioned.asked.get(name)})` : ''}`);
}
console.log(`  (${versioned.after.size - [...versioned.after].filter(([n, v]) => versioned.before.get(n) !== v).length} packages unchanged)`);
record(
  'versions',
  'the pending changesets version every package without a forced major, every internal range satisfied',
  versioned.problems.length === 0,
  versioned.problems.join('\n'),
);
writeFileSync(
  join(policy, '.changeset', 'zz-rehearsal-core-minor.md'),
  "---\n'@phaseflow/core': minor\n'@phaseflow/tfjs': minor\n---\n\nRehearsal: a core and tfjs minor.\n",
);
const minor = versionIn(policy);
const bumpedMajor = [...minor.after].filter(
  ([n, v]) => n !== '@phaseflow/core' && n !== '@phaseflow/tfjs' && breaking(minor.before.get(n), v) && !minor.asked.has(n),
);
record(
  'versions',
  `a core minor (${minor.before.get('@phaseflow/core')} → ${minor.after.get('@phaseflow/core')}) and a tfjs minor force no plugin major and keep every range satisfied`,
  minor.problems.length === 0 && bumpedMajor.length === 0,
  [...minor.problems, ...bumpedMajor.map(([n, v]) => `${n} → ${v}`)].join('\n'),
);

// --- 2. the registry --------------------------------------------------------------------------------
const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
const verdaccio = join(root, 'tools/release/node_modules/verdaccio/bin/verdaccio');
if (!existsSync(verdaccio)) {
  console.error('verdaccio is not installed: run `npm ci --prefix tools/release`');
  process.exit(1);
}
const port = await freePort();
const registry = `http://127.0.0.1:${port}/`;
const regDir = join(work, 'registry');
mkdirSync(regDir, { recursive: true });
writeFileSync(
  join(regDir, 'config.yaml'),
  [
    `storage: ${join(regDir, 'storage')}`,
    'auth:',
    '  htpasswd:',
    `    file: ${join(regDir, 'htpasswd')}`,
    '    max_users: 10',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'max_body_size: 200mb',
    'log: { type: stdout, format: pretty, level: error }',
    '',
  ].join('\n'),
);
const server = spawn(process.execPath, [verdaccio, '--config', join(regDir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.resume();
server.stderr.on('data', (chunk) => {
  const lines = String(chunk)
    .split('\n')
    .filter((l) => l.trim() && !/superuser privileges|--trace-warnings/.test(l));
  if (lines.length) process.stderr.write(`verdaccio: ${lines.join('\nverdaccio: ')}\n`);
});
const stop = () => server.exitCode === null && server.kill();
process.on('exit', stop);
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${registry}-/ping`)).ok) break;
  } catch {
    /* not up yet */
  }
  if (i > 100) throw new Error('verdaccio did not start');
  await new Promise((r) => setTimeout(r, 200));
}
const user = await (
  await fetch(`${registry}-/user/org.couchdb.user:rehearsal`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'rehearsal', password: 'rehearsal-only', email: 'rehearsal@localhost', type: 'user' }),
  })
).json();
if (!user.token) throw new Error(`verdaccio refused the rehearsal user: ${JSON.stringify(user)}`);
const npmrc = join(work, '.npmrc');
writeFileSync(npmrc, `@phaseflow:registry=${registry}\n//127.0.0.1:${port}/:_authToken=${user.token}\n`);
const npmEnv = { ...process.env, npm_config_userconfig: npmrc, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
console.log(`\n::: 2. publishing to verdaccio at ${registry} (loopback only, no uplink)`);
const publishable = versioned.manifests.filter(({ manifest }) => !manifest.private);
const outcomes = await pool(
  publishable.map(({ dir }) => async () => {
    try {
      await runAsync('npm', ['publish', '--ignore-scripts', '--registry', registry, '--provenance=false'], dir, { env: npmEnv });
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: head(e.stderr ?? e.message, 20) };
    }
  }),
  4,
);
const published = [];
for (const [i, { dir, manifest }] of publishable.entries()) {
  if (outcomes[i].ok) {
    published.push({ dir, manifest });
    console.log(`  published ${manifest.name}@${manifest.version}`);
  } else record('publish', `${manifest.name}@${manifest.version} publishes`, false, outcomes[i].detail);
}

// --- 3. each package alone, its README as written ---------------------------------------------------
function readmeParts(file) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const blocks = [...text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({ info: m[1].trim(), code: m[2] }));
  const installs = blocks
    .filter((b) => /^(sh|bash|shell)$/.test(b.info))
    .flatMap((b) => b.code.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim()) // a shell comment after the command
    .filter((l) => /^npm (i|install)\s/.test(l));
  return { installs, blocks: blocks.filter((b) => /^(ts|typescript|js|javascript)(\s|$)/.test(b.info)) };
}
const phaseflowClosure = (tree, name) => {
  const seen = new Set();
  const walk = (deps) => {
    for (const [dep, node] of Object.entries(deps ?? {})) {
      if (dep.startsWith('@phaseflow/') && !seen.has(dep)) {
        seen.add(`${dep}@${node.version}`);
        walk(node.dependencies);
      }
    }
  };
  walk(tree.dependencies);
  return [...seen].filter((d) => !d.startsWith(`${name}@`)).sort();
};
console.log('\n::: 3. every package installed alone from the registry; its README run as written');
const selected = published.filter(({ manifest }) => !opts.only || opts.only.includes(manifest.name));
async function rehearse({ dir, manifest }) {
  const { name, version } = manifest;
  const out = bufferedLog();
  out.log(`\n${name}@${version}`);
  const app = join(work, 'apps', name.replace('/', '+'));
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'rehearsal-app', private: true, type: 'module' }, null, 2));
  const { installs, blocks } = readmeParts(join(dir, 'README.md'));
  const install = installs[0];
  if (!install) {
    out.record(name, 'its README has an `npm install` line', false, 'no ```sh block with an `npm install …` line');
    return out.lines;
  }
  if (!install.split(/\s+/).includes(name)) {
    out.record(name, `the README's first install line names ${name}`, false, install);
    return out.lines;
  }
  try {
    // Every install line of the README, in order (the first one is the package alone; later
    // ones add what a later example needs, as the README says), run as written.
    for (const line of installs)
      await runAsync('npm', ['install', '--prefer-offline', '--loglevel=error', ...line.split(/\s+/).slice(2)], app, { env: npmEnv });
    let ls;
    try {
      ls = await runAsync('npm', ['ls', '--all', '--json'], app, { env: npmEnv });
    } catch (e) {
      ls = e; // npm ls exits 1 when it has problems; its JSON is still on stdout
    }
    const tree = JSON.parse(ls.stdout);
    // "extraneous" is npm's bookkeeping of optional peers it fetched (encoding under node-fetch), not a broken install.
    const problems = (tree.problems ?? []).filter((p) => !p.startsWith('extraneous:'));
    const ours = phaseflowClosure(tree, name);
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((p) => !manifest.peerDependenciesMeta?.[p]?.optional);
    for (const line of installs) out.log(`  $ ${line}`);
    out.log(`  pulls in: ${ours.join(', ') || '(no other phaseflow package)'}; required peers: ${peers.join(', ') || 'none'}`);
    out.record(name, `installs alone as its README says, npm ls clean`, problems.length === 0, problems.join('\n'));
  } catch (e) {
    out.record(name, `installs alone as its README says (${install})`, false, head(e.stderr ?? e.message, 30));
    return out.lines;
  }
  await runBlocks(name, blocks, app, out);
  return out.lines;
}
// Three projects at a time (installs wait on the network and the disk more than on the CPU);
// each package's lines are printed together, in order.
const jobs = selected.map((p) => async () => {
  const lines = await rehearse(p);
  return lines;
});
let printed = 0;
const finished = new Array(jobs.length);
await pool(
  jobs.map((job, i) => async () => {
    finished[i] = await job();
    while (printed < finished.length && finished[printed]) console.log(finished[printed++].join('\n'));
  }),
  3,
);

// --- 4. the third-party plugin next to the new core ----------------------------------------------
if (!opts.only) {
  console.log('\n::: 4. the third-party example plugin against the published core');
  const plugin = join(work, 'plugin-midpoint');
  cpSync(join(root, 'docs/examples/plugin-midpoint'), plugin, { recursive: true, filter: (s) => !/node_modules|dist|reports/.test(s) });
  try {
    run('npm', ['install', '--prefer-offline', '--loglevel=error'], plugin, { env: npmEnv });
    run('npm', ['run', 'build', '--silent'], plugin, { env: npmEnv });
    run('npx', ['--no-install', 'vitest', 'run'], plugin, { env: npmEnv });
    const tgz = run('npm', ['pack', '--silent', '--pack-destination', work], plugin, { env: npmEnv }).trim().split('\n').pop();
    const app = join(work, 'apps', 'plugin-user');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'plugin-user', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--loglevel=error', join(work, tgz), '@phaseflow/core'], app, { env: npmEnv });
    const core = readJson(join(app, 'node_modules/@phaseflow/core/package.json')).version;
    writeFileSync(
      join(app, 'use.mjs'),
      "import { integrate, odeProblem } from '@phaseflow/core';\nimport { createImplicitMidpoint } from 'phaseflow-plugin-midpoint';\n" +
        'const f = odeProblem((_t, y, out = new Float64Array(2)) => ((out[0] = y[1]), (out[1] = -y[0]), out));\n' +
        'const sol = integrate(createImplicitMidpoint(), f, Float64Array.of(1, 0), { tEnd: Math.PI, h: 0.01 });\n' +
        "console.log('implicit midpoint, y(π) for y(0) = (1, 0):', Array.from(sol.y.at(-1)).map((v) => v.toFixed(6)).join(', '), sol.status);\n",
    );
    const out = run(process.execPath, ['use.mjs'], app);
    record('plugin', `phaseflow-plugin-midpoint builds, passes its tests and installs next to @phaseflow/core ${core}`, true);
    console.log(indent(out.trim(), 6));
  } catch (e) {
    record(
      'plugin',
      'phaseflow-plugin-midpoint builds, passes its tests and installs next to the published core',
      false,
      head(`${e.stdout ?? ''}${e.stderr ?? e.message}`, 30),
    );
  }
}

// --- summary ------------------------------------------------------------------------------------------
stop();
const failed = results.filter((r) => !r.ok);
console.log(`\nrelease rehearsal: ${results.length - failed.length} passed, ${failed.length} failed`);
for (const f of failed) console.log(`  ✗ ${f.suite}: ${f.title}`);
mkdirSync(join(root, 'reports'), { recursive: true });
writeFileSync(
  join(root, 'reports/release-rehearsal.json'),
  JSON.stringify({
    numPassedTests: results.length - failed.length,
    numFailedTests: failed.length,
    testResults: results.map((r) => ({
      name: r.suite,
      assertionResults: [{ title: r.title, status: r.ok ? 'passed' : 'failed', failureMessages: r.ok ? [] : [r.detail] }],
    })),
  }),
);
if (!opts.keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
process.exitCode = failed.length ? 1 : 0;
